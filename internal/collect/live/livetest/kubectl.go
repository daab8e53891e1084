package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/syspool/syspool/internal/kubetest"
)

// LoadKubectl creates the objects of `kubectl get -o json` captures (Lists of Nodes, Pods, PDBs,
// Deployments and DaemonSets) in the API server of env, statuses included, with the namespaces and
// service accounts their pods need. What the server assigns (uid, resourceVersion, creation time)
// and what admission recomputes (pod priority) is cleared first; nothing else is changed, so
// the stored objects are the captured ones plus the server's own defaulting.
func LoadKubectl(t testing.TB, env *kubetest.Env, paths ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cs := env.AdminClient()
	var objs []runtime.Object
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(data, &list); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for i, raw := range list.Items {
			obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(raw, nil, nil)
			if err != nil {
				t.Fatalf("%s: items[%d]: %v", p, i, err)
			}
			objs = append(objs, obj)
		}
	}
	// Namespaces and service accounts first: admission refuses pods without them.
	accounts := map[string]map[string]bool{}
	for _, o := range objs {
		if p, ok := o.(*corev1.Pod); ok {
			if accounts[p.Namespace] == nil {
				accounts[p.Namespace] = map[string]bool{"default": true}
			}
			if p.Spec.ServiceAccountName != "" {
				accounts[p.Namespace][p.Spec.ServiceAccountName] = true
			}
		}
	}
	for ns, sas := range accounts {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("create namespace %s: %v", ns, err)
		}
		for sa := range sas {
			_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: ns}}, metav1.CreateOptions{})
			if err != nil && !apierrors.IsAlreadyExists(err) {
				t.Fatalf("create service account %s/%s: %v", ns, sa, err)
			}
		}
	}
	for _, o := range objs {
		if err := create(ctx, cs, o); err != nil {
			t.Fatal(err)
		}
	}
}

func fresh(m *metav1.ObjectMeta) {
	m.UID, m.ResourceVersion, m.Generation, m.CreationTimestamp, m.ManagedFields = "", "", 0, metav1.Time{}, nil
}

func create(ctx context.Context, cs kubernetes.Interface, o runtime.Object) error {
	up := metav1.UpdateOptions{}
	switch v := o.(type) {
	case *corev1.Node:
		fresh(&v.ObjectMeta)
		if _, err := cs.CoreV1().Nodes().Create(ctx, v, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create node %s: %w", v.Name, err)
		}
	case *corev1.Pod:
		fresh(&v.ObjectMeta)
		v.Spec.Priority, v.Spec.PreemptionPolicy = nil, nil
		status := v.Status
		got, err := cs.CoreV1().Pods(v.Namespace).Create(ctx, v, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create pod %s/%s: %w", v.Namespace, v.Name, err)
		}
		status.QOSClass = got.Status.QOSClass
		got.Status = status
		if _, err := cs.CoreV1().Pods(v.Namespace).UpdateStatus(ctx, got, up); err != nil {
			return fmt.Errorf("update status of pod %s/%s: %w", v.Namespace, v.Name, err)
		}
	case *policyv1.PodDisruptionBudget:
		fresh(&v.ObjectMeta)
		status := v.Status
		got, err := cs.PolicyV1().PodDisruptionBudgets(v.Namespace).Create(ctx, v, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create pdb %s/%s: %w", v.Namespace, v.Name, err)
		}
		status.ObservedGeneration = got.Generation
		got.Status = status
		if _, err := cs.PolicyV1().PodDisruptionBudgets(v.Namespace).UpdateStatus(ctx, got, up); err != nil {
			return fmt.Errorf("update status of pdb %s/%s: %w", v.Namespace, v.Name, err)
		}
	case *appsv1.Deployment:
		fresh(&v.ObjectMeta)
		status := v.Status
		got, err := cs.AppsV1().Deployments(v.Namespace).Create(ctx, v, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create deployment %s/%s: %w", v.Namespace, v.Name, err)
		}
		got.Status = status
		if _, err := cs.AppsV1().Deployments(v.Namespace).UpdateStatus(ctx, got, up); err != nil {
			return fmt.Errorf("update status of deployment %s/%s: %w", v.Namespace, v.Name, err)
		}
	case *appsv1.DaemonSet:
		fresh(&v.ObjectMeta)
		status := v.Status
		got, err := cs.AppsV1().DaemonSets(v.Namespace).Create(ctx, v, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create daemonset %s/%s: %w", v.Namespace, v.Name, err)
		}
		got.Status = status
		if _, err := cs.AppsV1().DaemonSets(v.Namespace).UpdateStatus(ctx, got, up); err != nil {
			return fmt.Errorf("update status of daemonset %s/%s: %w", v.Namespace, v.Name, err)
		}
	default:
		return fmt.Errorf("LoadKubectl does not load %T", o)
	}
	return nil
}

// DumpKubectl writes what the API server holds as the captures the README tells users to take:
// nodes.json (kubectl get nodes -o json), pods.json, pdbs.json and workloads.json (deployments,
// daemonsets, statefulsets), each a v1 List of JSON objects with apiVersion and kind, as kubectl
// prints them. It is the offline twin of a live collection of the same cluster state.
func DumpKubectl(t testing.TB, cs kubernetes.Interface, dir string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	all := metav1.ListOptions{}
	var files []string
	write := func(name string, items []runtime.Object) {
		var buf bytes.Buffer
		buf.WriteString(`{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[`)
		for i, o := range items {
			if i > 0 {
				buf.WriteByte(',')
			}
			gvks, _, err := scheme.Scheme.ObjectKinds(o)
			if err != nil {
				t.Fatal(err)
			}
			o.GetObjectKind().SetGroupVersionKind(gvks[0])
			b, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(b)
		}
		buf.WriteString("]}\n")
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("dump: %v", err)
		}
	}
	nodes, err := cs.CoreV1().Nodes().List(ctx, all)
	must(err)
	write("nodes.json", objects(nodes.Items))
	pods, err := cs.CoreV1().Pods("").List(ctx, all)
	must(err)
	write("pods.json", objects(pods.Items))
	pdbs, err := cs.PolicyV1().PodDisruptionBudgets("").List(ctx, all)
	must(err)
	write("pdbs.json", objects(pdbs.Items))
	deps, err := cs.AppsV1().Deployments("").List(ctx, all)
	must(err)
	dss, err := cs.AppsV1().DaemonSets("").List(ctx, all)
	must(err)
	sts, err := cs.AppsV1().StatefulSets("").List(ctx, all)
	must(err)
	write("workloads.json", append(append(objects(deps.Items), objects(dss.Items)...), objects(sts.Items)...))
	return files
}

// objects converts a typed list's items into pointers to each item.
func objects[T any, P interface {
	*T
	runtime.Object
}](items []T) []runtime.Object {
	out := make([]runtime.Object, len(items))
	for i := range items {
		out[i] = P(&items[i])
	}
	return out
}

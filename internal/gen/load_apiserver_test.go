package gen

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/syspool/syspool/internal/kubetest"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// TestLoadAPIServer loads the test cluster into a real kube-apiserver and reads it back: every
// object must come back as the builders made it (and as the files hold it), apart from what the
// server assigns. That holds the generator to the server's own validation, defaulting and
// admission, so live and offline measurements see the same cluster.
func TestLoadAPIServer(t *testing.T) {
	t.Parallel()
	env := kubetest.Start(t, kubetest.Options{})
	cfg := env.AdminConfig()
	cfg.QPS, cfg.Burst = -1, 0 // Load bounds its requests itself
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(testParams)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := c.Load(t.Context(), cs, LoadOptions{Concurrency: 16}); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d nodes and %d pods in %s", len(c.Nodes), len(c.Pods), time.Since(start).Round(time.Millisecond))

	ctx := t.Context()
	all := metav1.ListOptions{}
	// serverOwned clears what the API server assigns, on both sides of a comparison.
	serverOwned := func(m *metav1.ObjectMeta) {
		m.UID, m.ResourceVersion, m.Generation, m.ManagedFields = "", "", 0, nil
		m.CreationTimestamp = metav1.Time{}
	}
	same := func(t *testing.T, what string, got, want any) {
		t.Helper()
		if !apiequality.Semantic.DeepEqual(got, want) {
			t.Errorf("%s read back differs (-generated +server):\n%s", what, cmp.Diff(want, got))
		}
	}

	t.Run("nodes", func(t *testing.T) {
		l, err := cs.CoreV1().Nodes().List(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) != len(c.Nodes) {
			t.Fatalf("%d nodes, want %d", len(l.Items), len(c.Nodes))
		}
		for i := range l.Items {
			got, want := &l.Items[i], c.Node(i).DeepCopy()
			serverOwned(&got.ObjectMeta)
			serverOwned(&want.ObjectMeta)
			got.TypeMeta = want.TypeMeta
			same(t, "node "+want.Name, got, want)
		}
	})
	t.Run("pods", func(t *testing.T) {
		l, err := cs.CoreV1().Pods("").List(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) != len(c.Pods) {
			t.Fatalf("%d pods, want %d", len(l.Items), len(c.Pods))
		}
		bad := 0
		for i := range l.Items {
			got, want := &l.Items[i], c.Pod(i).DeepCopy()
			serverOwned(&got.ObjectMeta)
			serverOwned(&want.ObjectMeta)
			got.TypeMeta = want.TypeMeta
			if !apiequality.Semantic.DeepEqual(got, want) {
				if bad++; bad <= 3 {
					t.Errorf("pod %s/%s read back differs (-generated +server):\n%s", want.Namespace, want.Name, cmp.Diff(want, got))
				}
			}
		}
		if bad > 3 {
			t.Errorf("... and %d more pods", bad-3)
		}
	})
	t.Run("deployments and daemonsets", func(t *testing.T) {
		ds, err := cs.AppsV1().DaemonSets("").List(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		for i, idx := range c.DaemonSets() {
			got, want := &ds.Items[i], c.DaemonSet(idx).DeepCopy()
			serverOwned(&got.ObjectMeta)
			serverOwned(&want.ObjectMeta)
			got.TypeMeta = want.TypeMeta
			same(t, "daemonset "+want.Name, got, want)
		}
		deploys, err := cs.AppsV1().Deployments("").List(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		for i, idx := range c.Deployments() {
			got, want := &deploys.Items[i], c.Deployment(idx).DeepCopy()
			serverOwned(&got.ObjectMeta)
			serverOwned(&want.ObjectMeta)
			got.TypeMeta = want.TypeMeta
			same(t, fmt.Sprintf("deployment %s/%s", want.Namespace, want.Name), got, want)
		}
	})
	t.Run("pdbs", func(t *testing.T) {
		l, err := cs.PolicyV1().PodDisruptionBudgets("").List(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.PDBs {
			got, want := &l.Items[i], c.PDB(i).DeepCopy()
			serverOwned(&got.ObjectMeta)
			serverOwned(&want.ObjectMeta)
			got.TypeMeta = want.TypeMeta
			same(t, "pdb "+want.Name, got, want)
		}
	})
}

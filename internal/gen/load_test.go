package gen

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// TestLoad loads the test cluster into client-go's fake clientset and checks what was sent: every
// object created once, then its status written through the status subresource. Against a real API
// server, the integration tests of the collectors use the same Load.
func TestLoad(t *testing.T) {
	t.Parallel()
	// Small: the fake clientset's tracker is slower than a real API server.
	c, err := New(Params{Nodes: 8, Pods: 150, Pools: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cs := fake.NewClientset()
	var mu sync.Mutex
	calls := map[string]int{}
	var badCreate string
	cs.PrependReactor("*", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		calls[a.GetVerb()+" "+a.GetResource().Resource+"/"+a.GetSubresource()]++
		if create, ok := a.(k8stesting.CreateAction); ok && a.GetVerb() == "create" {
			m, err := meta.Accessor(create.GetObject())
			if err == nil && (m.GetUID() != "" || m.GetResourceVersion() != "" || m.GetManagedFields() != nil ||
				!m.GetCreationTimestamp().Time.IsZero()) && badCreate == "" {
				badCreate = m.GetNamespace() + "/" + m.GetName()
			}
		}
		return false, nil, nil
	})
	var progress []string
	err = c.Load(t.Context(), cs, LoadOptions{Concurrency: 8, Progress: func(kind string, done, total int) {
		if done == total {
			progress = append(progress, kind)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	sas := 0
	for _, ns := range c.Namespaces {
		sas += len(ns.ServiceAccounts)
	}
	want := map[string]int{
		"create namespaces/":                 len(c.Namespaces),
		"create serviceaccounts/":            sas,
		"create nodes/":                      len(c.Nodes),
		"update nodes/status":                len(c.Nodes),
		"create deployments/":                len(c.Deployments()),
		"update deployments/status":          len(c.Deployments()),
		"create daemonsets/":                 len(daemonSets),
		"update daemonsets/status":           len(daemonSets),
		"create poddisruptionbudgets/":       len(c.PDBs),
		"update poddisruptionbudgets/status": len(c.PDBs),
		"create pods/":                       len(c.Pods),
		"update pods/status":                 len(c.Pods),
	}
	if badCreate != "" {
		t.Errorf("%s was created with metadata the server assigns", badCreate)
	}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("API calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"namespaces", "nodes", "deployments", "daemonsets", "pdbs", "pods"}, progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	pods, err := cs.CoreV1().Pods("").List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	running := 0
	for _, p := range pods.Items {
		if p.Status.Phase == "Running" && p.Spec.NodeName != "" {
			running++
		}
	}
	if want := len(c.Pods) - len(c.Expect.Pending) - countSucceeded(c); running != want {
		t.Errorf("%d pods Running on a node after Load, want %d", running, want)
	}
}

func countSucceeded(c *Cluster) int {
	n := 0
	for _, p := range c.Pods {
		if p.State == Succeeded {
			n++
		}
	}
	return n
}

package gen

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestManagedFieldsCache builds every object twice: with the per-shape cache and its sentinel
// replacement, and computed afresh from the object itself. They must agree, or a shape key leaves
// out something that changes an object's field paths.
func TestManagedFieldsCache(t *testing.T) {
	t.Parallel()
	cached, err := New(testParams)
	if err != nil {
		t.Fatal(err)
	}
	cached.ManagedFields = true
	fresh, err := New(testParams)
	if err != nil {
		t.Fatal(err)
	}
	fresh.ManagedFields = true
	fresh.fields = newFieldCache()
	fresh.fields.fresh = true

	check := func(what string, got, want []metav1.ManagedFieldsEntry) {
		t.Helper()
		if len(want) < 2 {
			t.Fatalf("%s: %d managed-fields entries, want at least 2", what, len(want))
		}
		if diff := cmp.Diff(fieldsJSON(t, want), fieldsJSON(t, got)); diff != "" {
			t.Fatalf("%s: cached managed fields differ from fresh (-fresh +cached):\n%s", what, diff)
		}
	}
	for i := range cached.Nodes {
		check("node "+cached.Nodes[i].Name, cached.Node(i).ManagedFields, fresh.Node(i).ManagedFields)
	}
	for i := range cached.Pods {
		check("pod "+cached.Pods[i].Name, cached.Pod(i).ManagedFields, fresh.Pod(i).ManagedFields)
	}
	for _, i := range cached.Deployments() {
		check("deployment "+cached.Workloads[i].Name, cached.Deployment(i).ManagedFields, fresh.Deployment(i).ManagedFields)
	}
	for _, i := range cached.DaemonSets() {
		check("daemonset "+cached.Workloads[i].Name, cached.DaemonSet(i).ManagedFields, fresh.DaemonSet(i).ManagedFields)
	}
	for i := range cached.PDBs {
		check("pdb "+cached.PDBs[i].Name, cached.PDB(i).ManagedFields, fresh.PDB(i).ManagedFields)
	}

	// Spot checks of what the API server would record.
	p := cached.Pod(0)
	for _, want := range []string{`"f:spec":`, `"f:containers":`, `"k:{\"uid\":\"` + cached.Workloads[cached.Pods[0].Workload].OwnerUID} {
		if !bytes.Contains(p.ManagedFields[0].FieldsV1.GetRawBytes(), []byte(want)) {
			t.Errorf("pod %s: controller's fields lack %s: %s", p.Name, want, p.ManagedFields[0].FieldsV1.GetRawBytes())
		}
	}
	if !bytes.Contains(p.ManagedFields[1].FieldsV1.GetRawBytes(), []byte(`"k:{\"ip\":\"`+p.Status.PodIP+`\"}"`)) || p.ManagedFields[1].Subresource != "status" {
		t.Errorf("pod %s: status entry %+v lacks its pod IP", p.Name, p.ManagedFields[1])
	}
}

func fieldsJSON(t *testing.T, es []metav1.ManagedFieldsEntry) string {
	t.Helper()
	b, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWriteWithManagedFields checks that the opt-in output keeps kubectl's layout and roughly
// doubles the pods, as real managed fields do.
func TestWriteWithManagedFields(t *testing.T) {
	t.Parallel()
	c, err := New(testParams)
	if err != nil {
		t.Fatal(err)
	}
	c.ManagedFields = true
	dir := t.TempDir()
	st, err := c.WriteDir(t.Context(), dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	plain := int64(len(readFile(t, "pods.json")))
	if ratio := float64(st.Bytes["pods.json"]) / float64(plain); ratio < 1.5 || ratio > 3 {
		t.Errorf("pods.json with managed fields is %.2f times the plain one, want 1.5-3", ratio)
	}
}

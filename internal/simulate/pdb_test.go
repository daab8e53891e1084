package simulate

import (
	"strings"
	"testing"

	"github.com/syspool/syspool/internal/snapshot"
)

// Without a status in the capture, a budget is computed from the pods the way the disruption
// controller does, percentages rounded up.
func TestBudgetWithoutStatus(t *testing.T) {
	tests := []struct {
		minAvailable, maxUnavailable string
		notReady                     int
		want                         string
	}{
		{"2", "", 0, "2 desired, 1 disruption(s) allowed"},
		{"50%", "", 0, "2 desired, 1 disruption(s) allowed"}, // 1.5 rounds up
		{"", "1", 0, "2 desired, 1 disruption(s) allowed"},
		{"", "34%", 0, "1 desired, 2 disruption(s) allowed"}, // 1.02 rounds up to 2 unavailable
		{"", "1", 1, "2 desired, 0 disruption(s) allowed"},   // a replica is already down
	}
	for _, tt := range tests {
		f := systemCluster().replicas("kube-system", "konnectivity-agent", 3, []string{"aks-sys-0", "aks-sys-1", "aks-sys-2"}, 20, 20)
		for i := 0; i < tt.notReady; i++ {
			f.s.Pods[len(f.s.Pods)-1-i].Ready = false
		}
		f.s.PDBs = append(f.s.PDBs, snapshot.PDB{Namespace: "kube-system", Name: "konn", MinAvailable: tt.minAvailable,
			MaxUnavailable: tt.maxUnavailable, Selector: snapshot.LabelSelector{MatchLabels: map[string]string{"app": "konnectivity-agent"}}})
		sim := New(f.s)
		var got string
		for _, b := range sim.budgets {
			if b.ref == "kube-system/konn" {
				got = b.arithmetic()
			}
		}
		if !strings.Contains(got, tt.want) || !strings.Contains(got, "computed from the captured pods") {
			t.Errorf("min %q max %q: %s, want %q", tt.minAvailable, tt.maxUnavailable, got, tt.want)
		}
	}
}

// A selector with an expression (matchExpressions) goes through apimachinery like any other.
func TestBudgetSelectorExpressions(t *testing.T) {
	f := systemCluster()
	f.s.PDBs = append(f.s.PDBs, snapshot.PDB{Namespace: "kube-system", Name: "dns-expr", MinAvailable: "2",
		Selector: snapshot.LabelSelector{MatchExpressions: []snapshot.Requirement{{Key: "app", Operator: "In", Values: []string{"coredns"}}}}})
	o, err := New(f.s).Apply(Scenario{Kind: DrainNode, Node: "aks-sys-0"})
	if err != nil {
		t.Fatal(err)
	}
	bl := o.Blockers()
	if len(bl) != 1 || bl[0].Kind != BlockMultiplePDBs {
		t.Fatalf("blockers = %+v, want the coredns pod held by two PDBs", bl)
	}
}

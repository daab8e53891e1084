package simulate

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/snapshot"
)

// TestBaseSimsAreIndependent checks that Sims started from one Base share nothing they write:
// after one Sim relabels, retaints, drains, grows and loses nodes, another from the same Base
// (and several at once, under -race) still gives what a Sim from a fresh New gives.
func TestBaseSimsAreIndependent(t *testing.T) {
	snap := systemCluster().replicas("kube-system", "konnectivity-agent", 2, []string{"aks-sys-0", "aks-sys-2"}, 20, 20).s
	snap.PDBs = append(snap.PDBs, snapshot.PDB{Namespace: "kube-system", Name: "konn", MinAvailable: "1",
		Selector: snapshot.LabelSelector{MatchLabels: map[string]string{"app": "konnectivity-agent"}}})
	mutations := []Scenario{
		{Kind: ChangeTaints, Pool: "user", Taints: []snapshot.Taint{{Key: "dedicated", Value: "batch", Effect: "NoExecute"}}},
		{Kind: SurgeUpgrade, Pool: "sys", Upgrade: &UpgradeSettings{UndrainableNodeBehavior: "Cordon"}},
		{Kind: ScalePool, Pool: "sys", Count: 5},
		{Kind: DrainPool, Pool: "sys"},
		{Kind: LoseZone, Zone: "2"},
	}
	probes := []Scenario{
		{Kind: LoseLargestNode, SystemOnly: true},
		{Kind: LoseZone, Zone: "1", StopAfterSystem: true},
		{Kind: SurgeUpgrade, Pool: "sys"},
		{Kind: DrainPool, Pool: "user"},
	}
	b := Prepare(snap)
	first := b.New()
	for _, sc := range mutations {
		if _, err := first.Apply(sc); err != nil {
			t.Fatalf("Apply(%s): %v", sc.Kind, err)
		}
	}
	for _, sc := range probes {
		want, err := New(snap).Apply(sc)
		if err != nil {
			t.Fatalf("Apply(%s): %v", sc.Kind, err)
		}
		var wg sync.WaitGroup
		got := make([]*Outcome, 3)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], _ = b.New().Apply(sc)
			}()
		}
		wg.Wait()
		for _, g := range got {
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("%s from a used Base (-fresh +base):\n%s", sc.Kind, diff)
			}
		}
	}
}

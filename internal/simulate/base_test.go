package simulate

import (
	"fmt"
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

// TestMemosFollowBinds checks that the spread counts and anti-affinity domains kept up to date by
// binds, and the static filters' results kept across batches and scenarios, give the same
// outcomes as deriving them afresh every time.
func TestMemosFollowBinds(t *testing.T) {
	f := newFx().pool("sys", "System", 6).pool("user", "User", 3)
	var sys []string
	for i := 0; i < 6; i++ {
		n := fmt.Sprintf("aks-sys-%d", i)
		f.node(n, "sys", fmt.Sprint(i%3+1), 2000, 8, 30)
		sys = append(sys, n)
	}
	for i := 0; i < 3; i++ {
		f.node(fmt.Sprintf("aks-user-%d", i), "user", fmt.Sprint(i+1), 4000, 16, 30)
	}
	f.replicas("kube-system", "coredns", 5, sys, 300, 70, prio("system-cluster-critical"), spreadZone(1)).
		replicas("kube-system", "konnectivity-agent", 4, sys[1:], 200, 70, antiHost()).
		replicas("kube-system", "metrics-server", 2, sys[2:], 250, 100, antiHost(), spreadZone(1)).
		replicas("shop", "web", 6, []string{"aks-user-0", "aks-user-1", "aks-user-2", "aks-sys-5"}, 400, 256, spreadZone(1))

	// a-0 and a-1 share a term that keeps them off nodes running db, and db-0 is placed between
	// them: a-1 must see the node that the memo made for a-0 did not know about
	g := newFx().pool("user", "User", 3)
	for i := 0; i < 3; i++ {
		g.node(fmt.Sprintf("aks-user-%d", i), "user", fmt.Sprint(i+1), 4000, 16, 30)
	}
	avoidDB := func(p *snapshot.Pod) {
		p.RequiredAntiAffinity = []snapshot.PodAffinityTerm{{TopologyKey: "kubernetes.io/hostname",
			LabelSelector: snapshot.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}}
	}
	g.pod("shop", "a-0", "aks-user-0", 300, 64, avoidDB).pod("shop", "db-0", "aks-user-0", 200, 64).
		pod("shop", "a-1", "aks-user-0", 100, 64, avoidDB)

	tests := []struct {
		name  string
		snap  *fx
		steps []Scenario
	}{
		{"lose a zone", f, []Scenario{{Kind: LoseZone, Zone: "1"}}},
		{"lose a zone, stop after kube-system", f, []Scenario{{Kind: LoseZone, Zone: "2", StopAfterSystem: true}}},
		{"lose two nodes", f, []Scenario{{Kind: LoseLargestNode, SystemOnly: true}, {Kind: LoseLargestNode, SystemOnly: true}}},
		{"drain a pool", f, []Scenario{{Kind: DrainPool, Pool: "sys"}}},
		{"surge-upgrade", f, []Scenario{{Kind: SurgeUpgrade, Pool: "sys"}}},
		{"scale down", f, []Scenario{{Kind: ScalePool, Pool: "sys", Count: 3}}},
		{"a pod placed between replicas joins their memo", g, []Scenario{{Kind: DrainNode, Node: "aks-user-0"}}},
		{"drain, retaint, drain", f, []Scenario{{Kind: DrainNode, Node: "aks-user-0"},
			{Kind: ChangeTaints, Pool: "user", Taints: []snapshot.Taint{critical}}, {Kind: DrainNode, Node: "aks-sys-5"}}},
		{"surge with quarantine, then lose a zone", f, []Scenario{
			{Kind: SurgeUpgrade, Pool: "sys", Upgrade: &UpgradeSettings{UndrainableNodeBehavior: "Cordon"}},
			{Kind: LoseZone, Zone: "3"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, recounted := New(tt.snap.s), New(tt.snap.s)
			recounted.recount = true
			for i, sc := range tt.steps {
				want, err := recounted.Apply(sc)
				if err != nil {
					t.Fatal(err)
				}
				got, err := kept.Apply(sc)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-recounted +kept):\n%s", sc.Kind, diff)
				}
				if i == len(tt.steps)-1 && len(got.Placements())+len(got.Unplaced()) == 0 {
					t.Errorf("%s moved nothing: the test tests nothing", sc.Kind)
				}
			}
		})
	}
}

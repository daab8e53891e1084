package simulate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/snapshot"
)

// placed flattens an outcome's placements to "ns/pod from→to" for readable expectations.
func placed(o *Outcome) []string {
	var out []string
	for _, p := range o.Placements() {
		out = append(out, p.Pod.String()+" "+p.From+"→"+p.To)
	}
	return out
}

// unplaced flattens to "ns/pod: 0/3 nodes are available: 2× reason, 1× reason | closest node=reason; node=reason".
func unplaced(o *Outcome) []string {
	var out []string
	for _, u := range o.Unplaced() {
		var rs []string
		for _, r := range u.Closest {
			rs = append(rs, r.Node+"="+r.Reason)
		}
		out = append(out, u.Pod.String()+": "+u.Summary()+" | closest "+strings.Join(rs, "; "))
	}
	return out
}

func blockers(o *Outcome) []string {
	var out []string
	for _, b := range o.Blockers() {
		out = append(out, string(b.Kind)+" "+b.PDB+strings.Join(b.PDBs, ",")+" "+strings.Join(b.Pods, ","))
	}
	return out
}

func TestScenarios(t *testing.T) {
	tests := []struct {
		name     string
		snap     *fx
		steps    []Scenario
		summary  string // substring of the last outcome's summary
		placed   []string
		unplaced []string
		blockers []string
		removed  []string
	}{
		{
			name:    "lose the largest system node: coredns moves to the emptiest system node",
			snap:    systemCluster().node("aks-sys-3", "sys", "1", 7860, 28, 30, critical).pod("kube-system", "coredns-9", "aks-sys-3", 100, 70, prio("system-cluster-critical"), labelled("app", "coredns")),
			steps:   []Scenario{{Kind: LoseLargestNode, SystemOnly: true}},
			summary: "lose node aks-sys-3, the largest of 4 Ready system nodes (7860m CPU",
			placed:  []string{"kube-system/coredns-9 aks-sys-3→aks-sys-0"},
			removed: []string{"aks-sys-3"},
		},
		{
			name: "lose a node: pods that fit nowhere count the nodes per reason and name the closest",
			snap: newFx().pool("sys", "System", 2, func(p *snapshot.Pool) { p.Taints = []snapshot.Taint{critical} }).
				pool("user", "User", 1).
				node("aks-sys-0", "sys", "1", 2000, 8, 30, critical).
				node("aks-sys-1", "sys", "2", 1000, 8, 30, critical).
				node("aks-user-0", "user", "1", 8000, 32, 30).
				pod("kube-system", "coredns-0", "aks-sys-0", 500, 70, onSystemNodes()).
				pod("kube-system", "busy-0", "aks-sys-1", 880, 100),
			steps: []Scenario{{Kind: LoseLargestNode, SystemOnly: true}},
			unplaced: []string{"kube-system/coredns-0: 0/2 nodes are available: 1× insufficient cpu, 1× node affinity mismatch | " +
				"closest aks-sys-1=insufficient cpu: needs 500m, 120m free; aks-user-0=node affinity mismatch"},
			removed: []string{"aks-sys-0"},
		},
		{
			name: "max pods and untolerated taints are reasons too",
			snap: newFx().pool("sys", "System", 2).pool("user", "User", 1).
				node("aks-sys-0", "sys", "1", 4000, 8, 30).
				node("aks-sys-1", "sys", "2", 4000, 8, 1).
				node("aks-user-0", "user", "1", 8000, 32, 30, snapshot.Taint{Key: "workload", Value: "gpu", Effect: "NoSchedule"}).
				pod("kube-system", "coredns-0", "aks-sys-0", 100, 70).
				pod("kube-system", "ama-0", "aks-sys-1", 10, 10),
			steps: []Scenario{{Kind: LoseLargestNode, Pool: "sys"}},
			unplaced: []string{"kube-system/coredns-0: 0/2 nodes are available: 1× max pods 1 reached, " +
				"1× untolerated taint workload=gpu:NoSchedule | closest aks-sys-1=max pods 1 reached; " +
				"aks-user-0=untolerated taint workload=gpu:NoSchedule"},
			removed: []string{"aks-sys-0"},
		},
		{
			name:    "lose a zone: nodes of every pool in it go",
			snap:    systemCluster(),
			steps:   []Scenario{{Kind: LoseZone, Zone: "1"}},
			summary: "lose zone 1: 2 node(s)",
			placed: []string{"kube-system/coredns-0 aks-sys-0→aks-sys-1",
				"shop/web-0 aks-user-0→aks-user-1"},
			removed: []string{"aks-sys-0", "aks-user-0"},
		},
		{
			name:    "drain a pool one node at a time; PDB with room lets coredns through",
			snap:    systemCluster().pool("sysv2", "System", 0).node("aks-sysv2-0", "sysv2", "1", 3860, 12, 30, critical),
			steps:   []Scenario{{Kind: RemovePool, Pool: "sys"}},
			summary: "remove pool sys: cordon its 3 node(s)",
			placed: []string{"kube-system/coredns-0 aks-sys-0→aks-sysv2-0", "kube-system/coredns-1 aks-sys-1→aks-sysv2-0",
				"kube-system/metrics-server-0 aks-sys-2→aks-sysv2-0"},
			removed: []string{"aks-sys-0", "aks-sys-1", "aks-sys-2"},
		},
		{
			name: "a PDB allowing no disruption blocks the drain",
			snap: systemCluster().pool("sysv2", "System", 0).node("aks-sysv2-0", "sysv2", "1", 3860, 12, 30, critical).
				replicas("kube-system", "konnectivity-agent", 2, []string{"aks-sys-0", "aks-sys-1"}, 20, 20).
				pdb("kube-system", "konnectivity-agent", "2", 2, 2, 2, 0),
			steps:    []Scenario{{Kind: DrainNode, Node: "aks-sys-0"}},
			placed:   []string{"kube-system/coredns-0 aks-sys-0→aks-sysv2-0"},
			blockers: []string{"pdb kube-system/konnectivity-agent-pdb kube-system/konnectivity-agent-0"},
		},
		{
			name: "budgets are used up across the drain: a pod that fits nowhere keeps its disruption",
			snap: newFx().pool("sys", "System", 2).
				node("aks-sys-0", "sys", "1", 1000, 8, 30).
				node("aks-sys-1", "sys", "2", 1000, 8, 30).
				node("aks-sys-2", "sys", "3", 1000, 8, 30).
				replicas("kube-system", "big", 3, []string{"aks-sys-0", "aks-sys-1", "aks-sys-2"}, 900, 100).
				pdb("kube-system", "big", "1", 3, 1, 3, 2),
			steps: []Scenario{{Kind: DrainNode, Node: "aks-sys-0"}, {Kind: DrainNode, Node: "aks-sys-1"},
				{Kind: DrainNode, Node: "aks-sys-2"}},
			unplaced: []string{
				"kube-system/big-0: 0/3 nodes are available: 2× insufficient cpu, 1× node is being drained | " +
					"closest aks-sys-1=insufficient cpu: needs 900m, 100m free; aks-sys-2=insufficient cpu: needs 900m, 100m free; " +
					"aks-sys-0=node is being drained",
				"kube-system/big-1: 0/3 nodes are available: 1× insufficient cpu, 1× node is being drained, " +
					"1× node is cordoned (unschedulable) | closest aks-sys-2=insufficient cpu: needs 900m, 100m free; " +
					"aks-sys-0=node is cordoned (unschedulable); aks-sys-1=node is being drained"},
			blockers: []string{"pdb kube-system/big-pdb kube-system/big-2"},
		},
		{
			name:     "a pod under two PDBs cannot be evicted",
			snap:     systemCluster().pdb("kube-system", "coredns", "50%", 2, 1, 2, 1),
			steps:    []Scenario{{Kind: DrainNode, Node: "aks-sys-0"}},
			blockers: []string{"multiple-pdbs kube-system/coredns-pdb,kube-system/coredns-pdb kube-system/coredns-0"},
		},
		{
			name:    "scale down drains the highest-named nodes",
			snap:    systemCluster(),
			steps:   []Scenario{{Kind: ScalePool, Pool: "sys", Count: 2}},
			placed:  []string{"kube-system/metrics-server-0 aks-sys-2→aks-sys-0"},
			removed: []string{"aks-sys-2"},
		},
		{
			name: "a NoExecute taint evicts pods that do not tolerate it, a NoSchedule taint strands them",
			snap: systemCluster(),
			steps: []Scenario{{Kind: ChangeTaints, Pool: "user",
				Taints: []snapshot.Taint{{Key: "dedicated", Value: "batch", Effect: "NoExecute"}}}},
			unplaced: []string{"shop/web-0: 0/5 nodes are available: 3× untolerated taint CriticalAddonsOnly=true:NoSchedule, " +
				"2× untolerated taint dedicated=batch:NoExecute | closest aks-user-0=untolerated taint dedicated=batch:NoExecute; " +
				"aks-user-1=untolerated taint dedicated=batch:NoExecute; aks-sys-0=untolerated taint CriticalAddonsOnly=true:NoSchedule",
				"shop/web-1: 0/5 nodes are available: 3× untolerated taint CriticalAddonsOnly=true:NoSchedule, " +
					"2× untolerated taint dedicated=batch:NoExecute | closest aks-user-0=untolerated taint dedicated=batch:NoExecute; " +
					"aks-user-1=untolerated taint dedicated=batch:NoExecute; aks-sys-0=untolerated taint CriticalAddonsOnly=true:NoSchedule"},
		},
		{
			name: "required anti-affinity keeps replicas on separate nodes",
			snap: newFx().pool("sys", "System", 3).
				node("aks-sys-0", "sys", "1", 4000, 8, 30).
				node("aks-sys-1", "sys", "2", 4000, 8, 30).
				node("aks-sys-2", "sys", "3", 4000, 8, 30).
				replicas("kube-system", "coredns", 3, []string{"aks-sys-0", "aks-sys-1", "aks-sys-2"}, 100, 70, antiHost()),
			steps: []Scenario{{Kind: LoseLargestNode}},
			unplaced: []string{"kube-system/coredns-0: 0/2 nodes are available: 2× pod anti-affinity: a pod it repels runs in " +
				"the same kubernetes.io/hostname | closest aks-sys-1=pod anti-affinity: kube-system/coredns-1 runs in the same " +
				"kubernetes.io/hostname (aks-sys-1); aks-sys-2=pod anti-affinity: kube-system/coredns-2 runs in the same " +
				"kubernetes.io/hostname (aks-sys-2)"},
			removed: []string{"aks-sys-0"},
		},
		{
			name: "zone spread with maxSkew 1 refuses to stack a zone",
			snap: newFx().pool("sys", "System", 3).
				node("aks-sys-0", "sys", "1", 4000, 8, 30).
				node("aks-sys-1", "sys", "2", 4000, 8, 30).
				node("aks-sys-2", "sys", "3", 4000, 8, 30).
				node("aks-sys-3", "sys", "3", 4000, 8, 30).
				replicas("kube-system", "coredns", 4, []string{"aks-sys-0", "aks-sys-1", "aks-sys-2", "aks-sys-3"}, 100, 70, spreadZone(1)),
			steps: []Scenario{{Kind: DrainNode, Node: "aks-sys-1"}},
			unplaced: []string{"kube-system/coredns-1: 0/4 nodes are available: 3× topology spread: skew on topology.kubernetes.io/zone " +
				"above maxSkew, 1× node is being drained | closest aks-sys-0=topology spread: skew on topology.kubernetes.io/zone would be 2, maxSkew 1; " +
				"aks-sys-2=topology spread: skew on topology.kubernetes.io/zone would be 3, maxSkew 1; " +
				"aks-sys-3=topology spread: skew on topology.kubernetes.io/zone would be 3, maxSkew 1"},
		},
		{
			name: "restarting system pods moves only kube-system Deployments; one that fits nowhere keeps running",
			snap: newFx().pool("np1", "System", 2).pool("sys", "System", 1).
				node("aks-np1-0", "np1", "", 4000, 16, 30).
				node("aks-np1-1", "np1", "", 4000, 16, 30).
				node("aks-sys-0", "sys", "1", 1900, 8, 30, critical).
				pod("kube-system", "kube-proxy-aks-np1-0", "aks-np1-0", 100, 128, labelled("app", "kube-proxy"), daemon()).
				replicas("kube-system", "coredns", 2, []string{"aks-np1-0", "aks-np1-1"}, 100, 70).
				pod("kube-system", "ama-logs-rs-0", "aks-np1-1", 2000, 512).
				replicas("shop", "web", 2, []string{"aks-np1-0", "aks-np1-1"}, 500, 512),
			steps:  []Scenario{{Kind: RestartSystemPods, Pool: "np1"}},
			placed: []string{"kube-system/coredns-0 aks-np1-0→aks-sys-0", "kube-system/coredns-1 aks-np1-1→aks-sys-0"},
			unplaced: []string{"kube-system/ama-logs-rs-0: 0/3 nodes are available: 2× node is cordoned (unschedulable), " +
				"1× insufficient cpu | closest aks-sys-0=insufficient cpu: needs 2, 1900m free; " +
				"aks-np1-1=node is cordoned (unschedulable); aks-np1-0=node is cordoned (unschedulable)"},
		},
		{
			name: "a NoSchedule taint strands pods but moves none",
			snap: systemCluster(),
			steps: []Scenario{{Kind: ChangeTaints, Pool: "user", Taints: []snapshot.Taint{critical}},
				{Kind: DrainNode, Node: "aks-sys-2"}},
			// metrics-server still finds a node: web did not leave the user nodes
			placed: []string{"kube-system/metrics-server-0 aks-sys-2→aks-sys-0"},
		},
		{
			name:   "bare pods are lost, not re-placed",
			snap:   systemCluster().pod("kube-system", "debug-0", "aks-sys-2", 10, 10, bare()),
			steps:  []Scenario{{Kind: DrainNode, Node: "aks-sys-2"}},
			placed: []string{"kube-system/metrics-server-0 aks-sys-2→aks-sys-0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := New(tt.snap.s)
			var all []*Outcome
			for _, sc := range tt.steps {
				o, err := sim.Apply(sc)
				if err != nil {
					t.Fatalf("Apply(%s): %v", sc.Kind, err)
				}
				all = append(all, o)
			}
			last := all[len(all)-1]
			if tt.summary != "" && !strings.Contains(last.Summary, tt.summary) {
				t.Errorf("summary %q does not contain %q", last.Summary, tt.summary)
			}
			merged := &Outcome{}
			for _, o := range all {
				merged.Batches = append(merged.Batches, o.Batches...)
				merged.RemovedNodes = append(merged.RemovedNodes, o.RemovedNodes...)
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{
				{"placements", placed(merged), tt.placed},
				{"unplaced", unplaced(merged), tt.unplaced},
				{"blockers", blockers(merged), tt.blockers},
				{"removed", merged.RemovedNodes, tt.removed},
			} {
				if diff := cmp.Diff(c.want, c.got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", c.what, diff)
				}
			}
		})
	}
}

// TestStopAfterSystem checks that stopping after the last kube-system pod leaves every kube-system
// pod exactly where the full simulation puts it, still places the pods that go before it (a
// system-critical app pod), and counts the rest instead of placing them.
func TestStopAfterSystem(t *testing.T) {
	tests := []struct {
		name        string
		snap        *fx
		sc          Scenario
		placed      []string
		notReplaced int
	}{
		{
			name:        "lose a zone: coredns moves, the app pod after it is only counted",
			snap:        systemCluster(),
			sc:          Scenario{Kind: LoseZone, Zone: "1"},
			placed:      []string{"kube-system/coredns-0 aks-sys-0→aks-sys-1"},
			notReplaced: 1,
		},
		{
			name: "a system-critical app pod goes before a kube-system pod without priority, so it is placed",
			snap: systemCluster().
				pod("shop", "checkout-0", "aks-user-0", 200, 128, prio("system-cluster-critical")).
				pod("kube-system", "ama-logs-rs-0", "aks-user-0", 100, 128),
			sc: Scenario{Kind: LoseZone, Zone: "1"},
			placed: []string{"kube-system/coredns-0 aks-sys-0→aks-sys-1", "shop/checkout-0 aks-user-0→aks-user-1",
				"kube-system/ama-logs-rs-0 aks-user-0→aks-sys-2"},
			notReplaced: 1,
		},
		{
			name:   "lose the largest system node: nothing but kube-system there, nothing left out",
			snap:   systemCluster(),
			sc:     Scenario{Kind: LoseLargestNode, SystemOnly: true},
			placed: []string{"kube-system/metrics-server-0 aks-sys-2→aks-sys-0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full, err := New(tt.snap.s).Apply(tt.sc)
			if err != nil {
				t.Fatal(err)
			}
			sc := tt.sc
			sc.StopAfterSystem = true
			short, err := New(tt.snap.s).Apply(sc)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.placed, placed(short)); diff != "" {
				t.Errorf("placements (-want +got):\n%s", diff)
			}
			if got := short.NotReplaced(); got != tt.notReplaced {
				t.Errorf("NotReplaced() = %d, want %d", got, tt.notReplaced)
			}
			if got, want := len(placed(short))+len(short.Unplaced())+short.NotReplaced(),
				len(placed(full))+len(full.Unplaced()); got != want {
				t.Errorf("%d pods accounted for, the full simulation displaces %d", got, want)
			}
			for _, pl := range short.Placements() {
				if !pl.Pod.System() {
					continue
				}
				found := false
				for _, f := range full.Placements() {
					found = found || f == pl
				}
				if !found {
					t.Errorf("%s lands on %s, but the full simulation puts it elsewhere", pl.Pod, pl.To)
				}
			}
		})
	}
	t.Run("refused for voluntary scenarios", func(t *testing.T) {
		_, err := New(systemCluster().s).Apply(Scenario{Kind: DrainNode, Node: "aks-sys-0", StopAfterSystem: true})
		if err == nil || !strings.Contains(err.Error(), "stopAfterSystem applies to lose-largest-node and lose-zone only") {
			t.Errorf("err = %v", err)
		}
	})
}

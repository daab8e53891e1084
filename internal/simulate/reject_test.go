package simulate

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/snapshot"
)

// TestReasons covers how an unplaced pod's rejections are tallied: one count per headline however
// many nodes there are, equal headlines from different keys merged, and only the few closest
// nodes named, furthest through the filters first.
func TestReasons(t *testing.T) {
	p := &pod{p: &newFx().pod("kube-system", "coredns-0", "", 500, 70).s.Pods[0]}
	node := func(name string, cpuFree int64) *node {
		return &node{name: name, pool: "sys", alloc: snapshot.Resources{MilliCPU: 1000, MemoryBytes: 1000, Pods: 30},
			used: snapshot.Resources{MilliCPU: 1000 - cpuFree}}
	}
	many := func(n int, r rejection) []added {
		out := make([]added, n)
		for i := range out {
			out[i] = added{node(fmt.Sprintf("aks-user-%04d", i), 1000), r}
		}
		return out
	}
	tests := []struct {
		name    string
		add     []added
		summary string
		closest []string
	}{
		{
			name: "5,000 nodes give three lines, not 5,000",
			add: append(append(many(4997, rejection{stage: stageTaint, text: "CriticalAddonsOnly=true:NoSchedule"}),
				added{node("aks-sys-0", 100), rejection{stage: stageCPU}},
				added{node("aks-sys-1", 300), rejection{stage: stageCPU}}),
				added{node("aks-sys-2", 900), rejection{stage: stageMaxPods, arg: 30}}),
			summary: "0/5000 nodes are available: 4997× untolerated taint CriticalAddonsOnly=true:NoSchedule, " +
				"2× insufficient cpu, 1× max pods 30 reached",
			// cpu is a later filter than maxPods; between the two cpu nodes, the one with more free
			closest: []string{"aks-sys-1=insufficient cpu: needs 500m, 300m free",
				"aks-sys-0=insufficient cpu: needs 500m, 100m free", "aks-sys-2=max pods 30 reached"},
		},
		{
			name: "two anti-affinity terms on one key read alike and count together",
			add: []added{
				{node("a", 1000), rejection{stage: stageAntiOwn, arg: 0, text: "kubernetes.io/hostname", q: p, dom: "a"}},
				{node("b", 1000), rejection{stage: stageAntiOwn, arg: 1, text: "kubernetes.io/hostname", q: p, dom: "b"}},
				{node("c", 1000), rejection{stage: stageAffinity}},
			},
			summary: "0/3 nodes are available: 2× pod anti-affinity: a pod it repels runs in the same kubernetes.io/hostname, " +
				"1× node affinity mismatch",
			closest: []string{
				"a=pod anti-affinity: kube-system/coredns-0 runs in the same kubernetes.io/hostname (a)",
				"b=pod anti-affinity: kube-system/coredns-0 runs in the same kubernetes.io/hostname (b)",
				"c=node affinity mismatch"},
		},
		{
			name:    "equal counts sort by reason",
			add:     []added{{node("a", 1000), rejection{stage: stageNotReady}}, {node("b", 1000), rejection{stage: stageCordoned}}},
			summary: "0/2 nodes are available: 1× node is cordoned (unschedulable), 1× node is not Ready",
			closest: []string{"b=node is cordoned (unschedulable)", "a=node is not Ready"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// half the nodes go through a template's shared tally, as placer.explain merges them
			var static, rs reasons
			for i, a := range tt.add {
				if i%2 == 0 {
					static.add(a.n, a.r)
				} else {
					rs.add(a.n, a.r)
				}
			}
			rs.merge(&static)
			u := (&Sim{}).unplaced(p, "aks-sys-9", &rs)
			if got := u.Summary(); got != tt.summary {
				t.Errorf("summary:\n got %s\nwant %s", got, tt.summary)
			}
			var closest []string
			for _, c := range u.Closest {
				closest = append(closest, c.Node+"="+c.Reason)
			}
			if diff := cmp.Diff(tt.closest, closest); diff != "" {
				t.Errorf("closest (-want +got):\n%s", diff)
			}
			if len(static.closest) > maxClosest || len(rs.closest) > maxClosest {
				t.Errorf("closest holds %d and %d nodes, more than %d", len(static.closest), len(rs.closest), maxClosest)
			}
		})
	}
}

type added struct {
	n *node
	r rejection
}

package simulate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// Base is what every simulation of one snapshot starts from and none changes: the nodes in name
// order with what the predicates read, the running pods and where they run, the parsed PDBs and
// the DaemonSet templates. The headroom rules build one Sim per scenario and per candidate fix
// (up to a dozen per rule); preparing once and starting each Sim from copies makes a Sim cost two
// slice copies and a bind per pod instead of a re-parse of the snapshot.
//
// A Base is read-only once Prepare returns, so Sims made from it may run one after another or
// side by side.
type Base struct {
	snap *snapshot.Snapshot
	// nodes are the prototypes of the Sim's nodes, in name order, without pods. Their labels,
	// taints and core are shared by every Sim: writers replace them (setLabel, setTaints).
	nodes []node
	// pods are the prototypes of the running pods, in snapshot order; podNode[i] is the index in
	// nodes of pods[i]'s node, and perNode[j] counts the pods of nodes[j].
	pods    []pod
	podNode []int32
	perNode []int32
	// nsPods lists, per namespace, the indexes in pods of its pods: what a PDB can select.
	nsPods  map[string][]int32
	pending int
	budgets []budget
	ds      []*dsTemplate
	// assumptions are what preparing assumed, in order; every Sim starts with them.
	assumptions []string
}

// Prepare reads s once for any number of simulations (Base.New). It reads only.
func Prepare(s *snapshot.Snapshot) *Base {
	b := &Base{snap: s, nodes: make([]node, len(s.Nodes)), nsPods: map[string][]int32{}}
	seen := map[string]bool{}
	assume := func(msg string) {
		if !seen[msg] {
			seen[msg] = true
			b.assumptions = append(b.assumptions, msg)
		}
	}
	pools := make(map[string]*snapshot.Pool, len(s.Pools))
	for i := range s.Pools {
		pools[s.Pools[i].Name] = &s.Pools[i]
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		b.nodes[i] = node{name: n.Name, pool: n.Pool, zone: n.Zone, labels: n.Labels,
			taints: append([]snapshot.Taint(nil), n.Taints...), alloc: n.Allocatable,
			cordoned: n.Unschedulable, ready: n.IsReady(), from: "node status"}
		if msg := fillMaxPods(&b.nodes[i], pools); msg != "" {
			assume(msg)
		}
		b.nodes[i].core = coreNode(n.Name, n.Labels, b.nodes[i].taints)
	}
	slices.SortStableFunc(b.nodes, func(x, y node) int { return strings.Compare(x.name, y.name) })
	for i := range b.nodes {
		b.nodes[i].id = i
	}
	byName := make(map[string]int32, len(b.nodes))
	for i := range b.nodes {
		byName[b.nodes[i].name] = int32(i)
	}
	b.perNode = make([]int32, len(b.nodes))
	b.pods = make([]pod, 0, len(s.Pods))
	b.podNode = make([]int32, 0, len(s.Pods))
	for i := range s.Pods {
		sp := &s.Pods[i]
		switch {
		case sp.IsFinished():
			continue
		case sp.NodeName == "":
			b.pending++
			continue
		}
		j, ok := byName[sp.NodeName]
		if !ok {
			continue
		}
		b.nsPods[sp.Namespace] = append(b.nsPods[sp.Namespace], int32(len(b.pods)))
		b.pods = append(b.pods, pod{p: sp, prio: priorityOf(sp), ds: sp.IsDaemonSetPod()})
		b.podNode = append(b.podNode, j)
		b.perNode[j]++
	}
	b.budgets = b.prepareBudgets(assume)
	b.ds = b.dsTemplates()
	return b
}

// New starts a simulation from the prepared snapshot.
func (b *Base) New() *Sim {
	s := b.snap
	sim := &Sim{snap: s, base: b, byName: make(map[string]*node, len(b.nodes)), pools: make(map[string]*snapshot.Pool, len(s.Pools)),
		seen: map[string]bool{}, pending: b.pending, nextID: len(b.nodes)}
	for i := range s.Pools {
		p := s.Pools[i]
		sim.pools[p.Name] = &p
	}
	for _, a := range b.assumptions {
		sim.assume(a)
	}
	nodes := slices.Clone(b.nodes)
	sim.nodes = make([]*node, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		n.pods = make([]*pod, 0, b.perNode[i])
		sim.nodes[i] = n
		sim.byName[n.name] = n
	}
	sim.all = slices.Clone(b.pods)
	for i := range sim.all {
		sim.bind(&sim.all[i], &nodes[b.podNode[i]])
	}
	sim.budgets = make([]*budget, len(b.budgets))
	sim.nsBudgets = map[string][]*budget{}
	copies := slices.Clone(b.budgets)
	for i := range copies {
		bu := &copies[i]
		sim.budgets[i] = bu
		sim.nsBudgets[bu.ns] = append(sim.nsBudgets[bu.ns], bu)
	}
	sim.ds = b.ds
	if sim.pending > 0 {
		sim.assume(fmt.Sprintf("%d pod(s) were already Pending before the scenario; they compete for nothing here", sim.pending))
	}
	sim.assume("the cluster autoscaler is not modelled: no pool grows to absorb displaced pods")
	return sim
}

// fillMaxPods takes the pod limit from the pool's maxPods when the node did not report it, and
// returns what it had to assume, if anything.
func fillMaxPods(n *node, pools map[string]*snapshot.Pool) string {
	n.podsKnown = n.alloc.Pods > 0
	if n.podsKnown {
		return ""
	}
	if p, ok := pools[n.pool]; ok && p.MaxPods != nil {
		n.alloc.Pods = int64(*p.MaxPods)
		n.podsKnown = true
		return ""
	}
	return "node " + n.name + " reports no allocatable pods and its pool no maxPods: its pod count is not limited here"
}

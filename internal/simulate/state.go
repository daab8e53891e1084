package simulate

import (
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"github.com/syspool/syspool/internal/snapshot"
)

// Sim is a mutable copy of one snapshot's placement: nodes with what is requested on them, pods
// with where they run, and budgets with what is left. Scenarios applied in turn see each other's
// effects, so "add a pool, then drain the old one" is two Apply calls. The snapshot itself is
// never modified.
type Sim struct {
	snap  *snapshot.Snapshot
	nodes []*node // sorted by name
	// byName indexes nodes, including removed ones until Apply forgets them.
	byName  map[string]*node
	pools   map[string]*snapshot.Pool
	budgets []*budget
	// nsBudgets are the budgets by namespace.
	nsBudgets map[string][]*budget
	ds        []*dsTemplate
	// base is what the Sim started from; all[i] is the Sim's copy of base.pods[i].
	base *Base
	all  []pod
	// pending counts pods that were unscheduled before any scenario.
	pending     int
	assumptions []string
	seen        map[string]bool
	// spreadMemo and antiMemo hold what fit derives from the placement for one pod's constraint
	// or term; placed keeps them up to date as pods are bound and unbound, and changed drops them
	// when nodes, their labels or their taints change.
	spreadMemo map[string]*spreadMemo
	antiMemo   map[string]*antiMemo
	antiList   *[]antiTerm
	// antiMatchers are the parsed anti-affinity terms of pods; they never go stale.
	antiMatchers map[memoKey]matcher
	// stopAfterSystem is the running scenario's StopAfterSystem.
	stopAfterSystem bool
	// statics are the static filters' and scores' results per pod template, indexed by node id;
	// nextID is the id of the next node added.
	statics map[string][]static
	nextID  int
	// recount makes binds drop the memos instead of updating them, as before Sim.placed, and
	// placement filter every node afresh for every batch: the tests compare the two.
	recount bool
}

// changed drops the memoised fit inputs: call it after a node is added or removed, or a node's
// labels or taints change. Binds and unbinds keep them up to date instead (placed).
func (s *Sim) changed() {
	if s.spreadMemo != nil {
		s.spreadMemo = nil
	}
	if s.antiMemo != nil {
		s.antiMemo = nil
	}
	s.antiList = nil
}

type node struct {
	name, pool, zone string
	// labels may be the snapshot's own map, shared by every Sim: copy it before writing
	// (setLabel does).
	labels map[string]string
	taints []snapshot.Taint
	alloc  snapshot.Resources
	// podsKnown is false when neither the node nor its pool says how many pods it takes.
	podsKnown bool
	used      snapshot.Resources
	pods      []*pod
	// antiPods counts the pods in pods with a required anti-affinity term, so fit can skip the
	// nodes (nearly all of them) whose pods cannot repel the pod being placed without walking
	// their pods: that walk made every fit O(pods in the cluster), and a scenario that moves
	// thousands of pods O(pods²·nodes) — at 1,000 nodes / 30,000 pods it ran for over 10 minutes.
	antiPods int
	cordoned bool
	ready    bool
	// id indexes per-node caches (placer's static results); ver counts the changes to what the
	// static filters read (cordon, taints, labels), so a cached result knows when it is stale.
	id, ver   int
	synthetic bool
	from      string
	core      *corev1.Node
}

type pod struct {
	// p is the snapshot's own pod (or a synthesized DaemonSet pod's copy): read, never written.
	p    *snapshot.Pod
	node *node
	// x is what only the pods a scenario moves (and the DaemonSet pods of new nodes) need, built
	// on first use by sched. Every Sim copies every pod (150,000 of them in a large cluster), so
	// the pod itself stays small.
	x *podSched
	// budgets are the PDBs that select the pod, once budgetsDone (see Sim.budgetsOf).
	budgets     []*budget
	prio        int32
	ds          bool
	budgetsDone bool
}

// podSched is what placement reads and derives from a pod.
type podSched struct {
	// core and aff are what the scheduler's predicates read.
	core *corev1.Pod
	aff  nodeaffinity.RequiredNodeAffinity
	// nodeSelectorMsg is fit's nodeSelector rejection, built on first use.
	nodeSelectorMsg string
	// tmpl is the pod's scheduling template key (see templateKey).
	tmpl string
	// keys name the memos of its spread constraints and anti-affinity terms, built on first use.
	keys *memoKeys
}

// sched builds what the predicates read, once.
func (p *pod) sched() *podSched {
	if p.x == nil {
		core := corePod(p.p)
		p.x = &podSched{core: core, aff: nodeaffinity.GetRequiredNodeAffinity(core), tmpl: templateKey(p.p)}
	}
	return p.x
}

// New builds a simulation from s. It reads only; every later change happens on copies. To run
// several simulations of one snapshot, Prepare it once and call Base.New for each.
func New(s *snapshot.Snapshot) *Sim { return Prepare(s).New() }

// newPod wraps a pod the simulation made (a DaemonSet pod of a new node); sp must not change.
func (s *Sim) newPod(sp *snapshot.Pod) *pod {
	p := &pod{p: sp, prio: priorityOf(sp), ds: sp.IsDaemonSetPod(), budgetsDone: true}
	p.sched()
	return p
}

func (s *Sim) addNode(n *node) {
	n.core = coreNode(n.name, n.labels, n.taints)
	n.id = s.nextID
	s.nextID++
	s.changed()
	// insert in name order: re-sorting every node per added node made New quadratic
	i := sort.Search(len(s.nodes), func(i int) bool { return s.nodes[i].name >= n.name })
	s.nodes = slices.Insert(s.nodes, i, n)
	s.byName[n.name] = n
}

// removeNode deletes n and whatever still runs on it.
func (s *Sim) removeNode(n *node) { s.removeNodes([]*node{n}) }

// removeNodes deletes ns and whatever still runs on them, in one pass over the nodes: losing a
// zone removes a third of them.
func (s *Sim) removeNodes(ns []*node) {
	s.changed()
	gone := make(map[*node]bool, len(ns))
	for _, n := range ns {
		gone[n] = true
		for _, p := range n.pods {
			p.node = nil
		}
		n.pods = nil
		n.antiPods = 0
		delete(s.byName, n.name)
	}
	out := s.nodes[:0]
	for _, x := range s.nodes {
		if !gone[x] {
			out = append(out, x)
		}
	}
	clear(s.nodes[len(out):])
	s.nodes = out
}

// setLabel sets one label on a copy of n's labels, so the snapshot's map stays untouched.
func (s *Sim) setLabel(n *node, k, v string) {
	n.labels = copyMap(n.labels)
	n.labels[k] = v
	n.core = coreNode(n.name, n.labels, n.taints) // core may be shared with other Sims: replaced, not written
	n.ver++
	s.changed()
}

// setTaints replaces a node's taints and rebuilds what the predicates read.
func (n *node) setTaints(ts []snapshot.Taint) {
	n.taints = append([]snapshot.Taint(nil), ts...)
	n.core = coreNode(n.name, n.labels, n.taints)
	n.ver++
}

// setCordoned cordons or uncordons n.
func (n *node) setCordoned(c bool) {
	if n.cordoned != c {
		n.cordoned = c
		n.ver++
	}
}

func (s *Sim) bind(p *pod, n *node) {
	s.placed(p, n, 1)
	p.node = n
	n.pods = append(n.pods, p)
	if len(p.p.RequiredAntiAffinity) > 0 {
		n.antiPods++
	}
	n.used.MilliCPU += p.p.Requests.MilliCPU
	n.used.MemoryBytes += p.p.Requests.MemoryBytes
	n.used.Pods++
}

func (s *Sim) unbind(p *pod) {
	n := p.node
	if n == nil {
		return
	}
	s.placed(p, n, -1)
	for i, x := range n.pods {
		if x == p {
			n.pods = append(n.pods[:i], n.pods[i+1:]...)
			if len(p.p.RequiredAntiAffinity) > 0 {
				n.antiPods--
			}
			break
		}
	}
	n.used.MilliCPU -= p.p.Requests.MilliCPU
	n.used.MemoryBytes -= p.p.Requests.MemoryBytes
	n.used.Pods--
	p.node = nil
}

// assume records an assumption once.
func (s *Sim) assume(msg string) {
	if !s.seen[msg] {
		s.seen[msg] = true
		s.assumptions = append(s.assumptions, msg)
	}
}

// Assumptions returns what the simulation assumed so far, in the order it first did.
func (s *Sim) Assumptions() []string { return append([]string(nil), s.assumptions...) }

// Nodes returns the names of the nodes the simulation holds now, sorted.
func (s *Sim) Nodes() []string {
	out := make([]string, len(s.nodes))
	for i, n := range s.nodes {
		out[i] = n.name
	}
	return out
}

// PodsOn returns "namespace/name" of the pods on node name now, sorted.
func (s *Sim) PodsOn(name string) []string {
	n, ok := s.byName[name]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(n.pods))
	for _, p := range n.pods {
		out = append(out, p.p.Namespace+"/"+p.p.Name)
	}
	sort.Strings(out)
	return out
}

// Free returns what is still allocatable on node name.
func (s *Sim) Free(name string) (snapshot.Resources, bool) {
	n, ok := s.byName[name]
	if !ok {
		return snapshot.Resources{}, false
	}
	return snapshot.Resources{MilliCPU: n.alloc.MilliCPU - n.used.MilliCPU,
		MemoryBytes: n.alloc.MemoryBytes - n.used.MemoryBytes, Pods: n.alloc.Pods - n.used.Pods}, true
}

func (p *pod) ref() PodRef {
	r := PodRef{Namespace: p.p.Namespace, Name: p.p.Name, Requests: p.p.Requests}
	w := p.p.Workload
	if w.Name == "" {
		w = p.p.Owner
	}
	if w.Name != "" {
		r.Workload = w.Kind + "/" + w.Name
	}
	return r
}

// priorityOf resolves the two built-in priority classes; other classes' values are not in a
// snapshot, so they rank with pods that have none.
func priorityOf(p *snapshot.Pod) int32 {
	switch p.PriorityClassName {
	case "system-node-critical":
		return 2000001000
	case "system-cluster-critical":
		return 2000000000
	}
	return 0
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

package simulate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// Kind names a scenario.
type Kind string

const (
	LoseLargestNode Kind = "lose-largest-node"
	LoseZone        Kind = "lose-zone"
	DrainNode       Kind = "drain-node"
	DrainPool       Kind = "drain-pool"
	RemovePool      Kind = "remove-pool"
	ScalePool       Kind = "scale-pool"
	AddPool         Kind = "add-pool"
	ChangeTaints    Kind = "change-taints"
	SurgeUpgrade    Kind = "surge-upgrade"
	// RestartSystemPods cordons a pool and rollout-restarts the kube-system Deployments with
	// pods on it, so they move without draining anything else.
	RestartSystemPods Kind = "restart-system-pods"
)

// Kinds lists every scenario kind.
var Kinds = []Kind{LoseLargestNode, LoseZone, DrainNode, DrainPool, RemovePool, ScalePool, AddPool, ChangeTaints,
	SurgeUpgrade, RestartSystemPods}

// Scenario is one what-if. Fields not used by its Kind are ignored.
type Scenario struct {
	Kind Kind `json:"kind"`
	// Pool is the pool acted on; for lose-largest-node it narrows the candidates to one pool.
	Pool string `json:"pool,omitempty"`
	// SystemOnly narrows lose-largest-node to nodes of System pools.
	SystemOnly bool `json:"systemOnly,omitempty"`
	// Zone is a zone label ("westeurope-2") or number ("2") for lose-zone.
	Zone string `json:"zone,omitempty"`
	// Node is the node for drain-node.
	Node string `json:"node,omitempty"`
	// Count is the target node count for scale-pool.
	Count int `json:"count,omitempty"`
	// Taints replace the pool's taints for change-taints (empty removes them all).
	Taints []snapshot.Taint `json:"taints,omitempty"`
	// NewPool is the pool add-pool creates.
	NewPool *PoolSpec `json:"newPool,omitempty"`
	// Upgrade overrides the pool's upgrade settings for surge-upgrade.
	Upgrade *UpgradeSettings `json:"upgrade,omitempty"`
	// StopAfterSystem re-places displaced pods only up to the last kube-system pod in placement
	// order (lose-largest-node and lose-zone only). Placement is greedy in that order and never
	// revisits a pod, so the pods after it cannot change where any kube-system pod lands or
	// whether it finds a node: a question about kube-system pods need not place them. They are
	// counted in Batch.NotReplaced, and the PDBs that only their loss would break are not
	// reported.
	StopAfterSystem bool `json:"stopAfterSystem,omitempty"`
}

// Apply runs sc against the simulation's current state and leaves its effects in place.
func (s *Sim) Apply(sc Scenario) (*Outcome, error) {
	var o *Outcome
	var err error
	if sc.StopAfterSystem && sc.Kind != LoseLargestNode && sc.Kind != LoseZone {
		// A voluntary drain needs every pod's fate for its budgets, and later batches see where
		// the pods of earlier ones went: stopping early would change the answer.
		return nil, fmt.Errorf("stopAfterSystem applies to %s and %s only, not %s", LoseLargestNode, LoseZone, sc.Kind)
	}
	s.stopAfterSystem = sc.StopAfterSystem
	defer func() { s.stopAfterSystem = false }()
	switch sc.Kind {
	case LoseLargestNode:
		o, err = s.loseLargest(sc)
	case LoseZone:
		o, err = s.loseZone(sc)
	case DrainNode:
		o, err = s.drainNode(sc)
	case DrainPool, RemovePool:
		o, err = s.drainPool(sc, sc.Kind == RemovePool)
	case ScalePool:
		o, err = s.scalePool(sc)
	case AddPool:
		o, err = s.addPool(sc)
	case ChangeTaints:
		o, err = s.changeTaints(sc)
	case SurgeUpgrade:
		o, err = s.surgeUpgrade(sc)
	case RestartSystemPods:
		o, err = s.restartSystemPods(sc)
	default:
		valid := make([]string, len(Kinds))
		for i, k := range Kinds {
			valid[i] = string(k)
		}
		return nil, fmt.Errorf("unknown scenario %q (valid: %s)", sc.Kind, strings.Join(valid, ", "))
	}
	if err != nil {
		return nil, err
	}
	o.Scenario = sc
	o.Assumptions = append([]string(nil), s.assumptions...)
	return o, nil
}

func (s *Sim) poolNodes(pool string) []*node {
	var out []*node
	for _, n := range s.nodes {
		if n.pool == pool {
			out = append(out, n)
		}
	}
	return out
}

func (s *Sim) isSystem(n *node) bool {
	if p, ok := s.pools[n.pool]; ok {
		return p.IsSystem()
	}
	return strings.EqualFold(n.labels[snapshot.LabelMode], "system")
}

func (s *Sim) knownPool(name string) error {
	if _, ok := s.pools[name]; ok || len(s.poolNodes(name)) > 0 {
		return nil
	}
	names := make([]string, 0, len(s.pools))
	for n := range s.pools {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Errorf("no pool %q (pools: %s)", name, strings.Join(names, ", "))
}

// loseLargest fails the largest Ready node: most allocatable CPU, then memory, then the most
// requested CPU (the one whose loss displaces most), then name.
func (s *Sim) loseLargest(sc Scenario) (*Outcome, error) {
	var cands []*node
	for _, n := range s.nodes {
		if n.ready && (!sc.SystemOnly || s.isSystem(n)) && (sc.Pool == "" || n.pool == sc.Pool) {
			cands = append(cands, n)
		}
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("no Ready node to lose (systemOnly=%v, pool=%q)", sc.SystemOnly, sc.Pool)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.alloc.MilliCPU != b.alloc.MilliCPU {
			return a.alloc.MilliCPU > b.alloc.MilliCPU
		}
		if a.alloc.MemoryBytes != b.alloc.MemoryBytes {
			return a.alloc.MemoryBytes > b.alloc.MemoryBytes
		}
		if a.used.MilliCPU != b.used.MilliCPU {
			return a.used.MilliCPU > b.used.MilliCPU
		}
		return a.name < b.name
	})
	n := cands[0]
	scope := "Ready nodes"
	if sc.SystemOnly {
		scope = "Ready system nodes"
	}
	if sc.Pool != "" {
		scope = "Ready nodes of pool " + sc.Pool
	}
	o := &Outcome{Summary: fmt.Sprintf("lose node %s, the largest of %d %s (%s CPU, %s memory allocatable; %d pods, %s CPU requested)",
		n.name, len(cands), scope, FormatCPU(n.alloc.MilliCPU), FormatMemory(n.alloc.MemoryBytes), len(n.pods), FormatCPU(n.used.MilliCPU))}
	o.Batches = []Batch{s.disrupt([]*node{n}, nil, lose)}
	s.removeNode(n)
	o.RemovedNodes = []string{n.name}
	return o, nil
}

// zoneMatches accepts "westeurope-2" or "2" for a node in westeurope-2.
func zoneMatches(nodeZone, want string) bool {
	return nodeZone == want || strings.HasSuffix(nodeZone, "-"+want)
}

func (s *Sim) loseZone(sc Scenario) (*Outcome, error) {
	var lost []*node
	for _, n := range s.nodes {
		if sc.Zone != "" && zoneMatches(n.zone, sc.Zone) {
			lost = append(lost, n)
		}
	}
	if len(lost) == 0 {
		zones := map[string]bool{}
		for _, n := range s.nodes {
			zones[n.zone] = true
		}
		var zs []string
		for z := range zones {
			zs = append(zs, z)
		}
		sort.Strings(zs)
		return nil, fmt.Errorf("no node in zone %q (zones: %s)", sc.Zone, strings.Join(zs, ", "))
	}
	o := &Outcome{Summary: fmt.Sprintf("lose zone %s: %d node(s) of every pool in it fail together", sc.Zone, len(lost))}
	o.Batches = []Batch{s.disrupt(lost, nil, lose)}
	s.removeNodes(lost)
	for _, n := range lost {
		o.RemovedNodes = append(o.RemovedNodes, n.name)
	}
	return o, nil
}

// drainNode cordons and drains one node, as `kubectl drain` does; the node stays, cordoned.
func (s *Sim) drainNode(sc Scenario) (*Outcome, error) {
	n, ok := s.byName[sc.Node]
	if !ok {
		return nil, fmt.Errorf("no node %q", sc.Node)
	}
	o := &Outcome{Summary: fmt.Sprintf("cordon and drain node %s (pool %s)", n.name, n.pool)}
	o.Batches = []Batch{s.disrupt([]*node{n}, nil, evict)}
	return o, nil
}

// drainPool cordons every node of the pool first, so nothing lands on a node about to be drained,
// then drains them one at a time in name order; remove then deletes each node whose drain
// finished. A node held by a blocker stays, cordoned, with its pods.
func (s *Sim) drainPool(sc Scenario, remove bool) (*Outcome, error) {
	if err := s.knownPool(sc.Pool); err != nil {
		return nil, err
	}
	nodes := s.poolNodes(sc.Pool)
	verb := "drain"
	if remove {
		verb = "remove"
	}
	o := &Outcome{Summary: fmt.Sprintf("%s pool %s: cordon its %d node(s), then drain them one at a time", verb, sc.Pool, len(nodes))}
	for _, n := range nodes {
		n.setCordoned(true)
	}
	for _, n := range nodes {
		b := s.disrupt([]*node{n}, nil, evict)
		o.Batches = append(o.Batches, b)
		if remove && len(b.Blockers) == 0 {
			s.removeNode(n)
			o.RemovedNodes = append(o.RemovedNodes, n.name)
		}
	}
	if remove && len(o.RemovedNodes) == len(nodes) {
		delete(s.pools, sc.Pool)
	}
	return o, nil
}

// restartSystemPods cordons every node of the pool and re-creates its kube-system Deployment pods
// elsewhere, as `kubectl rollout restart` does once the old nodes are cordoned. Applications and
// DaemonSets stay. A pod that finds no node keeps running on its old node.
func (s *Sim) restartSystemPods(sc Scenario) (*Outcome, error) {
	if err := s.knownPool(sc.Pool); err != nil {
		return nil, err
	}
	nodes := s.poolNodes(sc.Pool)
	var moving []*pod
	for _, n := range nodes {
		n.setCordoned(true)
		for _, p := range n.pods {
			if p.p.Namespace == snapshot.NamespaceKubeSystem && !p.ds && p.p.Owner.Kind != "Node" && p.p.Owner.Name != "" {
				moving = append(moving, p)
			}
		}
	}
	o := &Outcome{Summary: fmt.Sprintf("cordon pool %s and restart the %d kube-system pod(s) on it", sc.Pool, len(moving))}
	if len(moving) > 0 {
		o.Batches = []Batch{s.disrupt(nodes, moving, restart)}
	}
	return o, nil
}

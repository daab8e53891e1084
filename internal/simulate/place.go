package simulate

import (
	"sort"

	corev1helpers "k8s.io/component-helpers/scheduling/corev1"

	"github.com/syspool/syspool/internal/snapshot"
)

// sortForPlacement puts pods in the order the package documentation gives: priority, kube-system
// first, larger requests first, then by name so equal pods always go in the same order.
func sortForPlacement(ps []*pod) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.prio != b.prio {
			return a.prio > b.prio
		}
		as, bs := a.p.Namespace == snapshot.NamespaceKubeSystem, b.p.Namespace == snapshot.NamespaceKubeSystem
		if as != bs {
			return as
		}
		if a.p.Requests.MilliCPU != b.p.Requests.MilliCPU {
			return a.p.Requests.MilliCPU > b.p.Requests.MilliCPU
		}
		if a.p.Requests.MemoryBytes != b.p.Requests.MemoryBytes {
			return a.p.Requests.MemoryBytes > b.p.Requests.MemoryBytes
		}
		if a.p.Namespace != b.p.Namespace {
			return a.p.Namespace < b.p.Namespace
		}
		return a.p.Name < b.p.Name
	})
}

// score ranks a feasible node for p; lower sorts first. The keys follow the scheduler's default
// scoring as described in doc.go.
type score struct {
	notSystem   int
	preferTaint int
	// free is the mean free fraction of CPU and memory after placing p (LeastAllocated).
	free float64
	name string
}

func (a score) better(b score) bool {
	if a.notSystem != b.notSystem {
		return a.notSystem < b.notSystem
	}
	if a.preferTaint != b.preferTaint {
		return a.preferTaint < b.preferTaint
	}
	if a.free != b.free {
		return a.free > b.free
	}
	return a.name < b.name
}

func (s *Sim) score(p *pod, n *node) score {
	sc := score{name: n.name}
	if p.p.Namespace == snapshot.NamespaceKubeSystem && n.labels[snapshot.LabelMode] != "system" {
		sc.notSystem = 1
	}
	for i := range n.core.Spec.Taints {
		t := &n.core.Spec.Taints[i]
		if preferNoSchedule(t) && !corev1helpers.TolerationsTolerateTaint(discard, p.core.Spec.Tolerations, t, false) {
			sc.preferTaint++
		}
	}
	sc.free = (fraction(n.alloc.MilliCPU-n.used.MilliCPU-p.p.Requests.MilliCPU, n.alloc.MilliCPU) +
		fraction(n.alloc.MemoryBytes-n.used.MemoryBytes-p.p.Requests.MemoryBytes, n.alloc.MemoryBytes)) / 2
	return sc
}

func fraction(free, total int64) float64 {
	if total <= 0 {
		return 0
	}
	return float64(free) / float64(total)
}

// placeOne binds p to the best node that accepts it. Nodes in away (drained or lost in this
// batch) are never chosen; their reason is the map value, and "" leaves them out of the reasons
// (a lost node is no node). When no node accepts p, it returns the reason of every node.
func (s *Sim) placeOne(p *pod, away map[*node]string) (*node, []NodeReason) {
	var best *node
	var bestScore score
	var reasons []NodeReason
	for _, n := range s.nodes {
		why, gone := away[n]
		switch {
		case gone && why == "":
			continue // lost with the batch: not a node any more
		case !gone:
			why = s.fit(p, n)
		}
		if why != "" {
			reasons = append(reasons, NodeReason{Node: n.name, Pool: n.pool, Reason: why})
			continue
		}
		if sc := s.score(p, n); best == nil || sc.better(bestScore) {
			best, bestScore = n, sc
		}
	}
	if best == nil {
		return nil, reasons
	}
	s.bind(p, best)
	return best, nil
}

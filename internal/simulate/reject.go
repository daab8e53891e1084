package simulate

import (
	"fmt"
	"sort"
	"strings"
)

// stage is a scheduler filter, in the order the scheduler runs them. A node that fails a later
// stage got further through the filters, so it is closer to taking the pod: explain shows those.
type stage uint8

const (
	stageAway stage = iota // drained with the batch (placer.away)
	stageNotReady
	stageCordoned
	stageTaint
	stageNodeSelector
	stageAffinityError
	stageAffinity
	// the stages above are static (staticFit); those below depend on the placement (dynamicFit)
	stageMaxPods
	stageCPU
	stageMemory
	stageSpreadLabel
	stageSpreadSkew
	stageAntiOwn
	stageAntiTheirs
)

// rejection is why one node refuses one pod, kept as data so that fit allocates nothing: the
// headline (what nodes are counted under) and the detail (one node's figures) are spelled out
// only when an unplaced pod is explained.
type rejection struct {
	stage stage
	// arg is the node's pod limit (stageMaxPods) or the index of the pod's spread constraint or
	// anti-affinity term.
	arg int64
	// text is the whole reason (stageAway, stageNodeSelector, stageAffinityError), the taint
	// (stageTaint) or the topology key (spread and anti-affinity stages).
	text string
	skew int
	// q is the running pod an anti-affinity term matched, dom its domain.
	q   *pod
	dom string
}

// reasonKey groups rejections that read the same in a FailedScheduling-style summary.
type reasonKey struct {
	stage stage
	arg   int64
	text  string
}

func (r rejection) key() reasonKey {
	k := reasonKey{stage: r.stage, arg: r.arg, text: r.text}
	if r.stage == stageAntiTheirs {
		k.arg = 0
	}
	return k
}

// headline is the reason without any one node's figures, so that nodes rejecting a pod for the
// same reason are counted together as the scheduler's FitError counts them.
func (k reasonKey) headline() string {
	switch k.stage {
	case stageAway, stageNodeSelector, stageAffinityError:
		return k.text
	case stageNotReady:
		return "node is not Ready"
	case stageCordoned:
		return "node is cordoned (unschedulable)"
	case stageTaint:
		return "untolerated taint " + k.text
	case stageAffinity:
		return "node affinity mismatch"
	case stageMaxPods:
		return fmt.Sprintf("max pods %d reached", k.arg)
	case stageCPU:
		return "insufficient cpu"
	case stageMemory:
		return "insufficient memory"
	case stageSpreadLabel:
		return "topology spread: node has no label " + k.text
	case stageSpreadSkew:
		return "topology spread: skew on " + k.text + " above maxSkew"
	case stageAntiOwn:
		return "pod anti-affinity: a pod it repels runs in the same " + k.text
	case stageAntiTheirs:
		return "pod anti-affinity of a running pod on " + k.text
	}
	return fmt.Sprintf("filter %d", k.stage)
}

// detail is the reason with node n's figures, as placement found them.
func (s *Sim) detail(p *pod, n *node, r rejection) string {
	switch r.stage {
	case stageMaxPods:
		return fmt.Sprintf("max pods %d reached", n.alloc.Pods)
	case stageCPU:
		return fmt.Sprintf("insufficient cpu: needs %s, %s free", FormatCPU(p.p.Requests.MilliCPU),
			FormatCPU(max(0, n.alloc.MilliCPU-n.used.MilliCPU)))
	case stageMemory:
		return fmt.Sprintf("insufficient memory: needs %s, %s free", FormatMemory(p.p.Requests.MemoryBytes),
			FormatMemory(max(0, n.alloc.MemoryBytes-n.used.MemoryBytes)))
	case stageSpreadSkew:
		return fmt.Sprintf("topology spread: skew on %s would be %d, maxSkew %d", r.text, r.skew,
			p.p.TopologySpread[r.arg].MaxSkew)
	case stageAntiOwn:
		return fmt.Sprintf("pod anti-affinity: %s runs in the same %s (%s)", r.q.ref(), r.text, r.dom)
	case stageAntiTheirs:
		return fmt.Sprintf("pod anti-affinity of %s on %s (%s)", r.q.ref(), r.text, r.dom)
	}
	return r.key().headline()
}

// maxClosest bounds the nodes an unplaced pod's explanation names one by one.
const maxClosest = 3

// near is one rejecting node, ranked for the closest sample.
type near struct {
	n    *node
	r    rejection
	free float64
}

// closer ranks a before b: the node that got further through the filters, then the one with
// more free CPU and memory, then by name.
func (a near) closer(b near) bool {
	if a.r.stage != b.r.stage {
		return a.r.stage > b.r.stage
	}
	if a.free != b.free {
		return a.free > b.free
	}
	return a.n.name < b.n.name
}

func freeOf(n *node) float64 {
	return (fraction(n.alloc.MilliCPU-n.used.MilliCPU, n.alloc.MilliCPU) +
		fraction(n.alloc.MemoryBytes-n.used.MemoryBytes, n.alloc.MemoryBytes)) / 2
}

// reasons tallies the rejections of one pod: counts per headline, and the few closest nodes.
type reasons struct {
	nodes   int
	count   map[reasonKey]int
	closest []near // at most maxClosest, closest first
}

func (rs *reasons) add(n *node, r rejection) {
	rs.nodes++
	if rs.count == nil {
		rs.count = map[reasonKey]int{}
	}
	rs.count[r.key()]++
	rs.offer(near{n: n, r: r, free: freeOf(n)})
}

// offer keeps x if it is among the maxClosest closest nodes seen.
func (rs *reasons) offer(x near) {
	if len(rs.closest) == maxClosest && !x.closer(rs.closest[maxClosest-1]) {
		return
	}
	i := sort.Search(len(rs.closest), func(i int) bool { return x.closer(rs.closest[i]) })
	if len(rs.closest) < maxClosest {
		rs.closest = append(rs.closest, near{})
	}
	copy(rs.closest[i+1:], rs.closest[i:])
	rs.closest[i] = x
}

// merge adds other's tally (a copy is made: other is a template's, shared by its pods).
func (rs *reasons) merge(other *reasons) {
	rs.nodes += other.nodes
	if len(other.count) > 0 && rs.count == nil {
		rs.count = make(map[reasonKey]int, len(other.count))
	}
	for k, v := range other.count {
		rs.count[k] += v
	}
	for _, x := range other.closest {
		rs.offer(x)
	}
}

// unplaced turns the tally into the outcome's form: counts most first, then by headline. Keys
// that read the same (two anti-affinity terms on one topology key) count together.
func (s *Sim) unplaced(p *pod, from string, rs *reasons) Unplaced {
	byHeadline := make(map[string]int, len(rs.count))
	for k, v := range rs.count {
		byHeadline[k.headline()] += v
	}
	u := Unplaced{Pod: p.ref(), From: from, Nodes: rs.nodes, Reasons: make([]ReasonCount, 0, len(byHeadline))}
	for h, v := range byHeadline {
		u.Reasons = append(u.Reasons, ReasonCount{Reason: h, Nodes: v})
	}
	sort.Slice(u.Reasons, func(i, j int) bool {
		a, b := u.Reasons[i], u.Reasons[j]
		if a.Nodes != b.Nodes {
			return a.Nodes > b.Nodes
		}
		return a.Reason < b.Reason
	})
	for _, x := range rs.closest {
		u.Closest = append(u.Closest, NodeReason{Node: x.n.name, Pool: x.n.pool, Reason: s.detail(p, x.n, x.r)})
	}
	return u
}

// summary is the scheduler's FailedScheduling wording over counts.
func summary(nodes int, rs []ReasonCount) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%d× %s", r.Nodes, r.Reason)
	}
	return fmt.Sprintf("0/%d nodes are available: %s", nodes, strings.Join(parts, ", "))
}

package simulate

import (
	"slices"
	"sort"
	"strconv"
	"strings"

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

// staticScore is the part of p's score on n that depends on p's template and n's labels and
// taints only: kube-system's preference for system nodes and the untolerated PreferNoSchedule
// taints.
func (s *Sim) staticScore(p *pod, n *node) score {
	sc := score{name: n.name}
	if p.p.Namespace == snapshot.NamespaceKubeSystem && n.labels[snapshot.LabelMode] != "system" {
		sc.notSystem = 1
	}
	for i := range n.core.Spec.Taints {
		t := &n.core.Spec.Taints[i]
		if preferNoSchedule(t) && !corev1helpers.TolerationsTolerateTaint(discard, p.sched().core.Spec.Tolerations, t, false) {
			sc.preferTaint++
		}
	}
	return sc
}

// withFree completes a static score with the free fraction after placing p (LeastAllocated).
func withFree(sc score, p *pod, n *node) score {
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

// placer places the pods of one batch. Nodes in away (drained or lost with the batch) are never
// chosen; their reason is the map value, and "" leaves them out of the reasons (a lost node is no
// node). Nothing the static filters read (readiness, cordons, taints, labels) changes while a
// batch's pods are placed, and every replica of a workload has the same tolerations, nodeSelector
// and affinity: so the static filters run once per pod template and node, and each pod is then
// tried only on its template's candidates. Losing a zone of a 5,000-node cluster moves tens of
// thousands of pods of a few hundred templates; trying each pod on every node was the
// O(moved pods × nodes) loop that kept SP041 from finishing.
type placer struct {
	s     *Sim
	away  map[*node]string
	tmpls map[string]*template
}

// template is what the static filters and scores gave one pod template on every node.
type template struct {
	cands []candidate
	// static tallies the nodes the static filters (or away) rejected; shared, so explain copies.
	static reasons
}

// static is what staticFit and staticScore said about one node for one template, when the node's
// ver was ver-1 (0: not asked yet).
type static struct {
	ver int
	r   rejection
	ok  bool
	sc  score
}

type candidate struct {
	n  *node
	sc score // static part only
}

func (s *Sim) newPlacer(away map[*node]string) *placer {
	return &placer{s: s, away: away, tmpls: map[string]*template{}}
}

// template returns p's template, filtering the nodes on first use.
func (pl *placer) template(p *pod) *template {
	key := p.sched().tmpl
	if t, ok := pl.tmpls[key]; ok {
		return t
	}
	t := &template{}
	// The static results outlive the batch, per node until it changes (node.ver): a surge
	// upgrade's batches and the scenarios after one ask again about nodes that did not.
	if pl.s.statics == nil {
		pl.s.statics = map[string][]static{}
	}
	cache := pl.s.statics[key]
	if pl.s.recount {
		cache = nil // derived afresh, for the tests to compare with
	}
	if len(cache) < pl.s.nextID {
		cache = append(cache, make([]static, pl.s.nextID-len(cache))...)
	}
	for _, n := range pl.s.nodes {
		if why, gone := pl.away[n]; gone {
			if why != "" {
				t.static.add(n, rejection{stage: stageAway, text: why})
			}
			continue
		}
		c := &cache[n.id]
		if c.ver != n.ver+1 {
			*c = static{ver: n.ver + 1}
			if c.r, c.ok = pl.s.staticFit(p, n); c.ok {
				c.sc = pl.s.staticScore(p, n)
			}
		}
		if !c.ok {
			t.static.add(n, c.r)
			continue
		}
		t.cands = append(t.cands, candidate{n: n, sc: c.sc})
	}
	pl.s.statics[key] = cache
	// Best static score first (node order within), so placeOne can stop after the first group
	// that has a feasible node: a kube-system pod tries the system nodes, not all 5,000.
	slices.SortStableFunc(t.cands, func(a, b candidate) int {
		if a.sc.notSystem != b.sc.notSystem {
			return a.sc.notSystem - b.sc.notSystem
		}
		return a.sc.preferTaint - b.sc.preferTaint
	})
	pl.tmpls[key] = t
	return t
}

// placeOne binds p to the best node that accepts it and returns that node, or nil when no node
// does.
func (pl *placer) placeOne(p *pod) *node {
	t := pl.template(p)
	var best *node
	var bestScore score
	for i := range t.cands {
		c := &t.cands[i]
		if best != nil && (c.sc.notSystem != bestScore.notSystem || c.sc.preferTaint != bestScore.preferTaint) {
			break // a worse static score: no node from here on can beat best (see score.better)
		}
		if _, ok := pl.s.dynamicFit(p, c.n); !ok {
			continue
		}
		if sc := withFree(c.sc, p, c.n); best == nil || sc.better(bestScore) {
			best, bestScore = c.n, sc
		}
	}
	if best == nil {
		return nil
	}
	pl.s.bind(p, best)
	return best
}

// explain says why no node takes p, as placement found it just now: call it before anything
// else is bound. It reruns the dynamic filters on p's candidates only; the static rejections were
// counted once for the template.
func (pl *placer) explain(p *pod, from string) Unplaced {
	t := pl.template(p)
	var rs reasons
	rs.merge(&t.static)
	for i := range t.cands {
		c := &t.cands[i]
		if r, ok := pl.s.dynamicFit(p, c.n); !ok {
			rs.add(c.n, r)
		}
	}
	return pl.s.unplaced(p, from, &rs)
}

// templateKey spells out everything the static filters and scores read from a pod: whether it is
// in kube-system, its tolerations, nodeSelector and required node affinity. Pods with equal keys
// get the same answers from them on every node.
func templateKey(p *snapshot.Pod) string {
	var b strings.Builder
	field := func(s string) { b.WriteString(s); b.WriteByte(0) }
	if p.Namespace == snapshot.NamespaceKubeSystem {
		b.WriteByte('k')
	}
	b.WriteByte(1)
	for _, t := range p.Tolerations {
		field(t.Key)
		field(t.Operator)
		field(t.Value)
		field(t.Effect)
		if t.TolerationSeconds != nil {
			field(strconv.FormatInt(*t.TolerationSeconds, 10))
		}
		b.WriteByte(2)
	}
	b.WriteByte(1)
	keys := make([]string, 0, len(p.NodeSelector))
	for k := range p.NodeSelector {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field(k)
		field(p.NodeSelector[k])
	}
	b.WriteByte(1)
	reqs := func(rs []snapshot.Requirement) {
		for _, r := range rs {
			field(r.Key)
			field(r.Operator)
			for _, v := range r.Values {
				field(v)
			}
			b.WriteByte(2)
		}
		b.WriteByte(3)
	}
	for _, t := range p.RequiredNodeAffinity {
		reqs(t.MatchExpressions)
		reqs(t.MatchFields)
		b.WriteByte(4)
	}
	return b.String()
}

package simulate

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"

	"github.com/syspool/syspool/internal/snapshot"
)

// doNotSchedule is the scheduler's TaintToleration filter: only NoSchedule and NoExecute taints
// keep a pod off a node; PreferNoSchedule only lowers the node's score.
func doNotSchedule(t *corev1.Taint) bool {
	return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
}

func preferNoSchedule(t *corev1.Taint) bool { return t.Effect == corev1.TaintEffectPreferNoSchedule }

// unschedulableTaint is what a cordoned node carries; DaemonSet pods tolerate it.
var unschedulableTaint = corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}

// staticFit and dynamicFit are the scheduler's filters, in its order, split where the placement
// starts to matter; a node accepts a pod when both say ok. They build no string: placement asks
// them about every candidate node, and reasons are spelled out only for the few nodes an unplaced
// pod's explanation names (placer.explain).
//
// staticFit runs the filters whose answer cannot change while pods are placed: readiness,
// cordons, NoSchedule/NoExecute taints, nodeSelector and required node affinity. They read only
// the pod's template and the node's labels, taints and flags, so placement asks them once per
// template and node (see placer).
func (s *Sim) staticFit(p *pod, n *node) (rejection, bool) {
	p.sched()
	if !n.ready {
		return rejection{stage: stageNotReady}, false
	}
	if n.cordoned && !corev1helpers.TolerationsTolerateTaint(discard, p.core.Spec.Tolerations, &unschedulableTaint, false) {
		return rejection{stage: stageCordoned}, false
	}
	if t, bad := corev1helpers.FindMatchingUntoleratedTaint(discard, n.core.Spec.Taints, p.core.Spec.Tolerations,
		doNotSchedule, false); bad {
		return rejection{stage: stageTaint, text: taintString(t)}, false
	}
	if len(p.p.NodeSelector) > 0 && !matchesSet(p.p.NodeSelector, n.labels) {
		if p.nodeSelectorMsg == "" {
			// the same for every node: built once per pod, not per rejected node
			p.nodeSelectorMsg = "nodeSelector mismatch (" + labels.SelectorFromSet(p.p.NodeSelector).String() + ")"
		}
		return rejection{stage: stageNodeSelector, text: p.nodeSelectorMsg}, false
	}
	ok, err := p.aff.Match(n.core)
	if err != nil {
		return rejection{stage: stageAffinityError, text: "node affinity does not parse: " + err.Error()}, false
	}
	if !ok {
		return rejection{stage: stageAffinity}, false
	}
	return rejection{}, true
}

// dynamicFit runs the filters that depend on what is bound where: maxPods, requests against
// allocatable, topology spread and anti-affinity.
func (s *Sim) dynamicFit(p *pod, n *node) (rejection, bool) {
	if n.podsKnown && n.used.Pods+1 > n.alloc.Pods {
		return rejection{stage: stageMaxPods, arg: n.alloc.Pods}, false
	}
	if r := p.p.Requests.MilliCPU; r > 0 && n.used.MilliCPU+r > n.alloc.MilliCPU {
		return rejection{stage: stageCPU}, false
	}
	if r := p.p.Requests.MemoryBytes; r > 0 && n.used.MemoryBytes+r > n.alloc.MemoryBytes {
		return rejection{stage: stageMemory}, false
	}
	if r, ok := s.spreadViolation(p, n); !ok {
		return r, false
	}
	return s.antiAffinityViolation(p, n)
}

// matchesSet is labels.SelectorFromSet(set).Matches(labels.Set(l)) without building the selector:
// fit runs for every (pod, candidate node) pair, and the selector's allocations were where the
// 5,000-node lose-a-zone simulation spent its time. Every key must be present with the value.
func matchesSet(set, l map[string]string) bool {
	for k, v := range set {
		if w, ok := l[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func taintString(t corev1.Taint) string {
	return snapshot.Taint{Key: t.Key, Value: t.Value, Effect: string(t.Effect)}.String()
}

// spreadViolation checks p's DoNotSchedule topology spread constraints on n, as the
// PodTopologySpread filter does: a node without the topology label is rejected, and placing p
// there must not raise the skew above maxSkew.
//
// The per-domain counts do not depend on n, only on the placement, so they are computed once per
// (pod, constraint) and reused for every candidate node until the placement changes (see
// Sim.changed): placeOne asks fit about every node in turn without binding anything in between.
func (s *Sim) spreadViolation(p *pod, n *node) (rejection, bool) {
	for i, c := range p.p.TopologySpread {
		if c.WhenUnsatisfiable != "DoNotSchedule" {
			continue
		}
		dom, has := n.labels[c.TopologyKey]
		if !has {
			return rejection{stage: stageSpreadLabel, arg: int64(i), text: c.TopologyKey}, false
		}
		sc := s.spreadCounts(p, i)
		if !sc.ok {
			s.assume("a topology spread selector of " + p.ref().String() + " does not parse; it counts no pods")
		}
		if skew := sc.counts[dom] + sc.self - max(sc.minCount, 0); skew > int(c.MaxSkew) {
			return rejection{stage: stageSpreadSkew, arg: int64(i), text: c.TopologyKey, skew: skew}, false
		}
	}
	return rejection{}, true
}

// memoKey names one constraint or term (by index) of one pod.
type memoKey struct {
	p *pod
	i int
}

// spreadMemo is what spreadViolation derives from the placement for one constraint.
type spreadMemo struct {
	ok             bool
	counts         map[string]int
	minCount, self int
}

// spreadCounts counts, per domain of constraint i of p, the pods matching its selector, as the
// PodTopologySpread filter does; memoised until the placement changes.
func (s *Sim) spreadCounts(p *pod, i int) *spreadMemo {
	k := memoKey{p, i}
	if m, ok := s.spreadMemo[k]; ok {
		return m
	}
	c := p.p.TopologySpread[i]
	sel, ok := selectorWithKeys(c.LabelSelector, c.MatchLabelKeys, p.p.Labels)
	counts := map[string]int{}
	for _, m := range s.nodes {
		v, has := m.labels[c.TopologyKey]
		if !has || !s.inSpreadDomain(p, m, c) {
			continue
		}
		if _, seen := counts[v]; !seen {
			counts[v] = 0
		}
		for _, q := range m.pods {
			if q.p.Namespace == p.p.Namespace && sel.Matches(labels.Set(q.p.Labels)) {
				counts[v]++
			}
		}
	}
	minCount := -1
	for _, k := range counts {
		if minCount < 0 || k < minCount {
			minCount = k
		}
	}
	if c.MinDomains != nil && len(counts) < int(*c.MinDomains) {
		minCount = 0
	}
	self := 0
	if sel.Matches(labels.Set(p.p.Labels)) {
		self = 1
	}
	m := &spreadMemo{ok: ok, counts: counts, minCount: minCount, self: self}
	if s.spreadMemo == nil {
		s.spreadMemo = map[memoKey]*spreadMemo{}
	}
	s.spreadMemo[k] = m
	return m
}

// inSpreadDomain applies nodeAffinityPolicy (Honor by default) and nodeTaintsPolicy (Ignore by
// default) to decide whether node m counts as a domain for p.
func (s *Sim) inSpreadDomain(p *pod, m *node, c snapshot.TopologySpreadConstraint) bool {
	if c.NodeAffinityPolicy != "Ignore" {
		if ok, err := p.sched().aff.Match(m.core); err != nil || !ok {
			return false
		}
	}
	if c.NodeTaintsPolicy == "Honor" {
		if _, bad := corev1helpers.FindMatchingUntoleratedTaint(discard, m.core.Spec.Taints, p.sched().core.Spec.Tolerations,
			doNotSchedule, false); bad {
			return false
		}
	}
	return true
}

// antiAffinityViolation checks required pod anti-affinity both ways, as InterPodAffinity does:
// p's terms against the pods already in n's topology domain, and their terms against p.
func (s *Sim) antiAffinityViolation(p *pod, n *node) (rejection, bool) {
	for i, t := range p.p.RequiredAntiAffinity {
		dom, has := n.labels[t.TopologyKey]
		if !has {
			continue // a node without the key is outside every domain of the term
		}
		if q := s.antiFirst(p, i)[dom]; q != nil {
			return rejection{stage: stageAntiOwn, arg: int64(i), text: t.TopologyKey, q: q, dom: dom}, false
		}
	}
	for _, e := range s.antiTerms() {
		t := e.q.p.RequiredAntiAffinity[e.i]
		if w, nHas := n.labels[t.TopologyKey]; !nHas || w != e.v {
			continue
		}
		tm := s.matcherOf(e.q, e.i)
		if e.q != p && tm.nsOK(p.p.Namespace) && tm.sel.Matches(labels.Set(p.p.Labels)) {
			return rejection{stage: stageAntiTheirs, text: t.TopologyKey, q: e.q, dom: e.v}, false
		}
	}
	return rejection{}, true
}

// antiTerm is required anti-affinity term i of pod q, running where its topology key is v.
type antiTerm struct {
	q *pod
	i int
	v string
}

// antiTerms lists the required anti-affinity terms of the running pods whose node has the term's
// topology key, in node, pod and term order; memoised until the placement changes, so fit walks
// these terms rather than every node.
func (s *Sim) antiTerms() []antiTerm {
	if s.antiList != nil {
		return *s.antiList
	}
	var out []antiTerm
	for _, m := range s.nodes {
		if m.antiPods == 0 {
			continue // no pod here has a term that could repel p
		}
		for _, q := range m.pods {
			for i, t := range q.p.RequiredAntiAffinity {
				if v, has := m.labels[t.TopologyKey]; has {
					out = append(out, antiTerm{q, i, v})
				}
			}
		}
	}
	s.antiList = &out
	return out
}

// matcherOf is termMatcher for term i of q, parsed once: a pod's labels and terms never change,
// and termMatcher's assumptions are made on its first call (later calls would only repeat them).
func (s *Sim) matcherOf(q *pod, i int) matcher {
	k := memoKey{q, i}
	tm, ok := s.antiMatchers[k]
	if !ok {
		tm.sel, tm.nsOK = s.termMatcher(q, q.p.RequiredAntiAffinity[i])
		if s.antiMatchers == nil {
			s.antiMatchers = map[memoKey]matcher{}
		}
		s.antiMatchers[k] = tm
	}
	return tm
}

// antiFirst maps each domain of term i of p to the first pod (in node order, then pod order) in it
// that the term matches, other than p itself: the first half of antiAffinityViolation for every
// candidate node at once. The map is memoised until the placement changes; the term's matcher is
// kept for good, as a pod's labels and terms never change (termMatcher's assumptions are made on
// its first call, as before, and would only repeat after it).
func (s *Sim) antiFirst(p *pod, i int) map[string]*pod {
	k := memoKey{p, i}
	if f, ok := s.antiMemo[k]; ok {
		return f
	}
	t := p.p.RequiredAntiAffinity[i]
	tm := s.matcherOf(p, i)
	first := map[string]*pod{}
	for _, m := range s.nodes {
		v, has := m.labels[t.TopologyKey]
		if !has {
			continue
		}
		if _, done := first[v]; done {
			continue
		}
		for _, q := range m.pods {
			if q != p && tm.nsOK(q.p.Namespace) && tm.sel.Matches(labels.Set(q.p.Labels)) {
				first[v] = q
				break
			}
		}
	}
	if s.antiMemo == nil {
		s.antiMemo = map[memoKey]map[string]*pod{}
	}
	s.antiMemo[k] = first
	return first
}

type matcher struct {
	sel  labels.Selector
	nsOK func(string) bool
}

// termMatcher resolves an anti-affinity term of owner into a label selector and a namespace test.
func (s *Sim) termMatcher(owner *pod, t snapshot.PodAffinityTerm) (labels.Selector, func(string) bool) {
	sel, ok := selector(t.LabelSelector)
	if !ok {
		s.assume("an anti-affinity selector of " + owner.ref().String() + " does not parse; it matches no pods")
	}
	if t.NamespaceSelector != nil {
		if len(t.NamespaceSelector.MatchLabels)+len(t.NamespaceSelector.MatchExpressions) > 0 {
			s.assume("snapshots carry no namespace labels: the anti-affinity namespaceSelector of " +
				owner.ref().String() + " is taken to match every namespace (the stricter reading)")
		}
		return sel, func(string) bool { return true }
	}
	nss := t.Namespaces
	if len(nss) == 0 {
		nss = []string{owner.p.Namespace}
	}
	return sel, func(ns string) bool {
		for _, x := range nss {
			if x == ns {
				return true
			}
		}
		return false
	}
}

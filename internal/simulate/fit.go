package simulate

import (
	"fmt"

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
	x := p.sched()
	if !n.ready {
		return rejection{stage: stageNotReady}, false
	}
	if n.cordoned && !corev1helpers.TolerationsTolerateTaint(discard, x.core.Spec.Tolerations, &unschedulableTaint, false) {
		return rejection{stage: stageCordoned}, false
	}
	if t, bad := corev1helpers.FindMatchingUntoleratedTaint(discard, n.core.Spec.Taints, x.core.Spec.Tolerations,
		doNotSchedule, false); bad {
		return rejection{stage: stageTaint, text: taintString(t)}, false
	}
	if len(p.p.NodeSelector) > 0 && !matchesSet(p.p.NodeSelector, n.labels) {
		if x.nodeSelectorMsg == "" {
			// the same for every node: built once per pod, not per rejected node
			x.nodeSelectorMsg = "nodeSelector mismatch (" + labels.SelectorFromSet(p.p.NodeSelector).String() + ")"
		}
		return rejection{stage: stageNodeSelector, text: x.nodeSelectorMsg}, false
	}
	ok, err := x.aff.Match(n.core)
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
// (pod, constraint), reused for every candidate node and kept up to date by binds (Sim.placed).
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

// spreadMemo is what spreadViolation derives from the placement for one constraint of pod p
// (index i), and for the same constraint of every pod with the same spreadKey: the replicas of a
// workload share it, so it is counted once per workload and then kept up to date by binds.
type spreadMemo struct {
	p              *pod
	i              int
	ok             bool
	sel            labels.Selector
	counts         map[string]int
	minCount, self int
}

// spreadCounts counts, per domain of constraint i of p, the pods matching its selector, as the
// PodTopologySpread filter does; memoised, and updated by Sim.placed.
func (s *Sim) spreadCounts(p *pod, i int) *spreadMemo {
	k := p.memoKeys().spread[i]
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
	self := 0
	if sel.Matches(labels.Set(p.p.Labels)) {
		self = 1
	}
	m := &spreadMemo{p: p, i: i, ok: ok, sel: sel, counts: counts, self: self}
	m.setMin(c)
	if s.spreadMemo == nil {
		s.spreadMemo = map[string]*spreadMemo{}
	}
	s.spreadMemo[k] = m
	return m
}

// setMin sets the smallest count over the domains, 0 when fewer domains than minDomains exist.
func (m *spreadMemo) setMin(c snapshot.TopologySpreadConstraint) {
	m.minCount = -1
	for _, k := range m.counts {
		if m.minCount < 0 || k < m.minCount {
			m.minCount = k
		}
	}
	if c.MinDomains != nil && len(m.counts) < int(*c.MinDomains) {
		m.minCount = 0
	}
}

// placed keeps the memoised fit inputs in step with pod q bound to node n (d = 1) or unbound from
// it (d = -1), where dropping them made every placement recount every pod of the cluster: an
// O(pods) walk per placed pod with a spread constraint or anti-affinity term. The spread counts
// and the first pod per anti-affinity domain follow the bind exactly (a pod bound later is first
// in its domain only if its node sorts first); an unbind drops the first pods, which it may
// remove, and the running anti-affinity terms change only when q has one.
func (s *Sim) placed(q *pod, n *node, d int) {
	if s.recount {
		s.changed()
		return
	}
	if len(q.p.RequiredAntiAffinity) > 0 {
		s.antiList = nil
	}
	if len(s.spreadMemo) == 0 && len(s.antiMemo) == 0 {
		return // nothing to keep up to date, as for every bind of Base.New
	}
	for _, m := range s.spreadMemo {
		c := m.p.p.TopologySpread[m.i]
		v, has := n.labels[c.TopologyKey]
		if !has || q.p.Namespace != m.p.p.Namespace || !s.inSpreadDomain(m.p, n, c) {
			continue
		}
		if m.sel.Matches(labels.Set(q.p.Labels)) {
			m.counts[v] += d
			m.setMin(c)
		}
	}
	if d < 0 {
		s.antiMemo = nil
		return
	}
	for _, a := range s.antiMemo {
		v, has := n.labels[a.p.p.RequiredAntiAffinity[a.i].TopologyKey]
		if !has {
			continue
		}
		if f := a.first[v]; f != nil && f.node.name <= n.name {
			continue // f's node sorts first (or is n, where f came first)
		}
		if tm := s.matcherOf(a.p, a.i); tm.nsOK(q.p.Namespace) && tm.sel.Matches(labels.Set(q.p.Labels)) {
			a.first[v] = q
		}
	}
}

// memoKeys are what make two pods' memos interchangeable, per spread constraint and per
// anti-affinity term: everything the memo is derived from.
type memoKeys struct{ spread, anti []string }

func (p *pod) memoKeys() *memoKeys {
	x := p.sched()
	if x.keys != nil {
		return x.keys
	}
	keys := &memoKeys{}
	x.keys = keys
	for _, c := range p.p.TopologySpread {
		// the counts read the namespace, the pod's labels (matchLabelKeys, and whether it counts
		// itself), its template (nodeAffinityPolicy, nodeTaintsPolicy) and the constraint but
		// its maxSkew
		sel, md := "<nil>", int32(-1)
		if c.LabelSelector != nil {
			sel = fmt.Sprintf("%v", *c.LabelSelector)
		}
		if c.MinDomains != nil {
			md = *c.MinDomains
		}
		keys.spread = append(keys.spread, fmt.Sprintf("%s\x00%v\x00%s\x00%s\x00%s\x00%s\x00%d\x00%q\x00%s",
			p.p.Namespace, p.p.Labels, sel, c.TopologyKey, c.NodeAffinityPolicy, c.NodeTaintsPolicy, md, c.MatchLabelKeys, x.tmpl))
	}
	for _, t := range p.p.RequiredAntiAffinity {
		nsSel := "<nil>"
		if t.NamespaceSelector != nil {
			nsSel = fmt.Sprintf("%v", *t.NamespaceSelector)
		}
		keys.anti = append(keys.anti, fmt.Sprintf("%s\x00%v\x00%s\x00%q\x00%s",
			p.p.Namespace, t.LabelSelector, t.TopologyKey, t.Namespaces, nsSel))
	}
	return keys
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
// topology key, in node, pod and term order; memoised until a pod with such a term is bound or
// unbound (or nodes change), so fit walks these terms rather than every node.
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
// candidate node at once. The map is memoised (shared by pods with the same term, see memoKeys),
// updated by binds and dropped by unbinds (Sim.placed); the term's matcher is kept for good, as a
// pod's labels and terms never change (termMatcher's assumptions are made on its first call, as
// before, and would only repeat after). p itself is never bound while it is placed, so a memo
// made for another pod leaves nobody out that p's own would not.
func (s *Sim) antiFirst(p *pod, i int) map[string]*pod {
	tm := s.matcherOf(p, i) // p's own, for its assumptions, even when another pod's memo serves
	k := p.memoKeys().anti[i]
	if a, ok := s.antiMemo[k]; ok {
		return a.first
	}
	t := p.p.RequiredAntiAffinity[i]
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
		s.antiMemo = map[string]*antiMemo{}
	}
	s.antiMemo[k] = &antiMemo{p: p, i: i, first: first}
	return first
}

// antiMemo is antiFirst's answer for term i of p, and for the same term of every pod with the
// same key (memoKeys).
type antiMemo struct {
	p     *pod
	i     int
	first map[string]*pod
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

package simulate

import (
	"slices"
	"strings"

	corev1helpers "k8s.io/component-helpers/scheduling/corev1"

	"github.com/syspool/syspool/internal/snapshot"
)

// dsTemplate is one DaemonSet, represented by its largest captured pod: a new node gets a copy of
// it when the pod would schedule there. DaemonSets with no captured pod are invisible here.
type dsTemplate struct {
	pod *snapshot.Pod
}

// dsTemplates picks, per DaemonSet, the pod with the largest requests, so the overhead charged to
// a new node is never below what an existing node shows; among equal ones, the pod on the node
// first by name, then first in the snapshot.
func (b *Base) dsTemplates() []*dsTemplate {
	type key struct{ ns, owner string }
	best := map[key]int{}
	var keys []key
	for i := range b.pods {
		p := &b.pods[i]
		if !p.ds {
			continue
		}
		k := key{p.p.Namespace, p.p.Owner.Name}
		j, ok := best[k]
		if !ok {
			keys = append(keys, k)
			best[k] = i
			continue
		}
		cur := b.pods[j].p
		if r, c := p.p.Requests, cur.Requests; r.MilliCPU > c.MilliCPU || (r.MilliCPU == c.MilliCPU &&
			(r.MemoryBytes > c.MemoryBytes || r.MemoryBytes == c.MemoryBytes && b.podNode[i] < b.podNode[j])) {
			best[k] = i
		}
	}
	slices.SortFunc(keys, func(x, y key) int { return strings.Compare(x.ns+"/"+x.owner, y.ns+"/"+y.owner) })
	out := make([]*dsTemplate, 0, len(keys))
	for _, k := range keys {
		c := *b.pods[best[k]].p
		c.NodeName = ""
		c.RequiredNodeAffinity = withoutNodeName(c.RequiredNodeAffinity)
		out = append(out, &dsTemplate{pod: &c})
	}
	return out
}

// withoutNodeName removes the matchFields metadata.name requirement the DaemonSet controller
// adds to each of its pods (ReplaceDaemonSetPodNodeNameNodeAffinity): it pins the pod to the node
// it was made for, not to the new one. Terms left empty are dropped, because an empty term matches
// no node; no terms left means no required affinity.
func withoutNodeName(terms []snapshot.NodeSelectorTerm) []snapshot.NodeSelectorTerm {
	var out []snapshot.NodeSelectorTerm
	for _, t := range terms {
		var fields []snapshot.Requirement
		for _, f := range t.MatchFields {
			if f.Key != "metadata.name" {
				fields = append(fields, f)
			}
		}
		t.MatchFields = fields
		if len(t.MatchExpressions)+len(t.MatchFields) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// addDaemonSets binds to new node n a copy of every DaemonSet pod that would run there: it
// tolerates n's NoSchedule/NoExecute taints and matches its labels. Resources are not checked,
// because the DaemonSet controller does not wait for room: an overfull node is reported by
// whoever reads Free.
func (s *Sim) addDaemonSets(n *node) {
	for _, t := range s.ds {
		c := *t.pod
		c.Name = t.pod.Owner.Name + "-" + n.name
		c.NodeName = n.name
		p := s.newPod(&c)
		if _, bad := corev1helpers.FindMatchingUntoleratedTaint(discard, n.core.Spec.Taints, p.sched().core.Spec.Tolerations,
			doNotSchedule, false); bad {
			continue
		}
		if ok, err := p.sched().aff.Match(n.core); err != nil || !ok {
			continue
		}
		s.bind(p, n)
	}
}

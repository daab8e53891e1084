package simulate

import (
	"sort"

	corev1helpers "k8s.io/component-helpers/scheduling/corev1"

	"github.com/syspool/syspool/internal/snapshot"
)

// dsTemplate is one DaemonSet, represented by its largest captured pod: a new node gets a copy of
// it when the pod would schedule there. DaemonSets with no captured pod are invisible here.
type dsTemplate struct {
	pod *snapshot.Pod
}

// dsTemplates picks, per DaemonSet, the pod with the largest requests, so the overhead charged to
// a new node is never below what an existing node shows.
func dsTemplates(s *Sim) []*dsTemplate {
	best := map[string]*snapshot.Pod{}
	var keys []string
	for _, n := range s.nodes {
		for _, p := range n.pods {
			if !p.ds {
				continue
			}
			k := p.p.Namespace + "/" + p.p.Owner.Name
			cur, ok := best[k]
			if !ok {
				keys = append(keys, k)
			}
			if !ok || p.p.Requests.MilliCPU > cur.Requests.MilliCPU ||
				(p.p.Requests.MilliCPU == cur.Requests.MilliCPU && p.p.Requests.MemoryBytes > cur.Requests.MemoryBytes) {
				best[k] = p.p
			}
		}
	}
	sort.Strings(keys)
	out := make([]*dsTemplate, 0, len(keys))
	for _, k := range keys {
		c := *best[k]
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
		if _, bad := corev1helpers.FindMatchingUntoleratedTaint(discard, n.core.Spec.Taints, p.core.Spec.Tolerations,
			doNotSchedule, false); bad {
			continue
		}
		if ok, err := p.aff.Match(n.core); err != nil || !ok {
			continue
		}
		s.bind(p, n)
	}
}

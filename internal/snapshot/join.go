package snapshot

import (
	"fmt"
	"strings"
)

// Join links nodes to pools and pods to the workloads that own them. It is idempotent and
// returns notes for anything it could not link, so the user sees the gaps instead of a guess.
func Join(s *Snapshot) []Note {
	var notes []Note
	pools := make(map[string]bool, len(s.Pools))
	for _, p := range s.Pools {
		pools[p.Name] = true
	}
	var unmatched []string
	for i := range s.Nodes {
		n := &s.Nodes[i]
		name := n.Labels[LabelAgentPool]
		if name == "" {
			name = n.Labels[LabelAgentPoolLegacy]
		}
		if n.ModeLabel == "" {
			n.ModeLabel = n.Labels[LabelMode]
		}
		n.Pool = name
		if len(pools) > 0 && !pools[name] && !hostedSystemNode(s.Cluster, n) {
			unmatched = append(unmatched, n.Name)
		}
	}
	if len(unmatched) > 0 && len(unmatched) < len(s.Nodes) {
		notes = append(notes, Note{Message: fmt.Sprintf(
			"%d node(s) belong to no listed agent pool (Node Auto Provisioning or a virtual node?): %s",
			len(unmatched), abbreviate(unmatched, 5))})
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		p.Workload = workloadOf(p)
	}
	return notes
}

// hostedSystemNode reports whether n is one of the system nodes AKS Automatic runs outside the
// agent pool list: the managed system pool's nodes and the system-surge nodes Node Auto
// Provisioning adds next to them, both labelled mode=system. They are expected there, not a gap.
func hostedSystemNode(c Cluster, n *Node) bool {
	if !c.HostedSystemPool {
		return false
	}
	return equalFold(n.ModeLabel, "system") || n.Labels[LabelKarpenterNodePool] == "system-surge"
}

// workloadOf resolves the owner a human names: a ReplicaSet made by a Deployment is named
// "<deployment>-<pod-template-hash>", so the Deployment is recovered without the ReplicaSet object.
func workloadOf(p *Pod) Owner {
	o := p.Owner
	if o.Kind == "ReplicaSet" {
		if h := p.Labels[LabelPodTemplateHash]; h != "" && strings.HasSuffix(o.Name, "-"+h) {
			return Owner{Kind: "Deployment", Name: strings.TrimSuffix(o.Name, "-"+h)}
		}
	}
	return o
}

func abbreviate(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
}

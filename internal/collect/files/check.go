package files

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// Labels that mark nodes no agent pool owns: Node Auto Provisioning (Karpenter) nodes and virtual
// nodes (ACI virtual kubelet).
const (
	labelKarpenterPool = "karpenter.sh/nodepool"
	labelNodeType      = "type"
	virtualKubelet     = "virtual-kubelet"
)

func ownedByNoPool(n *snapshot.Node) bool {
	return n.Labels[labelKarpenterPool] != "" || n.Labels[labelNodeType] == virtualKubelet
}

// checkNodes refuses a kubectl capture taken from another cluster than the az/ARM files describe,
// the mistake a wrong kube context makes silently. AKS writes the node resource group into the
// kubernetes.azure.com/cluster label of every node, which settles it when both sides have it; the
// pool names are the fallback.
func (b *builder) checkNodes(s *snapshot.Snapshot) error {
	nrg := s.Cluster.NodeResourceGroup
	var firstRG string
	var firstNode string
	verified := false
	for i := range s.Nodes {
		n := &s.Nodes[i]
		rg := n.Labels[snapshot.LabelCluster]
		if rg == "" {
			continue
		}
		at := b.nodeAt[n.Name]
		switch {
		case nrg != "" && !strings.EqualFold(rg, nrg):
			return &InputError{Path: at.path, Line: at.line, Col: at.col, Msg: fmt.Sprintf(
				"node %s is in node resource group %s (label %s) but cluster %s uses %s: wrong kube context?",
				n.Name, rg, snapshot.LabelCluster, clusterName(s), nrg)}
		case firstRG != "" && !strings.EqualFold(rg, firstRG):
			return &InputError{Path: at.path, Line: at.line, Col: at.col, Msg: fmt.Sprintf(
				"nodes of two clusters in one run: node %s is in node resource group %s but node %s (%s) is in %s; "+
					"pass the nodes of one cluster", n.Name, rg, firstNode, b.nodeAt[firstNode].path, firstRG)}
		}
		if firstRG == "" {
			firstRG, firstNode = rg, n.Name
		}
		verified = verified || nrg != ""
	}
	if len(s.Pools) == 0 {
		return nil
	}
	pools := map[string]bool{}
	names := make([]string, 0, len(s.Pools))
	for _, p := range s.Pools {
		pools[p.Name] = true
		names = append(names, p.Name)
	}
	// Judge each file on its own: one stale capture among good ones is still a wrong context.
	byFile := map[string][]*snapshot.Node{}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		// AKS Automatic's hosted system pool is in no agent pool list, but its nodes are visible.
		hosted := s.Cluster.HostedSystemPool && strings.EqualFold(n.Labels[snapshot.LabelMode], "system")
		if !ownedByNoPool(n) && !hosted {
			byFile[b.nodeAt[n.Name].path] = append(byFile[b.nodeAt[n.Name].path], n)
		}
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		nodes := byFile[f]
		matched := false
		for _, n := range nodes {
			matched = matched || pools[poolLabel(n)]
		}
		if matched {
			continue
		}
		if verified {
			b.note(f, "none of the %d nodes belongs to a listed pool of cluster %s although their node resource group matches; "+
				"were the pools and the nodes captured at different times?", len(nodes), clusterName(s))
			continue
		}
		return &InputError{Path: f, Msg: fmt.Sprintf(
			"none of the %d nodes in %s belongs to a pool of cluster %s (pools: %s): wrong kube context?",
			len(nodes), filepath.Base(f), clusterName(s), strings.Join(names, ", "))}
	}
	return nil
}

func poolLabel(n *snapshot.Node) string {
	return firstLabel(n.Labels, snapshot.LabelAgentPool, snapshot.LabelAgentPoolLegacy)
}

func clusterName(s *snapshot.Snapshot) string {
	if s.Cluster.Name != "" {
		return s.Cluster.Name
	}
	return "(unnamed)"
}

// checkPods refuses pods and nodes that cannot be from the same cluster at the same time: when
// nodes were listed and pods are scheduled, some pod must run on a captured node. A few pods on
// nodes that have since gone are normal between two kubectl calls; none at all is a pod capture
// from another kube context.
func (b *builder) checkPods(s *snapshot.Snapshot) error {
	if len(s.Nodes) == 0 || !s.Coverage.Has(snapshot.KindNodes) {
		return nil
	}
	nodes := make(map[string]bool, len(s.Nodes))
	for i := range s.Nodes {
		nodes[s.Nodes[i].Name] = true
	}
	scheduled := 0
	var example string
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.NodeName == "" || p.IsFinished() {
			continue
		}
		if nodes[p.NodeName] {
			return nil
		}
		scheduled++
		if example == "" {
			example = p.Namespace + "/" + p.Name + " on " + p.NodeName
		}
	}
	if scheduled == 0 {
		return nil
	}
	path := ""
	for _, src := range s.Provenance.Sources {
		if src.Objects[snapshot.KindPods] > 0 {
			path = src.Path
			break
		}
	}
	return &InputError{Path: path, Msg: fmt.Sprintf(
		"none of the %d scheduled pods runs on one of the %d captured nodes (%s, but the nodes are %s): "+
			"the pods and the nodes come from different clusters; wrong kube context?",
		scheduled, len(s.Nodes), example, abbreviate(sortedKeys(nodes), 3))}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Labels that explain a node outside the agent pools.
const (
	labelKarpenterNodePool = "karpenter.sh/nodepool"
	labelNodeType          = "type" // "virtual-kubelet" on ACI virtual nodes
)

var sp048 = rule.Rule{
	ID:       "SP048",
	Title:    "Every node belongs to an agent pool, Node Auto Provisioning or a virtual node",
	Category: catConfiguration,
	Severity: rule.Info,
	Rationale: "Pool-level rules judge the nodes the agent pool list accounts for. Nodes outside it are expected in three " +
		"cases: Node Auto Provisioning (Karpenter) creates nodes, including a system-surge NodePool, that are not ARM " +
		"agent pools; ACI virtual nodes are virtual-kubelet nodes; and AKS Automatic runs its managed system pool out of " +
		"the list. Those pass with the explanation. Any other node means the pool list and the node list were captured " +
		"at different times, or a pool was deleted while its node lingers: an informational finding, so the reader knows " +
		"which nodes the pool rules did not see.",
	Remediation: "Capture the pool list and the nodes together; if the node's pool really is gone, check the node and " +
		"remove it (`kubectl delete node`) once its pods have moved.",
	Sources: []rule.Source{
		{Title: "AKS docs: Node Auto Provisioning", URL: "https://learn.microsoft.com/azure/aks/node-autoprovision"},
		{Title: "AKS docs: Virtual nodes", URL: "https://learn.microsoft.com/azure/aks/virtual-nodes"},
		srcAutomaticSystemPools,
		srcLabels,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools, snapshot.KindNodes},
	Check: checkSP048,
}

func checkSP048(c *rule.Context) []rule.Result {
	var out []rule.Result
	for i := range c.Snap.Nodes {
		n := &c.Snap.Nodes[i]
		if _, listed := c.Index.Pool(n.Pool); listed {
			continue
		}
		r := rule.Result{Resource: nodeResource(n), Evidence: []rule.Evidence{ev("agentpoolLabel", orUnset(n.Pool)),
			ev("modeLabel", orUnset(n.ModeLabel)), ev("listedPools", poolNamesOf(c.Snap.Pools))}}
		if why := explainLooseNode(c, n); why != "" {
			r.Status = rule.Pass
			r.Message = "node " + n.Name + " is outside the agent pools: " + why
		} else {
			r.Status = rule.Fail
			r.Message = "node " + n.Name + " belongs to no listed agent pool"
			if n.Pool != "" {
				r.Message += " (its agentpool label names " + quote(n.Pool) + ")"
				r.Fix = azNodepool(c, "show", n.Pool, "-o table")
			} else {
				r.Fix = kubectl(c, "describe node "+shellQuote(n.Name))
			}
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return []rule.Result{{Status: rule.Pass, Resource: clusterResource(c),
			Message:  "every captured node belongs to a listed agent pool",
			Evidence: []rule.Evidence{ev("nodes", len(c.Snap.Nodes)), ev("listedPools", poolNamesOf(c.Snap.Pools))}}}
	}
	return out
}

// explainLooseNode names the documented reason a node has no agent pool, or "".
func explainLooseNode(c *rule.Context, n *snapshot.Node) string {
	switch {
	case n.Labels[labelKarpenterNodePool] != "":
		return "Node Auto Provisioning created it for NodePool " + quote(n.Labels[labelKarpenterNodePool])
	case strings.EqualFold(c.Snap.Cluster.NodeProvisioningMode, "Auto") && n.Pool == "":
		return "Node Auto Provisioning is on and the node carries no agentpool label"
	case n.Labels[labelNodeType] == "virtual-kubelet":
		return "it is a virtual node (virtual-kubelet)"
	case c.Snap.Cluster.HostedSystemPool && strings.EqualFold(n.ModeLabel, "system"):
		return "it belongs to the system pool AKS Automatic manages outside the agent pool list"
	}
	return ""
}

func poolNamesOf(pools []snapshot.Pool) any {
	var ns []string
	for _, p := range pools {
		ns = append(ns, p.Name)
	}
	return orNone(ns)
}

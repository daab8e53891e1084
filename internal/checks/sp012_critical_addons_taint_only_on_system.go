package checks

import (
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp012 = rule.Rule{
	ID:       "SP012",
	Title:    "The CriticalAddonsOnly taint is only on System pools",
	Category: catIsolation,
	Severity: rule.Medium,
	Rationale: "CriticalAddonsOnly is the taint AKS reserves for dedicated System pools: its add-ons tolerate it, so on a " +
		"User pool it invites kube-system pods onto nodes that scale to zero, get upgraded with application settings or " +
		"run on Spot, while keeping application pods off. The Azure Policy built-in Reserved System Pool Taints " +
		"(48940d92) and AKS Deployment Safeguards reject it outside System pools.",
	Remediation: "Remove the CriticalAddonsOnly taint from the User pool (`az aks nodepool update --node-taints` with the " +
		"remaining taints) and from any node tainted by hand (`kubectl taint nodes <node> CriticalAddonsOnly-`).",
	Sources: []rule.Source{
		{Title: "Azure Policy 48940d92-ff05-449e-9111-e742d9280451: Reserved System Pool Taints",
			URL: "https://learn.microsoft.com/azure/aks/policy-reference"},
		srcDeploymentSafeguards,
		srcSystemPools,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP012,
}

func checkSP012(c *rule.Context) []rule.Result {
	users := c.Index.UserPools()
	nodes := c.Snap.Coverage.Has(snapshot.KindNodes)
	var out []rule.Result
	for _, p := range users {
		r := rule.Result{Resource: poolResource(p),
			Evidence: []rule.Evidence{ev("mode", orUnset(p.Mode)), ev("taints", orDefault(taintList(p.Taints), "none"))}}
		if t, ok := reservedTaint(p.Taints); ok {
			r.Status = rule.Fail
			r.Message = p.Mode + " pool " + p.Name + " carries " + t.String() + ", which is reserved for System pools"
			r.Fix = azNodepool(c, "update", p.Name, nodeTaintsArg(withoutReserved(userTaints(p.Taints))))
			out = append(out, r)
			continue
		}
		r.Status = rule.Pass
		r.Message = p.Mode + " pool " + p.Name + " does not carry the CriticalAddonsOnly taint"
		out = append(out, r)
		if nodes {
			// Nodes tainted by hand drift from their pool; the pool's own taint is reported above.
			out = append(out, taintedNodes(c, c.Index.NodesOf(p.Name))...)
		}
	}
	if nodes {
		// Nodes that joined no listed pool (Node Auto Provisioning, kubectl-only captures) are judged
		// by their mode label.
		var loose []*snapshot.Node
		for i := range c.Snap.Nodes {
			n := &c.Snap.Nodes[i]
			if _, listed := c.Index.Pool(n.Pool); !listed && !c.Index.IsSystemNode(n) {
				loose = append(loose, n)
			}
		}
		out = append(out, taintedNodes(c, loose)...)
	}
	if len(out) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message:  "the cluster has no User pool and no non-system node to check",
			Evidence: []rule.Evidence{ev("userPools", 0), ev("nodesCaptured", nodes)}}}
	}
	return out
}

func taintedNodes(c *rule.Context, nodes []*snapshot.Node) []rule.Result {
	var out []rule.Result
	for _, n := range nodes {
		if t, ok := reservedTaint(n.Taints); ok {
			out = append(out, rule.Result{Status: rule.Fail, Resource: nodeResource(n),
				Message: "node " + n.Name + " (mode " + orUnset(n.ModeLabel) + ") carries " + t.String() +
					", which is reserved for System pools",
				Evidence: []rule.Evidence{ev("modeLabel", orUnset(n.ModeLabel)), ev("taints", taintList(n.Taints))},
				Fix:      kubectl(c, "taint nodes "+shellQuote(n.Name)+" "+t.Key+"-")})
		}
	}
	return out
}

// reservedTaint returns a CriticalAddonsOnly taint of any effect: the policy reserves the key.
func reservedTaint(taints []snapshot.Taint) (snapshot.Taint, bool) {
	for _, t := range taints {
		if isCriticalAddonsOnly(t) {
			return t, true
		}
	}
	return snapshot.Taint{}, false
}

func withoutReserved(taints []snapshot.Taint) []snapshot.Taint {
	var out []snapshot.Taint
	for _, t := range taints {
		if !isCriticalAddonsOnly(t) {
			out = append(out, t)
		}
	}
	return out
}

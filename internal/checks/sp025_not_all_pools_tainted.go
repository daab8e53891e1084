package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp025 = rule.Rule{
	ID:       "SP025",
	Title:    "At least one pool is free of custom hard taints",
	Category: catIsolation,
	Severity: rule.Critical,
	Rationale: "AKS rejects clusters where every pool carries a custom NoSchedule or NoExecute taint " +
		"(CanNotTaintAllAgentPools: \"Placing custom taints on all node pools is not supported\"): pods that tolerate " +
		"nothing, including parts of AKS itself, would have nowhere to run. CriticalAddonsOnly does not count, since AKS " +
		"add-ons tolerate it, and neither do the taints AKS adds itself (Spot). On AKS Automatic with a managed system " +
		"pool the hidden System pool is untainted, so the rule is skipped.",
	Remediation: "Remove the custom hard taints from one pool, normally the System pool (`--node-taints` with the taints " +
		"to keep), or add an untainted User pool.",
	Sources: []rule.Source{
		{Title: "Azure/AKS#1484: CanNotTaintAllAgentPools", URL: "https://github.com/Azure/AKS/issues/1484"},
		{Title: "Azure/AKS#1833: CriticalAddonsOnly exempt", URL: "https://github.com/Azure/AKS/issues/1833"},
		srcSystemPools,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP025,
}

func checkSP025(c *rule.Context) []rule.Result {
	if res, ok := hostedSkip(c); ok {
		return res
	}
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var free, tainted []string
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		if hard := customHardTaints(p.Taints); len(hard) > 0 {
			tainted = append(tainted, p.Name+"="+taintList(hard))
		} else {
			free = append(free, p.Name)
		}
	}
	r := rule.Result{Resource: clusterResource(c), Evidence: []rule.Evidence{ev("poolsWithoutCustomHardTaints", orNone(free)),
		ev("poolsWithCustomHardTaints", orNone(tainted))}}
	if len(free) > 0 {
		r.Status = rule.Pass
		r.Message = "pool(s) without custom hard taints: " + strings.Join(free, ", ")
		return []rule.Result{r}
	}
	// Untaint a System pool: it is the one AKS expects to take pods without tolerations.
	target := &c.Snap.Pools[0]
	if sys := c.Index.SystemPools(); len(sys) > 0 {
		target = sys[0]
	}
	r.Status = rule.Fail
	r.Message = "every pool carries a custom NoSchedule or NoExecute taint; AKS requires at least one pool without one"
	r.Fix = azNodepool(c, "update", target.Name, nodeTaintsArg(withoutHard(userTaints(target.Taints))))
	return []rule.Result{r}
}

// customHardTaints returns the taints that keep pods off, other than CriticalAddonsOnly and the
// taints AKS sets itself.
func customHardTaints(taints []snapshot.Taint) []snapshot.Taint {
	var out []snapshot.Taint
	for _, t := range userTaints(taints) {
		if keepsPodsOff(t) && !isCriticalAddonsOnly(t) {
			out = append(out, t)
		}
	}
	return out
}

// withoutHard keeps CriticalAddonsOnly and soft taints.
func withoutHard(taints []snapshot.Taint) []snapshot.Taint {
	var out []snapshot.Taint
	for _, t := range taints {
		if isCriticalAddonsOnly(t) || !keepsPodsOff(t) {
			out = append(out, t)
		}
	}
	return out
}

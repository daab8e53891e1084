package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp024 = rule.Rule{
	ID:       "SP024",
	Title:    "System pools carry only CriticalAddonsOnly or PreferNoSchedule taints",
	Category: catIsolation,
	Severity: rule.Critical,
	Rationale: "AKS rejects custom taints on System pools (SystemPoolHasRestrictedTaint: \"Placing custom taints on " +
		"system pool is not supported (except 'CriticalAddonsOnly' taint or taint effect is 'PreferNoSchedule')\"), " +
		"because the add-ons AKS places there tolerate CriticalAddonsOnly and nothing else. Clusters that predate the " +
		"check can still carry such taints, and AKS has had to fix operations failing on them; a template with one does " +
		"not deploy. The key is compared case-insensitively, as AKS and Terraform do.",
	Remediation: "Remove the other hard taints from the System pool (`--node-taints` replaces the list, so pass the " +
		"taints to keep); if the pool must repel pods for another purpose, make it a User pool and dedicate a separate " +
		"System pool with CriticalAddonsOnly=true:NoSchedule.",
	Sources: []rule.Source{
		{Title: "Azure/AKS#2578: SystemPoolHasRestrictedTaint", URL: "https://github.com/Azure/AKS/issues/2578"},
		{Title: "Azure/AKS#1833: CriticalAddonsOnly allowed on system pools", URL: "https://github.com/Azure/AKS/issues/1833"},
		srcAKSChangelog,
		srcSystemPools,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP024,
}

func checkSP024(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	var out []rule.Result
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("taints", orDefault(taintList(p.Taints), "none"))}}
		var bad []string
		for _, t := range userTaints(p.Taints) {
			if !isCriticalAddonsOnly(t) && !strings.EqualFold(t.Effect, "PreferNoSchedule") {
				bad = append(bad, t.String())
			}
		}
		if len(bad) == 0 {
			r.Status = rule.Pass
			r.Message = "System pool " + p.Name + " carries no taint AKS restricts"
			out = append(out, r)
			continue
		}
		r.Status = rule.Fail
		r.Message = "System pool " + p.Name + " carries taint(s) AKS does not allow on System pools: " + strings.Join(bad, ", ")
		r.Evidence = append(r.Evidence, ev("restrictedTaints", bad))
		r.Fix = azNodepool(c, "update", p.Name, nodeTaintsArg(systemPoolTaints(p.Taints)))
		out = append(out, r)
	}
	return out
}

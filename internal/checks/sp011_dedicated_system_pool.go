package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp011 = rule.Rule{
	ID:       "SP011",
	Title:    "A System pool is dedicated with the CriticalAddonsOnly taint",
	Category: catIsolation,
	Severity: rule.High,
	Rationale: "AKS only prefers System pools for its add-ons; without the CriticalAddonsOnly=true:NoSchedule taint the " +
		"scheduler also places application pods there, and a memory-hungry or crashing application can evict or starve " +
		"CoreDNS and konnectivity for the whole cluster. When User pools exist there is somewhere else for applications to " +
		"run, so at least one System pool should carry the taint (AKS add-ons tolerate it).",
	Remediation: "Taint a System pool with CriticalAddonsOnly=true:NoSchedule (keep any taints it already has: " +
		"--node-taints replaces the list), then restart application workloads that still run there.",
	Sources: []rule.Source{
		srcSystemPools,
		advisor("f31832f1-7e87-499d-a52a-120f610aba98", "Create a dedicated system node pool"),
		aprl("5ee083cd-6ac3-4a83-8913-9549dd36cf56", "Isolate system and application pods"),
		{Title: "Checkov CKV_AZURE_232: Ensure that only critical system pods run on system nodes",
			URL: "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/azure/AKSOnlyCriticalPodsOnSystemNodes.py"},
		srcReliability,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP011,
}

func checkSP011(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	var users []string
	for _, p := range c.Snap.Pools {
		if p.Mode == snapshot.ModeUser {
			users = append(users, p.Name)
		}
	}
	r := rule.Result{Resource: clusterResource(c)}
	if len(users) == 0 {
		r.Status = rule.Skip
		r.Message = "the cluster has no User pool, so applications have nowhere else to run: a dedicated System pool does not apply"
		r.Evidence = []rule.Evidence{ev("systemPools", poolNames(pools)), ev("userPools", 0)}
		return []rule.Result{r}
	}
	var taints []string
	for _, p := range pools {
		if t, ok := dedicatingTaint(p.Taints); ok {
			r.Status = rule.Pass
			r.Message = "System pool " + p.Name + " is dedicated with taint " + t.String()
			r.Evidence = []rule.Evidence{ev(p.Name+".taints", taintList(p.Taints)), ev("userPools", users)}
			return []rule.Result{r}
		}
		taints = append(taints, p.Name+"="+orDefault(taintList(p.Taints), "none"))
	}
	r.Status = rule.Fail
	r.Message = "no System pool carries CriticalAddonsOnly=true:NoSchedule although User pool(s) " +
		strings.Join(users, ", ") + " exist: application pods can be scheduled next to the system add-ons"
	r.Evidence = []rule.Evidence{ev("systemPoolTaints", taints), ev("userPools", users)}
	r.Fix = dedicateFix(c, pools[0])
	return []rule.Result{r}
}

// dedicateFix taints p with CriticalAddonsOnly=true:NoSchedule, keeping its other taints and
// replacing a CriticalAddonsOnly taint with a weaker effect.
func dedicateFix(c *rule.Context, p *snapshot.Pool) string {
	keep := []snapshot.Taint{{Key: taintCriticalAddonsOnly, Value: "true", Effect: "NoSchedule"}}
	for _, t := range userTaints(p.Taints) {
		if !isCriticalAddonsOnly(t) {
			keep = append(keep, t)
		}
	}
	return azNodepool(c, "update", p.Name, nodeTaintsArg(keep))
}

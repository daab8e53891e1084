package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp005 = rule.Rule{
	ID:       "SP005",
	Title:    "System pools are not stopped",
	Category: catAvailability,
	Severity: rule.High,
	Rationale: "AKS documents that System pools cannot be stopped; a stopped System pool has no nodes, so whatever " +
		"kube-system add-ons it hosted are squeezed onto other pools or stay Pending. This rule is about one pool being " +
		"stopped while the cluster runs; a whole cluster stopped with `az aks stop` is a deliberate state and is skipped.",
	Remediation: "Start the pool with `az aks nodepool start`.",
	Sources:     []rule.Source{srcStartStop, srcSystemPools},
	Needs:       []snapshot.DataKind{snapshot.KindPools},
	Check:       checkSP005,
}

func checkSP005(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	if res, ok := clusterStoppedSkip(c); ok {
		return res
	}
	var out []rule.Result
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("powerState", orUnset(p.PowerState))}}
		switch {
		case p.PowerState == "":
			r.Status = rule.Error
			r.Message = "pool " + p.Name + " has no powerState: cannot tell whether it is stopped"
		case strings.EqualFold(p.PowerState, "Stopped"):
			r.Status = rule.Fail
			r.Message = "System pool " + p.Name + " is stopped"
			r.Fix = azNodepool(c, "start", p.Name, "")
		default:
			r.Status = rule.Pass
			r.Message = "System pool " + p.Name + " is " + p.PowerState
		}
		out = append(out, r)
	}
	return out
}

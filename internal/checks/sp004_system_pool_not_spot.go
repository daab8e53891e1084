package checks

import (
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp004 = rule.Rule{
	ID:       "SP004",
	Title:    "System pools are not Spot",
	Category: catAvailability,
	Severity: rule.Critical,
	Rationale: "Azure may evict Spot VMs at any moment and with little notice; a System pool on Spot can lose every node " +
		"hosting CoreDNS and konnectivity at once. AKS documents that Spot pools can only be User pools, and the priority " +
		"of a pool cannot be changed after creation.",
	Remediation: "Add a regular-priority System pool, then switch the Spot pool to User mode for interruptible workloads.",
	Sources:     []rule.Source{srcSystemPools, srcSpot},
	Needs:       []snapshot.DataKind{snapshot.KindPools},
	Check:       checkSP004,
}

func checkSP004(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	var out []rule.Result
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p),
			Evidence: []rule.Evidence{ev("scaleSetPriority", orDefault(p.ScaleSetPriority, "Regular (unset)"))}}
		if p.IsSpot() {
			r.Status = rule.Fail
			r.Message = "System pool " + p.Name + " runs on Spot VMs, which Azure can evict at any time"
			r.Fix = toUserFix(c, p)
		} else {
			// An unset priority is Regular: that is the API default, not missing data.
			r.Status = rule.Pass
			r.Message = "System pool " + p.Name + " runs on regular-priority VMs"
		}
		out = append(out, r)
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

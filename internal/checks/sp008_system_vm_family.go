package checks

import (
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

var sp008 = rule.Rule{
	ID:       "SP008",
	Title:    "System pools use no burstable (B-series) or AKS-restricted VM sizes",
	Category: catCapacity,
	Severity: rule.Medium,
	Rationale: "B-series VMs earn CPU credits while idle and are throttled to a fraction of a core once the credits run " +
		"out, so system add-ons slow down exactly when the cluster is busy; the AKS docs say B-series is not supported for " +
		"System pools and Azure Advisor flags it in production, although the API has been reported to accept it. Sizes " +
		"AKS restricts (fewer than 2 vCPUs, such as Standard_A0, A1_v2, F1, B1s) may not be used for any node and fail critical.",
	Remediation: "VM size cannot be changed on a pool: add a System pool with a general-purpose size (for example " +
		recommendedSystemVMSize + "), then delete the burstable one.",
	Sources: []rule.Source{
		srcSystemPools,
		srcRestricted,
		advisor("fac2ad84-1421-4dd3-8477-9d6e605392b4", "Ensure B-series VMs aren't used in production environments"),
		srcReliability,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "recommendedVMSize", Default: recommendedSystemVMSize, Doc: "VM size proposed in fixes for a replacement System pool"},
	},
	Check: checkSP008,
}

func checkSP008(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	var out []rule.Result
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("vmSize", orUnset(p.VMSize))}}
		s := specFrom(p)
		s.vmSize = c.String("recommendedVMSize")
		size, known := vmsize.Lookup(p.VMSize)
		switch {
		case p.VMSize != "" && vmsize.Restricted(p.VMSize):
			// Restricted works on the name list even for sizes missing from the table.
			r.Status, r.Severity = rule.Fail, rule.Critical
			r.Message = "System pool " + p.Name + " uses " + p.VMSize + ", a size AKS restricts from node pools"
			r.Evidence = append(r.Evidence, ev("restricted", true))
			r.Fix = replaceFix(c, p, s, retireDelete)
		case !known:
			// The family cannot be told from node labels, and the table does not guess from the name.
			out = append(out, unknownSize(p, "VM family", false))
			continue
		case size.Burstable:
			r.Status = rule.Fail
			r.Message = "System pool " + p.Name + " uses burstable " + size.Name + " (" + size.Series + " series)"
			r.Evidence = append(r.Evidence, ev("series", size.Series), ev("burstable", true))
			r.Fix = replaceFix(c, p, s, retireDelete)
		default:
			r.Status = rule.Pass
			r.Message = "System pool " + p.Name + " uses " + size.Name + " (" + size.Series + " series, not burstable or restricted)"
			r.Evidence = append(r.Evidence, ev("series", size.Series))
		}
		out = append(out, r)
	}
	return out
}

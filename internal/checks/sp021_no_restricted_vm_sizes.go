package checks

import (
	"fmt"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

var sp021 = rule.Rule{
	ID:       "SP021",
	Title:    "No pool uses a VM size AKS restricts",
	Category: catCapacity,
	Severity: rule.Critical,
	Rationale: "AKS documents that VM sizes with fewer than 2 vCPUs (and Standard_A0, A1, A1_v2, F1, F1s by name) may not " +
		"be used for any node: the API refuses them (\"does not have enough CPU/memory to run as an AKS node\"), and " +
		"where such a pool exists the per-node DaemonSets alone exhaust it. This applies to User pools as much as to " +
		"System pools; SP008 reports the same sizes for System pools together with burstable ones.",
	Remediation: "VM size cannot be changed on a VMSS pool: add a pool with a supported size (at least 2 vCPUs) and the " +
		"same settings, then delete the restricted one.",
	Sources: []rule.Source{srcRestricted, srcQuotas,
		{Title: "hashicorp/terraform-provider-azurerm#1617: Standard_A0 rejected for AKS nodes",
			URL: "https://github.com/hashicorp/terraform-provider-azurerm/issues/1617"}},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "replacementVMSize", Default: recommendedSystemVMSize, Doc: "VM size proposed in fixes for a replacement pool"},
	},
	Check: checkSP021,
}

func checkSP021(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("vmSize", orUnset(p.VMSize))}}
		restricted := p.VMSize != "" && vmsize.Restricted(p.VMSize)
		sh, known := poolShape(c, p)
		switch {
		case restricted:
			// Restricted works on the name list even for sizes missing from the table.
			r.Message = p.Mode + " pool " + p.Name + " uses " + p.VMSize + ", a size AKS restricts from all node pools"
			r.Evidence = append(r.Evidence, ev("restricted", true), ev("restrictedNames", vmsize.RestrictedNames()))
			if known {
				r.Evidence = append(r.Evidence, ev("vcpu", sh.VCPU))
			}
		case !known:
			out = append(out, unknownSize(p, "vCPU count", true))
			continue
		case sh.VCPU < apiMinSystemVCPU:
			// A size outside the table whose node labels report one vCPU falls under the same rule.
			r.Message = fmt.Sprintf("%s pool %s uses %s with %d vCPU; AKS does not allow sizes under %d vCPUs",
				p.Mode, p.Name, orUnset(p.VMSize), sh.VCPU, apiMinSystemVCPU)
			r.Evidence = append(r.Evidence, ev("vcpu", sh.VCPU), ev("source", sh.From))
		default:
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("%s pool %s uses %s (%d vCPU), which AKS allows", p.Mode, p.Name, orUnset(p.VMSize), sh.VCPU)
			r.Evidence = append(r.Evidence, ev("vcpu", sh.VCPU), ev("source", sh.From), ev("restricted", false))
			out = append(out, r)
			continue
		}
		r.Status = rule.Fail
		s := specFor(p)
		s.vmSize = c.String("replacementVMSize")
		r.Fix = replaceFix(c, p, s, retireDelete)
		out = append(out, r)
	}
	return out
}

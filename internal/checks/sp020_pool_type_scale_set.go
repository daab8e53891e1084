package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Agent pool types (AgentPoolType in the AKS API).
const (
	poolTypeVMSS  = "VirtualMachineScaleSets"
	poolTypeVMs   = "VirtualMachines"
	poolTypeAvSet = "AvailabilitySet"
)

var sp020 = rule.Rule{
	ID:       "SP020",
	Title:    "Pools run on scale sets or Virtual Machines, not Availability Sets",
	Category: catConfiguration,
	Severity: rule.Critical,
	Rationale: "AKS stopped supporting Availability Set pools on 2025-09-30: such clusters are out of support, cannot " +
		"have more than one pool (so no dedicated System pool), and AKS migrates them to Virtual Machines node pools " +
		"through the auto-upgrader from 2026-09-30 unless migrated first. System pools and multiple pools need " +
		"VirtualMachineScaleSets (or the newer VirtualMachines) pools. Checkov CKV_AZURE_169 and PSRule " +
		"Azure.AKS.PoolScaleSet flag the same at a lower severity; syspool fails critical because the pool type is no " +
		"longer supported at all. An unset type is the API default, VirtualMachineScaleSets.",
	Remediation: "Migrate the cluster's Availability Set pools to Virtual Machines node pools with " +
		"`az aks update --migrate-vmas-to-vms` before AKS does it on its own schedule.",
	Sources: []rule.Source{
		{Title: "AKS docs: Availability Sets retirement (Azure/AKS#5021)", URL: "https://github.com/Azure/AKS/issues/5021"},
		{Title: "AKS release notes 2026-09-04: automatic VMAS migration, az aks update --migrate-vmas-to-vms",
			URL: "https://github.com/Azure/AKS/releases/tag/2026-09-04"},
		srcCreatePools,
		srcAgentPoolAPI,
		checkov("CKV_AZURE_169", "AKSPoolTypeIsScaleSet", "Ensure AKS nodes use scale sets"),
		psrule("Azure.AKS.PoolScaleSet", "Use VM Scale Sets"),
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP020,
}

func checkSP020(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("type", orDefault(p.Type, poolTypeVMSS+" (unset)"))}}
		switch {
		case p.Type == "" || strings.EqualFold(p.Type, poolTypeVMSS) || strings.EqualFold(p.Type, poolTypeVMs):
			r.Status = rule.Pass
			r.Message = "pool " + p.Name + " is a " + orDefault(p.Type, poolTypeVMSS) + " pool"
		case strings.EqualFold(p.Type, poolTypeAvSet):
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " runs on an Availability Set, which AKS no longer supports since 2025-09-30"
			r.Fix = azAKS(c, "update", "--migrate-vmas-to-vms")
		default:
			r.Status = rule.Error
			r.Message = "pool " + p.Name + " has type " + quote(p.Type) + ", which is not an AKS pool type (" +
				strings.Join([]string{poolTypeVMSS, poolTypeVMs, poolTypeAvSet}, ", ") + ")"
		}
		out = append(out, r)
	}
	return out
}

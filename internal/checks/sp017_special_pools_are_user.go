package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

var sp017 = rule.Rule{
	ID:       "SP017",
	Title:    "GPU, Windows and Spot pools are User pools",
	Category: catConfiguration,
	Severity: rule.Medium,
	Rationale: "GPU, Windows and Spot pools exist for particular workloads; in System mode they attract kube-system " +
		"add-ons, which then hold expensive GPU capacity, cannot run (Windows) or are evicted with the VM (Spot). AKS " +
		"rejects Windows and Spot System pools outright, which SP003 and SP004 report at critical; this rule judges every " +
		"pool's purpose against its mode and fails a GPU pool in System mode at medium, since AKS accepts it.",
	Remediation: "Switch the pool to User mode (`az aks nodepool update --mode User`); if it is the only System pool, add " +
		"a general-purpose Linux System pool first.",
	Sources: []rule.Source{
		srcSystemPools,
		srcSpot,
		{Title: "AKS docs: Use GPUs for compute-intensive workloads", URL: "https://learn.microsoft.com/azure/aks/use-nvidia-gpu"},
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP017,
}

func checkSP017(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		var kinds []string
		if p.IsWindows() {
			kinds = append(kinds, "Windows")
		}
		if p.IsSpot() {
			kinds = append(kinds, "Spot")
		}
		gpu, known := poolIsGPU(c, p)
		if gpu {
			kinds = append(kinds, "GPU")
		}
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("mode", orUnset(p.Mode)),
			ev("osType", orUnset(p.OSType)), ev("scaleSetPriority", orDefault(p.ScaleSetPriority, "Regular (unset)")),
			ev("vmSize", orUnset(p.VMSize)), ev("gpu", gpu)}}
		switch {
		case !p.IsSystem() && len(kinds) > 0:
			r.Status = rule.Pass
			r.Message = strings.Join(kinds, ", ") + " pool " + p.Name + " is a " + orUnset(p.Mode) + " pool"
		case !p.IsSystem():
			r.Status = rule.Pass
			r.Message = orUnset(p.Mode) + " pool " + p.Name + " is general-purpose"
		case len(kinds) > 0:
			r.Status = rule.Fail
			r.Message = strings.Join(kinds, ", ") + " pool " + p.Name + " is in System mode"
			if p.IsWindows() || p.IsSpot() {
				r.Message += " (AKS rejects Windows and Spot System pools: see SP003/SP004)"
			}
			r.Fix = toUserFix(c, p)
		case !known:
			// A System pool whose size is unknown may be a GPU pool; say so rather than pass it.
			out = append(out, unknownSize(p, "GPU capability", false))
			continue
		default:
			r.Status = rule.Pass
			r.Message = "System pool " + p.Name + " is a general-purpose Linux pool on regular VMs"
		}
		out = append(out, r)
	}
	return out
}

// poolIsGPU tells GPU pools from the size table or the accelerator label of their nodes. known is
// false when neither the table nor a node can tell.
func poolIsGPU(c *rule.Context, p *snapshot.Pool) (gpu, known bool) {
	if s, ok := vmsize.Lookup(p.VMSize); ok {
		return s.GPU, true
	}
	for _, n := range c.Index.NodesOf(p.Name) {
		if nodeIsGPU(c, n) {
			return true, true
		}
	}
	return false, false
}

// toUserFix switches p to User mode, adding a general-purpose System pool first when p is the
// only healthy candidate: AKS refuses to lose its last System pool.
func toUserFix(c *rule.Context, p *snapshot.Pool) string {
	for _, o := range c.Index.SystemPools() {
		if o.Name == p.Name || o.IsWindows() || o.IsSpot() {
			continue
		}
		if gpu, _ := poolIsGPU(c, o); !gpu {
			return azNodepool(c, "update", p.Name, "--mode User")
		}
	}
	s := specFrom(p)
	s.vmSize = recommendedSystemVMSize
	s.osType = "Linux"
	return replaceFix(c, p, s, retireToUser)
}

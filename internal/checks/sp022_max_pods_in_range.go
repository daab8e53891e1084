package checks

import (
	"fmt"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// apiMaxMaxPods is the highest maxPods AKS accepts on any node; apiMinMaxPods (SP009) the lowest.
const apiMaxMaxPods = 250

var sp022 = rule.Rule{
	ID:       "SP022",
	Title:    "Every pool's maxPods is within 10 to 250",
	Category: catCapacity,
	Severity: rule.Critical,
	Rationale: "AKS enforces 10 ≤ maxPods ≤ 250 per node on every pool, and maxPods cannot be changed once the pool " +
		"exists. A value outside the range in a template fails the deployment; in a capture it means the data was edited " +
		"by hand. An unset maxPods takes the network plugin's default (30 for legacy Azure CNI, 110 for kubenet and CNI " +
		"with a pod subnet, 250 for CNI Overlay), which is always in range. SP009 separately checks that System pools " +
		"hold the 30 pods AKS requires, and SP023 the 50-pod recommendation of third-party tools.",
	Remediation: "maxPods is immutable: add a pool with `--max-pods` in range and the same settings, then delete the old one.",
	Sources:     []rule.Source{srcIPPlanning, srcSystemPools, srcCreatePools},
	Needs:       []snapshot.DataKind{snapshot.KindPools},
	Check:       checkSP022,
}

func checkSP022(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("maxPods", p.MaxPods),
			ev("range", fmt.Sprintf("%d..%d", apiMinMaxPods, apiMaxMaxPods))}}
		switch {
		case p.MaxPods == nil:
			r.Status = rule.Pass
			r.Message = "pool " + p.Name + " leaves maxPods to the network plugin's default, which is within range"
		case *p.MaxPods < apiMinMaxPods || *p.MaxPods > apiMaxMaxPods:
			r.Status = rule.Fail
			r.Message = fmt.Sprintf("pool %s has maxPods %d, outside the %d..%d AKS accepts", p.Name, *p.MaxPods,
				apiMinMaxPods, apiMaxMaxPods)
			mp := min(max(*p.MaxPods, apiMinMaxPods), apiMaxMaxPods)
			s := specFor(p)
			s.maxPods = &mp
			r.Fix = replaceFix(c, p, s, retireDelete)
		default:
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("pool %s has maxPods %d", p.Name, *p.MaxPods)
		}
		out = append(out, r)
	}
	return out
}

package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// apiMaxPoolNodes is the most nodes AKS allows in one pool (count, minCount and maxCount).
const apiMaxPoolNodes = 1000

var sp026 = rule.Rule{
	ID:       "SP026",
	Title:    "Node counts and autoscaler bounds are within what AKS accepts",
	Category: catConfiguration,
	Severity: rule.Critical,
	Rationale: "AKS accepts 1 to 1000 nodes in a System pool and 0 to 1000 in a User pool; with the cluster autoscaler, " +
		"minCount must be at least 1 on a System pool (\"It must be greater or equal to minCount:1 … The node is a system " +
		"pool\") and may not exceed maxCount. The count that matters is minCount when the autoscaler owns the pool and " +
		"count otherwise (research S-04): an autoscaled System pool with count 3 but minCount 0 can shrink to nothing. " +
		"Values outside these bounds in a template fail the deployment; SP006 separately asks System pools for three " +
		"nodes.",
	Remediation: "Set count, or the autoscaler's --min-count and --max-count, within the bounds " +
		"(`az aks nodepool update --update-cluster-autoscaler --min-count 1 --max-count 5`, `az aks nodepool scale`).",
	Sources: []rule.Source{srcSystemPools, srcCreatePools, srcAgentPoolAPI,
		{Title: "kubernetes-sigs/cluster-api-provider-azure#5947: system pool minCount must be at least 1",
			URL: "https://github.com/kubernetes-sigs/cluster-api-provider-azure/issues/5947"}},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP026,
}

func checkSP026(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		out = append(out, judgeCounts(c, &c.Snap.Pools[i]))
	}
	return out
}

func judgeCounts(c *rule.Context, p *snapshot.Pool) rule.Result {
	floor := 0
	if p.IsSystem() {
		floor = 1
	}
	r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("mode", orUnset(p.Mode)),
		ev("enableAutoScaling", p.EnableAutoScaling), ev("count", p.Count)}}
	var bad []string
	// lo and hi are what the fix sets: the pool's own values moved into bounds.
	lo, hi := 0, 0
	if p.EnableAutoScaling {
		r.Evidence = append(r.Evidence, ev("minCount", p.MinCount), ev("maxCount", p.MaxCount))
		if p.MinCount == nil || p.MaxCount == nil {
			r.Status = rule.Error
			r.Message = "pool " + p.Name + " has the autoscaler enabled but no minCount or maxCount: cannot check its bounds"
			return r
		}
		lo, hi = *p.MinCount, *p.MaxCount
		if lo < floor {
			bad = append(bad, fmt.Sprintf("minCount %d is below %d", lo, floor))
			lo = floor
		}
		if hi > apiMaxPoolNodes {
			bad = append(bad, fmt.Sprintf("maxCount %d is above %d", hi, apiMaxPoolNodes))
			hi = apiMaxPoolNodes
		}
		if lo > hi {
			bad = append(bad, fmt.Sprintf("minCount %d exceeds maxCount %d", lo, hi))
			hi = lo
		}
	} else {
		if p.Count == nil {
			r.Status = rule.Error
			r.Message = "pool " + p.Name + " has no count: cannot check its size"
			return r
		}
		lo = *p.Count
		if lo < floor {
			bad = append(bad, fmt.Sprintf("count %d is below %d", lo, floor))
			lo = floor
		}
		if lo > apiMaxPoolNodes {
			bad = append(bad, fmt.Sprintf("count %d is above %d", lo, apiMaxPoolNodes))
			lo = apiMaxPoolNodes
		}
	}
	r.Evidence = append(r.Evidence, ev("allowed", fmt.Sprintf("%d..%d", floor, apiMaxPoolNodes)))
	if len(bad) == 0 {
		r.Status = rule.Pass
		r.Message = p.Mode + " pool " + p.Name + " keeps its node count within " + fmt.Sprintf("%d..%d", floor, apiMaxPoolNodes)
		return r
	}
	r.Status = rule.Fail
	r.Message = p.Mode + " pool " + p.Name + ": " + strings.Join(bad, "; ")
	if p.EnableAutoScaling {
		r.Fix = azNodepool(c, "update", p.Name, "--update-cluster-autoscaler --min-count "+strconv.Itoa(lo)+
			" --max-count "+strconv.Itoa(hi))
	} else {
		r.Fix = azNodepool(c, "scale", p.Name, "--node-count "+strconv.Itoa(lo))
	}
	return r
}

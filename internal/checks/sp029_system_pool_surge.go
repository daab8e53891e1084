package checks

import (
	"fmt"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// The drain timeout range the rolling-upgrade docs give, in minutes (default 30).
const (
	minDrainTimeout = 5
	maxDrainTimeout = 24 * 60
)

var sp029 = rule.Rule{
	ID:       "SP029",
	Title:    "System pools set maxSurge, at most a third of the pool, and a sane drain timeout",
	Category: catAvailability,
	Severity: rule.Low,
	Rationale: "During an upgrade AKS drains as many system nodes at once as maxSurge adds. The AKS docs recommend " +
		"setting maxSurge to 33% on production pools: unset, AKS applies its default (10% of the pool, rounded up, on " +
		"current API versions; one node on older ones), which for a System pool of up to 10 nodes is one node at a time: " +
		"safe, but it makes " +
		"upgrades of larger System pools slow (low). Above a third (for example 100%, which drains every node at once) the " +
		"add-ons lose most of their nodes together and CoreDNS or konnectivity can run short while PDBs hold the drain " +
		"(medium); the threshold is a parameter, and Checkov's proposed CKV_AZURE_243 used the same 33% ceiling. The " +
		"drain timeout (default 30 minutes) must stay within the 5 to 1440 minutes the docs give; past it a drain blocked " +
		"by a PDB fails the upgrade.",
	Remediation: "Set `--max-surge 33%` on the System pool and a drain timeout suited to the longest-running pods " +
		"(`az aks nodepool update --max-surge 33% --drain-timeout 30`).",
	Sources: []rule.Source{srcRollingUpgrade, srcAgentPoolAPI,
		{Title: "AKS baseline reference implementation: system pool maxSurge 33%",
			URL: "https://github.com/mspnp/aks-baseline/blob/main/workload-team/cluster-stamp.bicep"}},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "maxSurgePercent", Default: 33, Doc: "largest share of a System pool's nodes (in percent) an upgrade may surge and drain at once"},
	},
	Check: checkSP029,
}

func checkSP029(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	limit := c.Int("maxSurgePercent")
	var out []rule.Result
	for _, p := range pools {
		u := p.Upgrade
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("maxSurge", orUnset(u.MaxSurge)),
			ev("maxSurgePercent", limit), ev("drainTimeoutInMinutes", u.DrainTimeoutInMinutes)}}
		over, desc, ok := surgeOver(p, limit)
		switch {
		case u.MaxSurge == "":
			r.Status = rule.Fail
			r.Message = "System pool " + p.Name + " does not set maxSurge: upgrades surge by the API default (10%, " +
				"rounded up: one node for up to 10 nodes); " +
				recommendedMaxSurge + " is recommended for production"
			r.Fix = azNodepool(c, "update", p.Name, "--max-surge "+recommendedMaxSurge)
		case !ok:
			r.Status = rule.Error
			r.Message = "System pool " + p.Name + ": " + desc
		case over:
			r.Status, r.Severity = rule.Fail, rule.Medium
			r.Message = fmt.Sprintf("System pool %s surges and drains %s at once, more than %d%% of its nodes", p.Name, desc, limit)
			r.Fix = azNodepool(c, "update", p.Name, "--max-surge "+recommendedMaxSurge)
		case u.DrainTimeoutInMinutes != nil && (*u.DrainTimeoutInMinutes < minDrainTimeout || *u.DrainTimeoutInMinutes > maxDrainTimeout):
			r.Status = rule.Fail
			r.Message = fmt.Sprintf("System pool %s has a drain timeout of %d minutes, outside the %d..%d the docs give",
				p.Name, *u.DrainTimeoutInMinutes, minDrainTimeout, maxDrainTimeout)
			r.Fix = azNodepool(c, "update", p.Name, "--drain-timeout 30")
		default:
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("System pool %s surges %s during upgrades", p.Name, desc)
		}
		out = append(out, r)
	}
	return out
}

// surgeOver reports whether maxSurge drains more than limit percent of the pool at once. A
// percentage is compared as is; a node count against the nodes the pool keeps (minCount under the
// autoscaler, else count), with limit rounded up to whole nodes as AKS rounds percentages, so
// "1" on a 3-node pool is the 33% the docs recommend.
func surgeOver(p *snapshot.Pool, limit int) (over bool, desc string, ok bool) {
	n, percent, ok := intOrPercent(p.Upgrade.MaxSurge)
	if !ok {
		return false, "maxSurge " + quote(p.Upgrade.MaxSurge) + " is neither a count nor a percentage", false
	}
	if percent {
		return n > limit, p.Upgrade.MaxSurge, true
	}
	nodes, field, ok := minNodes(p)
	if !ok || nodes <= 0 {
		return false, "maxSurge is a node count and the pool's " + field + " is unknown, so its share cannot be computed", false
	}
	allowed := (limit*nodes + 99) / 100
	return n > allowed, fmt.Sprintf("%s of %s", plural(n, "node", "nodes"), plural(nodes, "node", "nodes")), true
}

package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// recommendedMaxSurge is the docs' production recommendation for maxSurge (research R-09).
const recommendedMaxSurge = "33%"

var sp028 = rule.Rule{
	ID:       "SP028",
	Title:    "Upgrade settings are ones AKS accepts: no maxUnavailable on System pools, some surge otherwise",
	Category: catConfiguration,
	Severity: rule.Critical,
	Rationale: "AKS does not allow maxUnavailable on System pools: in-place upgrades would cordon and drain system nodes " +
		"without replacements, taking CoreDNS and konnectivity capacity away during the upgrade. On any pool, when " +
		"maxUnavailable is 0 (its default) maxSurge must be above 0, or the upgrade could neither add nor take away a " +
		"node and cannot progress. Both are enforced by the API, so a template carrying them fails to deploy.",
	Remediation: "Set `--max-unavailable 0` and a surge (`--max-surge 33%`) on System pools; on other pools give " +
		"maxSurge a value above 0 whenever maxUnavailable is 0 (`az aks nodepool update --max-surge 33%`).",
	Sources: []rule.Source{srcRollingUpgrade, srcAgentPoolAPI},
	Needs:   []snapshot.DataKind{snapshot.KindPools},
	Check:   checkSP028,
}

func checkSP028(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		out = append(out, judgeUpgradeSettings(c, &c.Snap.Pools[i]))
	}
	return out
}

func judgeUpgradeSettings(c *rule.Context, p *snapshot.Pool) rule.Result {
	u := p.Upgrade
	r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("mode", orUnset(p.Mode)),
		ev("maxSurge", orDefault(u.MaxSurge, "unset (API default: 10%, or 1 node on older API versions)")), ev("maxUnavailable", orDefault(u.MaxUnavailable, "unset (0)"))}}
	surge, unavailable := 1, 0 // the API defaults
	var malformed []string
	if u.MaxSurge != "" {
		n, _, ok := intOrPercent(u.MaxSurge)
		if !ok {
			malformed = append(malformed, "maxSurge "+quote(u.MaxSurge))
		}
		surge = n
	}
	if u.MaxUnavailable != "" {
		n, _, ok := intOrPercent(u.MaxUnavailable)
		if !ok {
			malformed = append(malformed, "maxUnavailable "+quote(u.MaxUnavailable))
		}
		unavailable = n
	}
	if len(malformed) > 0 {
		r.Status = rule.Error
		r.Message = "pool " + p.Name + " has " + strings.Join(malformed, " and ") + ", which is neither a count nor a percentage"
		return r
	}
	switch {
	case p.IsSystem() && unavailable > 0:
		r.Status = rule.Fail
		r.Message = "System pool " + p.Name + " sets maxUnavailable " + u.MaxUnavailable + ", which AKS does not allow on System pools"
		s := u.MaxSurge
		if surge == 0 || s == "" {
			s = recommendedMaxSurge
		}
		r.Fix = azNodepool(c, "update", p.Name, "--max-unavailable 0 --max-surge "+shellQuote(s))
	case unavailable == 0 && surge == 0:
		r.Status = rule.Fail
		r.Message = "pool " + p.Name + " has maxSurge " + u.MaxSurge + " with maxUnavailable 0: an upgrade can neither " +
			"add nor remove a node, which AKS rejects"
		r.Fix = azNodepool(c, "update", p.Name, "--max-surge "+recommendedMaxSurge)
	default:
		r.Status = rule.Pass
		r.Message = "pool " + p.Name + " has upgrade settings AKS accepts"
	}
	return r
}

package checks

import (
	"slices"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp018 = rule.Rule{
	ID:       "SP018",
	Title:    "Every pool has a valid mode: System, User or Gateway",
	Category: catConfiguration,
	Severity: rule.Critical,
	Rationale: "AKS compares the pool mode case-sensitively: only \"System\", \"User\" and \"Gateway\" are modes. Until " +
		"2025-01-01 any other value (\"system\", \"Sys\") was silently treated as User, so a pool meant to be the System " +
		"pool may have been a User pool all along; since then the API rejects such values, so a template carrying one no " +
		"longer deploys and a cluster holding one cannot be updated. A pool without any mode comes from a source written " +
		"for an API version before 2020-03-01, when modes did not exist: AKS treats it as User, which is a low finding " +
		"asking to set the mode explicitly (newer API versions require it).",
	Remediation: "Set the mode explicitly and spelled as the API spells it: `az aks nodepool update --mode System` (or " +
		"User) for a live cluster, and `mode: 'System'` in ARM, Bicep or Terraform (`mode = \"System\"`).",
	Sources: []rule.Source{srcAKSChangelog, {Title: "Azure/AKS#4468: agent pool mode values are validated",
		URL: "https://github.com/Azure/AKS/issues/4468"}, srcSystemPools, srcAgentPoolAPI},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP018,
}

func checkSP018(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("mode", orUnset(p.Mode)),
			ev("validModes", validModes)}}
		switch {
		case p.ModeDefaulted:
			r.Status, r.Severity = rule.Fail, rule.Low
			r.Message = "pool " + p.Name + " has no mode in the source, which predates API version 2020-03-01: AKS " +
				"treats it as " + orDefault(p.Mode, snapshot.ModeUser) + "; set the mode explicitly"
			r.Evidence = append(r.Evidence, ev("modeDefaulted", true))
			r.Fix = azNodepool(c, "update", p.Name, "--mode "+defaultedModeFix(c, p))
		case slices.Contains(validModes, p.Mode):
			r.Status = rule.Pass
			r.Message = "pool " + p.Name + " has mode " + p.Mode
		case p.Mode == "":
			r.Status = rule.Error
			r.Message = "pool " + p.Name + " has no mode: cannot tell whether it is a System pool"
		default:
			want := canonicalMode(p.Mode)
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " has mode " + quote(p.Mode) + ", which the API rejects since 2025-01-01 " +
				"and treated as User before"
			if strings.EqualFold(p.Mode, want) {
				r.Message += " (the API compares the mode case-sensitively: it must be spelled " + quote(want) + ")"
			}
			r.Fix = azNodepool(c, "update", p.Name, "--mode "+want)
		}
		out = append(out, r)
	}
	return out
}

// defaultedModeFix picks the mode to write down for a pool that had none: System when the capture
// has no System pool and this pool could be one (Linux, not Spot), else the User AKS assumed.
func defaultedModeFix(c *rule.Context, p *snapshot.Pool) string {
	if len(c.Index.SystemPools()) > 0 || p.IsWindows() || p.IsSpot() {
		return snapshot.ModeUser
	}
	for i := range c.Snap.Pools {
		q := &c.Snap.Pools[i]
		if !q.IsWindows() && !q.IsSpot() {
			// Only the first candidate is promoted; one System pool is enough to satisfy the API.
			if q.Name == p.Name {
				return snapshot.ModeSystem
			}
			break
		}
	}
	return snapshot.ModeUser
}

func quote(s string) string { return "\"" + s + "\"" }

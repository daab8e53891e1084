package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// AKS pool names: lowercase alphanumerics starting with a lowercase letter, at most 12
// characters on Linux and 6 on Windows (research H-15).
const (
	maxLinuxPoolName   = 12
	maxWindowsPoolName = 6
)

var poolNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

var sp019 = rule.Rule{
	ID:       "SP019",
	Title:    "Pool names are valid AKS pool names",
	Category: catConfiguration,
	Severity: rule.Critical,
	Rationale: "AKS accepts only lowercase alphanumeric pool names that start with a lowercase letter, 1 to 12 " +
		"characters for Linux pools and 1 to 6 for Windows pools (the Windows computer name is derived from it). A name " +
		"outside that form in a template or a desired-state file fails the deployment; in a capture it means the data was " +
		"edited or comes from a tool that renamed the pool. A pool cannot be renamed.",
	Remediation: "Pools cannot be renamed: add a pool with a valid name and the same settings, then delete the old one " +
		"(for a System pool, add the new System pool first; AKS refuses to delete the last one).",
	Sources: []rule.Source{srcSystemPools, srcCreatePools},
	Needs:   []snapshot.DataKind{snapshot.KindPools},
	Check:   checkSP019,
}

func checkSP019(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		limit := maxLinuxPoolName
		if p.IsWindows() {
			limit = maxWindowsPoolName
		}
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("name", p.Name),
			ev("length", len(p.Name)), ev("maxLength", limit), ev("osType", orUnset(p.OSType))}}
		var bad []string
		if !poolNamePattern.MatchString(p.Name) {
			bad = append(bad, "it must be lowercase letters and digits starting with a letter")
		}
		if len(p.Name) > limit {
			bad = append(bad, fmt.Sprintf("it is longer than %d characters", limit))
		}
		if len(bad) == 0 {
			r.Status = rule.Pass
			r.Message = "pool name " + quote(p.Name) + " is valid"
			out = append(out, r)
			continue
		}
		r.Status = rule.Fail
		r.Message = "pool name " + quote(p.Name) + " is not a valid AKS pool name: " + strings.Join(bad, " and ")
		s := specFor(p)
		s.name = validPoolName(p.Name, limit)
		r.Fix = replaceFix(c, p, s, retireDelete)
		out = append(out, r)
	}
	return out
}

// validPoolName derives a valid name from an invalid one: lowercase, alphanumerics only, a letter
// first, and room for a "v2" suffix within limit so it differs from the old name.
func validPoolName(name string, limit int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	base := b.String()
	if base == "" || base[0] < 'a' || base[0] > 'z' {
		base = "np" + base
	}
	if len(base) > limit-2 {
		base = base[:limit-2]
	}
	return base + "v2"
}

package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp003 = rule.Rule{
	ID:       "SP003",
	Title:    "System pools run Linux",
	Category: catConfiguration,
	Severity: rule.Critical,
	Rationale: "The kube-system add-ons AKS runs on System pools (CoreDNS, konnectivity-agent, metrics-server) are Linux " +
		"images, and AKS requires every System pool to be Linux; a Windows pool in System mode means the add-ons cannot land " +
		"on it and the capture or the cluster is in a state the API does not accept.",
	Remediation: "Add a Linux System pool, then switch the Windows pool to User mode (a pool's OS cannot be changed).",
	Sources:     []rule.Source{srcSystemPools, srcCreatePools},
	Needs:       []snapshot.DataKind{snapshot.KindPools},
	Check:       checkSP003,
}

func checkSP003(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	var out []rule.Result
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("osType", orUnset(p.OSType))}}
		if p.OSSKU != "" {
			r.Evidence = append(r.Evidence, ev("osSku", p.OSSKU))
		}
		switch {
		case p.OSType == "":
			r.Status = rule.Error
			r.Message = "pool " + p.Name + " has no osType: cannot tell whether it runs Linux"
		case strings.EqualFold(p.OSType, "Linux"):
			r.Status = rule.Pass
			r.Message = "System pool " + p.Name + " runs Linux"
		default:
			r.Status = rule.Fail
			r.Message = "System pool " + p.Name + " runs " + p.OSType + ": System pools must be Linux"
			r.Fix = toUserFix(c, p)
		}
		out = append(out, r)
	}
	return out
}

package checks

import (
	"github.com/syspool/syspool/internal/aksversion"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp032 = rule.Rule{
	ID:       "SP032",
	Title:    "Pools run the control plane's Kubernetes version",
	Category: catHealth,
	Severity: rule.Low,
	Rationale: "Pools on an older version than the control plane are allowed within the skew SP031 checks, but they " +
		"miss the fixes of the newer patch or minor, make behaviour differ between pools, and are usually the remains " +
		"of an upgrade that stopped half way. The AKS node pool upgrade guidance and PSRule Azure.AKS.PoolVersion " +
		"recommend keeping every pool on the control plane's version. Patches are compared only when both sides give " +
		"one (a requested version may be a minor alias). Skews beyond what AKS allows are SP031's, at a higher severity.",
	Remediation: "Upgrade the pool to the control plane's version (`az aks nodepool upgrade --kubernetes-version`).",
	Sources:     []rule.Source{srcUpgradeNodePools, psrule("Azure.AKS.PoolVersion", "Upgrade AKS node pool version")},
	Needs:       []snapshot.DataKind{snapshot.KindCluster, snapshot.KindPools},
	Check:       checkSP032,
}

func checkSP032(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	craw, cfield := clusterVersion(c)
	cp, cerr := aksversion.ParseVersion(craw)
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		praw, pfield := poolVersion(p)
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("controlPlane."+cfield, orUnset(craw)),
			ev(pfield, orUnset(praw))}}
		pv, perr := aksversion.ParseVersion(praw)
		switch {
		case craw == "" || praw == "":
			r.Status = rule.Error
			r.Message = "the version of the control plane or of pool " + p.Name + " was not captured"
		case cerr != nil || perr != nil:
			r.Status = rule.Error
			r.Message = "cannot compare versions: " + firstErr(cerr, perr).Error()
		case newerThan(cp, pv):
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " runs " + praw + ", older than the control plane's " + craw
			r.Fix = azNodepool(c, "upgrade", p.Name, "--kubernetes-version "+cp.String())
		case newerThan(pv, cp):
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " runs " + praw + ", newer than the control plane's " + craw + " (SP031 reports this as critical)"
			r.Fix = azAKS(c, "upgrade", "--control-plane-only --kubernetes-version "+pv.String())
		default:
			r.Status = rule.Pass
			r.Message = "pool " + p.Name + " runs the control plane's version " + craw
		}
		out = append(out, r)
	}
	return out
}

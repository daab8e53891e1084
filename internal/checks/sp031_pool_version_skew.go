package checks

import (
	"fmt"

	"github.com/syspool/syspool/internal/aksversion"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp031 = rule.Rule{
	ID:       "SP031",
	Title:    "No pool is newer than the control plane or further behind than AKS allows",
	Category: catHealth,
	Severity: rule.High,
	Rationale: "A kubelet must never be newer than the API server, and AKS refuses to upgrade a pool past its control " +
		"plane (critical). How far behind a pool may fall is where the sources disagree: the Kubernetes version skew " +
		"policy and the AKS control plane upgrade page (for control planes from 1.28) allow three minor versions, while " +
		"the AKS node pool upgrade page still says pools must stay within two. A pool beyond the allowed skew blocks the " +
		"next control plane upgrade and runs kubelets outside the tested combinations. syspool defaults to the stricter " +
		"two (maxMinorSkew), which the policy can raise to three.",
	Remediation: "Upgrade lagging pools to the control plane's version (`az aks nodepool upgrade --kubernetes-version`); " +
		"a pool newer than the control plane means the control plane upgrade was left half done: finish it with " +
		"`az aks upgrade --control-plane-only`.",
	Sources: []rule.Source{srcUpgradeControlPlane, srcUpgradeNodePools, srcK8sVersionSkew, srcSupportedVersions},
	Needs:   []snapshot.DataKind{snapshot.KindCluster, snapshot.KindPools},
	Params: []rule.Param{
		{Name: "maxMinorSkew", Default: 2,
			Doc: "minor versions a pool may trail the control plane (upgrade-node-pools: 2; control plane docs and upstream: 3)"},
	},
	Check: checkSP031,
}

func checkSP031(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	limit := c.Int("maxMinorSkew")
	craw, cfield := clusterVersion(c)
	cp, cerr := aksversion.ParseVersion(craw)
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		praw, pfield := poolVersion(p)
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("controlPlane."+cfield, orUnset(craw)),
			ev(pfield, orUnset(praw)), ev("maxMinorSkew", limit)}}
		pv, perr := aksversion.ParseVersion(praw)
		switch {
		case craw == "" || praw == "":
			r.Status = rule.Error
			r.Message = "the version of the control plane or of pool " + p.Name + " was not captured"
			out = append(out, r)
			continue
		case cerr != nil || perr != nil:
			r.Status = rule.Error
			r.Message = "cannot compare versions: " + firstErr(cerr, perr).Error()
			out = append(out, r)
			continue
		}
		skew := aksversion.MinorSkew(cp, pv)
		r.Evidence = append(r.Evidence, ev("minorSkew", skew))
		switch {
		case newerThan(pv, cp):
			r.Status, r.Severity = rule.Fail, rule.Critical
			r.Message = fmt.Sprintf("pool %s runs %s, newer than the control plane's %s", p.Name, praw, craw)
			r.Fix = azAKS(c, "upgrade", "--control-plane-only --kubernetes-version "+pv.String())
		case skew > limit:
			r.Status = rule.Fail
			r.Message = fmt.Sprintf("pool %s runs %s, %d minor versions behind the control plane's %s (at most %d allowed)",
				p.Name, praw, skew, craw, limit)
			r.Fix = azNodepool(c, "upgrade", p.Name, "--kubernetes-version "+cp.String())
		default:
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("pool %s runs %s, %d minor versions behind the control plane's %s", p.Name, praw, skew, craw)
		}
		out = append(out, r)
	}
	return out
}

// newerThan reports whether a is a later version than b; patches count only when both have one
// (the requested version may be a minor alias such as "1.35").
func newerThan(a, b aksversion.Version) bool {
	if a.Minor != b.Minor {
		return a.Minor > b.Minor
	}
	return a.HasPatch && b.HasPatch && a.Patch > b.Patch
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/aksversion"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// supportPlanLTS is the supportPlan of a cluster with AKS Long Term Support enabled.
const supportPlanLTS = "AKSLongTermSupport"

var sp030 = rule.Rule{
	ID:       "SP030",
	Title:    "The control plane and every pool run a supported Kubernetes version",
	Category: catHealth,
	Severity: rule.High,
	Rationale: "AKS supports the three newest GA minor versions (N-2), each for about a year; N-3 gets platform support " +
		"only (no Kubernetes fixes) and older versions none. Past end of life the system add-ons AKS runs on the System " +
		"pool stop receiving fixes, and AKS may upgrade the cluster on its own schedule. syspool places each version in " +
		"the dated AKS release calendar it embeds (aksversion) at the run's clock (--now): N-3 and older fail high, a " +
		"supported version whose end of life falls within nearEOLDays fails medium, a preview version fails low. A " +
		"cluster with Long Term Support (supportPlan AKSLongTermSupport) keeps a minor supported until its LTS end.",
	Remediation: "Upgrade the cluster one minor version at a time (`az aks upgrade --kubernetes-version 1.N`); from an " +
		"unsupported version AKS allows a direct upgrade to the oldest supported minor. Upgrade lagging pools to the " +
		"control plane's version with `az aks nodepool upgrade`.",
	Sources: []rule.Source{srcSupportedVersions, srcUpgradeControlPlane, srcUpgradeNodePools,
		checklist("e189c599-df0d-45a7-9dd4-ce32c1881370", "Regular k8s version upgrade process or AKS autoupgrade"),
		psrule("Azure.AKS.Version", "Upgrade Kubernetes version")},
	Needs: []snapshot.DataKind{snapshot.KindCluster, snapshot.KindPools},
	Params: []rule.Param{
		{Name: "nearEOLDays", Default: 60, Doc: "days before a minor version's end of life from which it fails medium"},
	},
	Check: checkSP030,
}

func checkSP030(c *rule.Context) []rule.Result {
	cal := aksversion.Default()
	window := time.Duration(c.Int("nearEOLDays")) * 24 * time.Hour
	raw, field := clusterVersion(c)
	cp := cal.StatusOf(raw, c.Now, window)
	out := []rule.Result{judgeVersion(c, clusterResource(c), "the control plane", raw, field, cp, window)}
	if out[0].Status == rule.Fail {
		out[0].Fix = clusterUpgradeFix(c, cal, cp)
	}
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		praw, pfield := poolVersion(p)
		st := cal.StatusOf(praw, c.Now, window)
		r := judgeVersion(c, poolResource(p), "pool "+p.Name, praw, pfield, st, window)
		if r.Status == rule.Fail {
			r.Fix = poolUpgradeFix(c, cal, p, st, cp)
		}
		out = append(out, r)
	}
	return out
}

// judgeVersion turns one support status into a result; what names the subject in messages. The
// caller sets the fix, which depends on whether it is the control plane or a pool.
func judgeVersion(c *rule.Context, res rule.Resource, what, raw, field string, st aksversion.Status,
	window time.Duration) rule.Result {
	r := rule.Result{Resource: res, Evidence: []rule.Evidence{ev(field, orUnset(raw)), ev("support", st.Support),
		ev("calendarAsOf", aksversion.AsOf), ev("now", c.Now.UTC().Format(time.DateOnly)),
		ev("nearEOLDays", int(window/(24*time.Hour)))}}
	if st.Newest.Version != (aksversion.Version{}) {
		r.Evidence = append(r.Evidence, ev("newestGA", st.Newest.Version), ev("behind", fmt.Sprintf("N-%d", st.Behind)))
	}
	if st.Release.Version != (aksversion.Version{}) {
		r.Evidence = append(r.Evidence, ev("endOfLife", st.Release.EOL))
		if st.Release.LTS {
			r.Evidence = append(r.Evidence, ev("ltsEnd", st.Release.LTSEnd))
		}
	}
	lts := strings.EqualFold(c.Snap.Cluster.SupportPlan, supportPlanLTS)
	r.Evidence = append(r.Evidence, ev("supportPlan", orUnset(c.Snap.Cluster.SupportPlan)))
	switch {
	case raw == "":
		r.Status = rule.Error
		r.Message = "the version of " + what + " was not captured"
		return r
	case st.Support == aksversion.Unknown:
		r.Status = rule.Error
		r.Message = "cannot place version " + raw + " of " + what + " in the AKS release calendar: " + st.Reason
		return r
	case st.Support == aksversion.Supported:
		r.Status = rule.Pass
		r.Message = what + " runs " + raw + ": " + st.Reason
		return r
	case lts && st.LTSAvailable && st.Support != aksversion.Preview:
		r.Status = rule.Pass
		r.Message = fmt.Sprintf("%s runs %s under Long Term Support until %s: %s", what, raw, st.Release.LTSEnd, st.Reason)
		return r
	}
	r.Status = rule.Fail
	r.Message = what + " runs " + raw + ", " + st.Support.String() + ": " + st.Reason
	switch st.Support {
	case aksversion.NearEOL:
		r.Severity = rule.Medium
	case aksversion.Preview:
		r.Severity = rule.Low
		r.Message += "; preview versions carry no support commitment"
	}
	if st.LTSAvailable && !lts && st.Support != aksversion.Preview {
		r.Message += fmt.Sprintf(" (LTS would keep %s supported until %s if the cluster enabled it)", st.Release.Version, st.Release.LTSEnd)
	}
	return r
}

// upgradeTarget is the minor to upgrade to: the next one for a supported version nearing its
// end of life, the oldest supported minor (N-2) for one already out of support, which is the one
// skip AKS allows.
func upgradeTarget(cal aksversion.Calendar, st aksversion.Status) (aksversion.Version, bool) {
	n := st.Newest.Version
	if n == (aksversion.Version{}) {
		return aksversion.Version{}, false
	}
	next := aksversion.Version{Major: 1, Minor: st.Version.Minor + 1}
	if oldest := (aksversion.Version{Major: 1, Minor: n.Minor - 2}); next.Minor < oldest.Minor {
		next = oldest
	}
	if next.Minor > n.Minor {
		return aksversion.Version{}, false
	}
	_, ok := cal.Release(next)
	return next, ok
}

func clusterUpgradeFix(c *rule.Context, cal aksversion.Calendar, st aksversion.Status) string {
	if t, ok := upgradeTarget(cal, st); ok {
		return azAKS(c, "upgrade", "--kubernetes-version "+t.String())
	}
	// Nothing newer to go to (a preview version): list what AKS offers.
	return azAKS(c, "get-upgrades", "")
}

// poolUpgradeFix brings a pool to the control plane's version when the control plane is fine, and
// otherwise upgrades the cluster, which upgrades its pools with it.
func poolUpgradeFix(c *rule.Context, cal aksversion.Calendar, p *snapshot.Pool, st, cp aksversion.Status) string {
	if cp.Support == aksversion.Supported || cp.Support == aksversion.NearEOL {
		if cp.Version != st.Version {
			return azNodepool(c, "upgrade", p.Name, "--kubernetes-version "+cp.Version.String())
		}
	}
	return clusterUpgradeFix(c, cal, cp)
}

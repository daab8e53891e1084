package checks

import (
	"fmt"
	"regexp"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Node image versions end in their release date: Linux images "…-202611.03.0" (YYYYMM.DD.rev,
// older ones "…-2022.11.23"), Windows images "…-20348.2849.241203" (build.revision.YYMMDD).
var (
	linuxImageDate    = regexp.MustCompile(`-(\d{4})(\d{2})\.(\d{2})\.\d+$`)
	linuxImageDateOld = regexp.MustCompile(`-(\d{4})\.(\d{2})\.(\d{2})$`)
	windowsImageDate  = regexp.MustCompile(`^AKSWindows-.*-\d+\.\d+\.(\d{2})(\d{2})(\d{2})$`)
)

// nodeImageDate returns the release date encoded in an AKS node image version.
func nodeImageDate(v string) (time.Time, bool) {
	var y, m, d string
	switch {
	case windowsImageDate.MatchString(v):
		g := windowsImageDate.FindStringSubmatch(v)
		y, m, d = "20"+g[1], g[2], g[3]
	case linuxImageDate.MatchString(v):
		g := linuxImageDate.FindStringSubmatch(v)
		y, m, d = g[1], g[2], g[3]
	case linuxImageDateOld.MatchString(v):
		g := linuxImageDateOld.FindStringSubmatch(v)
		y, m, d = g[1], g[2], g[3]
	default:
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", y+"-"+m+"-"+d)
	return t, err == nil
}

var sp033 = rule.Rule{
	ID:       "SP033",
	Title:    "Node images are recent",
	Category: catHealth,
	Severity: rule.Medium,
	Rationale: "AKS ships a new Linux node image every week and a Windows one every month, with the OS security " +
		"patches of that week; rollout to all regions takes up to two weeks. A pool whose image is months old runs the " +
		"kubelet, container runtime and kernel with every CVE fixed since, on the system nodes as much as elsewhere. The " +
		"Azure Review Checklist asks to upgrade node images weekly. The release date is read from nodeImageVersion " +
		"(AKSUbuntu-2204gen2containerd-202611.03.0 was released 2026-11-03) and compared with the run's clock; the " +
		"default of 45 days leaves room for a monthly Windows image plus its rollout. The Unmanaged OS channel patches " +
		"the OS in place without new images, so its pools age here too: the fix is the node OS upgrade channel (SP034).",
	Remediation: "Upgrade the node image (`az aks nodepool upgrade --node-image-only`), and let AKS keep it current " +
		"with the NodeImage node OS upgrade channel and a maintenance window.",
	Sources: []rule.Source{srcNodeImageUpgrade, srcAutoUpgradeNodeOS,
		checklist("139c9580-ade3-426a-ba09-cf157d9f6477", "Upgrade cluster node images periodically (weekly)")},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "maxAgeDays", Default: 45, Doc: "days since the node image's release after which a pool fails"},
	},
	Check: checkSP033,
}

func checkSP033(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	maxAge := c.Int("maxAgeDays")
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		img, from := poolImage(c, p)
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev(from, orUnset(img)), ev("maxAgeDays", maxAge),
			ev("now", c.Now.UTC().Format(time.DateOnly))}}
		released, ok := nodeImageDate(img)
		switch {
		case img == "":
			r.Status = rule.Error
			r.Message = "pool " + p.Name + " has no nodeImageVersion and no captured node names one"
			out = append(out, r)
			continue
		case !ok:
			r.Status = rule.Error
			r.Message = "cannot read a release date from node image " + quote(img) + " of pool " + p.Name
			out = append(out, r)
			continue
		}
		age := int(c.Now.Sub(released).Hours() / 24)
		r.Evidence = append(r.Evidence, ev("imageDate", released.Format(time.DateOnly)), ev("ageDays", age),
			ev("nodeOsUpgradeChannel", orUnset(c.Snap.Cluster.NodeOSUpgradeChannel)))
		if released.After(c.Now) {
			// An image from the future means the clock is wrong (--now before the capture), and
			// every age computed from it would be too.
			r.Status = rule.Error
			r.Message = fmt.Sprintf("pool %s runs node image %s, released %s, after the run's clock %s: check --now",
				p.Name, img, released.Format(time.DateOnly), c.Now.UTC().Format(time.DateOnly))
			out = append(out, r)
			continue
		}
		if age <= maxAge {
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("pool %s runs node image %s, released %s (%d days ago)", p.Name, img,
				released.Format(time.DateOnly), age)
		} else {
			r.Status = rule.Fail
			r.Message = fmt.Sprintf("pool %s runs node image %s, released %s: %d days old, more than %d", p.Name, img,
				released.Format(time.DateOnly), age, maxAge)
			r.Fix = azNodepool(c, "upgrade", p.Name, "--node-image-only")
		}
		out = append(out, r)
	}
	return out
}

// poolImage is the pool's nodeImageVersion or, when the pool list lacks it, the oldest image its
// captured nodes report in their kubernetes.azure.com/node-image-version label.
func poolImage(c *rule.Context, p *snapshot.Pool) (img, field string) {
	if p.NodeImageVersion != "" {
		return p.NodeImageVersion, "nodeImageVersion"
	}
	var oldest time.Time
	for _, n := range c.Index.NodesOf(p.Name) {
		v := n.NodeImageVersion
		if v == "" {
			v = n.Labels[snapshot.LabelNodeImage]
		}
		if t, ok := nodeImageDate(v); ok && (img == "" || t.Before(oldest)) {
			img, oldest = v, t
		}
	}
	return img, "node " + snapshot.LabelNodeImage
}

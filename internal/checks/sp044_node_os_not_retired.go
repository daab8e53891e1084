package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/aksversion"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// osRelease is one node OS release AKS has announced the end of, with the dates and the page that
// says so. Dates are the first day without support (and without node images, where announced).
type osRelease struct {
	name string
	// End is the first day AKS no longer supports the release or ships security updates for it.
	end time.Time
	// imagesRemoved is the first day AKS deletes its node images, so scaling and reimaging fail;
	// zero when not announced.
	imagesRemoved time.Time
	source        string
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// osRetirements is dated and sourced, like the version calendar. Releases without an announced end
// (Ubuntu 24.04, Azure Linux 3.0, Windows Server 2025) are not listed and pass.
var osRetirements = map[string]osRelease{
	"Ubuntu 18.04": {name: "Ubuntu 18.04", end: date(2025, time.June, 17), imagesRemoved: date(2025, time.June, 17),
		source: "https://github.com/Azure/AKS/issues/4873"},
	"Ubuntu 20.04": {name: "Ubuntu 20.04", end: date(2027, time.March, 17), imagesRemoved: date(2027, time.March, 17),
		source: "https://github.com/Azure/AKS/issues/4874"},
	"Ubuntu 22.04": {name: "Ubuntu 22.04", end: date(2027, time.June, 30), imagesRemoved: date(2028, time.April, 30),
		source: "https://aka.ms/aks/ubuntu2204-retirement-github"},
	"Azure Linux 2.0": {name: "Azure Linux 2.0 (CBL-Mariner)", end: date(2025, time.November, 30), imagesRemoved: date(2026, time.March, 31),
		source: "https://github.com/Azure/AKS/issues/4988"},
	"Windows Server 2019": {name: "Windows Server 2019", end: date(2026, time.March, 1), imagesRemoved: date(2027, time.April, 1),
		source: "https://github.com/Azure/AKS/issues/4091"},
	"Windows Server 2022": {name: "Windows Server 2022", end: date(2028, time.June, 30), imagesRemoved: date(2029, time.June, 30),
		source: "https://github.com/Azure/AKS/releases/tag/2026-06-19"},
	"Windows Server Annual Channel": {name: "Windows Server Annual Channel", end: date(2026, time.May, 15),
		imagesRemoved: date(2027, time.May, 15), source: "https://github.com/Azure/AKS/releases/tag/2026-05-29"},
}

var sp044 = rule.Rule{
	ID:       "SP044",
	Title:    "Pools run a node OS release AKS still supports",
	Category: catHealth,
	Severity: rule.Medium,
	Rationale: "AKS retires node OS releases on announced dates: from then on it ships no security updates for them, and " +
		"once their node images are deleted the pool can no longer scale, reimage or be repaired, which on a System pool " +
		"means lost nodes are not replaced. Dates (from the AKS docs' retirement notices and release notes, checked " +
		"against the run's clock): Ubuntu 18.04 ended 2025-06-17; Azure Linux 2.0 2025-11-30 (images removed " +
		"2026-03-31); Windows Server 2019 2026-03-01 (images removed 2027-04-01); Ubuntu 20.04 2027-03-17 (Azure Advisor " +
		"863d09bd); Ubuntu 22.04 2027-06-30 (images removed 2028-04-30); Windows Server Annual Channel 2026-05-15; " +
		"Windows Server 2022 2028-06-30. A retired " +
		"release fails high, one retiring within warningDays medium. The release is read from nodeImageVersion " +
		"(AKSUbuntu-2204…, AKSAzureLinux-V2…), else from the OS SKU and, for the versionless Ubuntu and AzureLinux SKUs, " +
		"the pool's Kubernetes version, as the OS version page documents.",
	Remediation: "Move the pool to a supported release: `az aks nodepool update --os-sku AzureLinux3` (or Ubuntu2404, " +
		"or the versionless SKU on a Kubernetes version whose default is supported); Windows pools cannot change OS SKU " +
		"in place, so add a Windows2022 or Windows2025 pool and retire the old one.",
	Sources: []rule.Source{
		{Title: "AKS docs: Upgrade the node OS version (supported OS SKUs and retirements)",
			URL: "https://learn.microsoft.com/azure/aks/upgrade-os-version"},
		{Title: "Azure/AKS#4988: Retirement of Azure Linux 2.0 node pools", URL: "https://github.com/Azure/AKS/issues/4988"},
		{Title: "Azure/AKS#4874: Retirement of Ubuntu 20.04 node pools", URL: "https://github.com/Azure/AKS/issues/4874"},
		{Title: "Azure/AKS#4091: Retirement of Windows Server 2019 node pools", URL: "https://github.com/Azure/AKS/issues/4091"},
		{Title: "AKS release notes 2026-06-19: Windows Server 2022 retires 2028-06-30",
			URL: "https://github.com/Azure/AKS/releases/tag/2026-06-19"},
		{Title: "AKS release notes 2026-05-29: Windows Server Annual Channel retired 2026-05-15",
			URL: "https://github.com/Azure/AKS/releases/tag/2026-05-29"},
		advisor("863d09bd-e767-472b-9980-f32709414ade", "Ubuntu 20.04 on AKS is retiring"),
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "warningDays", Default: 180, Doc: "days before a release's end of support from which a pool fails medium"},
	},
	Check: checkSP044,
}

func checkSP044(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	warn := time.Duration(c.Int("warningDays")) * 24 * time.Hour
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		release, from := osReleaseOf(p)
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("osSku", orUnset(p.OSSKU)),
			ev("nodeImageVersion", orUnset(p.NodeImageVersion)), ev("osRelease", orUnset(release)), ev("from", from),
			ev("now", c.Now.UTC().Format(time.DateOnly))}}
		ret, retiring := osRetirements[release]
		switch {
		case release == "":
			r.Status = rule.Error
			r.Message = "cannot tell the OS release of pool " + p.Name + ": " + from
		case !retiring:
			r.Status = rule.Pass
			r.Message = "pool " + p.Name + " runs " + release + ", which has no announced end of support"
		default:
			r.Evidence = append(r.Evidence, ev("endOfSupport", ret.end.Format(time.DateOnly)),
				ev("imagesRemoved", ret.imagesRemoved.Format(time.DateOnly)), ev("announcement", ret.source),
				ev("warningDays", int(warn/(24*time.Hour))))
			switch {
			case !c.Now.Before(ret.end):
				r.Status, r.Severity = rule.Fail, rule.High
				r.Message = fmt.Sprintf("pool %s runs %s, which AKS stopped supporting on %s", p.Name, ret.name,
					ret.end.Format(time.DateOnly))
				if !c.Now.Before(ret.imagesRemoved) {
					r.Message += "; its node images are removed, so the pool can no longer scale or reimage"
				} else {
					r.Message += fmt.Sprintf("; its node images are removed on %s", ret.imagesRemoved.Format(time.DateOnly))
				}
			case ret.end.Sub(c.Now) <= warn:
				r.Status = rule.Fail
				r.Message = fmt.Sprintf("pool %s runs %s, which AKS stops supporting on %s", p.Name, ret.name,
					ret.end.Format(time.DateOnly))
			default:
				r.Status = rule.Pass
				r.Message = fmt.Sprintf("pool %s runs %s, supported until %s", p.Name, ret.name, ret.end.Format(time.DateOnly))
			}
			if r.Status == rule.Fail {
				r.Fix = osMigrationFix(c, p, release)
			}
		}
		out = append(out, r)
	}
	return out
}

// imagePrefixes map node image names to OS releases; the image name is what nodes actually run.
var imagePrefixes = []struct{ prefix, release string }{
	{"AKSUbuntu-1804", "Ubuntu 18.04"},
	{"AKSUbuntu-2004", "Ubuntu 20.04"},
	{"AKSUbuntu-2204", "Ubuntu 22.04"},
	{"AKSUbuntu-2404", "Ubuntu 24.04"},
	{"AKSCBLMariner-V2", "Azure Linux 2.0"},
	{"AKSAzureLinux-V2", "Azure Linux 2.0"},
	{"AKSAzureLinux-V3", "Azure Linux 3.0"},
	{"AKSWindows-2019", "Windows Server 2019"},
	{"AKSWindows-2022", "Windows Server 2022"},
	{"AKSWindows-2025", "Windows Server 2025"},
}

// osReleaseOf names the OS release of p and where that came from; "" with the reason when unknown.
func osReleaseOf(p *snapshot.Pool) (release, from string) {
	for _, ip := range imagePrefixes {
		if strings.HasPrefix(strings.ToLower(p.NodeImageVersion), strings.ToLower(ip.prefix)) {
			return ip.release, "nodeImageVersion"
		}
	}
	switch strings.ToLower(p.OSSKU) {
	case "ubuntu2204":
		return "Ubuntu 22.04", "osSku"
	case "ubuntu2404":
		return "Ubuntu 24.04", "osSku"
	case "cblmariner":
		return "Azure Linux 2.0", "osSku"
	case "azurelinux3":
		return "Azure Linux 3.0", "osSku"
	case "windows2019":
		return "Windows Server 2019", "osSku"
	case "windows2022":
		return "Windows Server 2022", "osSku"
	case "windows2025":
		return "Windows Server 2025", "osSku"
	case "windowsannual":
		return "Windows Server Annual Channel", "osSku"
	case "azurecontainerlinux":
		return "Azure Container Linux", "osSku"
	case "ubuntu", "azurelinux":
		// The versionless SKUs follow the Kubernetes version (upgrade-os-version, "Default OS version").
		raw, _ := poolVersion(p)
		v, err := aksversion.ParseVersion(raw)
		if err != nil {
			return "", "osSku " + p.OSSKU + " depends on the Kubernetes version, which was not captured or does not parse"
		}
		if strings.EqualFold(p.OSSKU, "azurelinux") {
			if v.Minor >= 32 {
				return "Azure Linux 3.0", "osSku AzureLinux on Kubernetes " + raw
			}
			return "Azure Linux 2.0", "osSku AzureLinux on Kubernetes " + raw
		}
		switch {
		case v.Minor >= 35:
			return "Ubuntu 24.04", "osSku Ubuntu on Kubernetes " + raw
		case v.Minor >= 25:
			return "Ubuntu 22.04", "osSku Ubuntu on Kubernetes " + raw
		}
		return "Ubuntu 18.04", "osSku Ubuntu on Kubernetes " + raw
	}
	return "", "no recognisable nodeImageVersion and osSku " + quote(p.OSSKU)
}

// osMigrationFix moves a Linux pool to a supported release in place (az aks nodepool update
// --os-sku) where the pool's Kubernetes version supports one, and replaces a Windows pool, whose
// OS SKU cannot be updated. The supported ranges are the upgrade-os-version page's.
func osMigrationFix(c *rule.Context, p *snapshot.Pool, release string) string {
	if p.IsWindows() {
		s := specFor(p)
		s.extra = append(s.extra, "--os-sku Windows2025")
		if release == "Windows Server 2019" {
			s.extra[len(s.extra)-1] = "--os-sku Windows2022"
		}
		return replaceFix(c, p, s, retireDelete)
	}
	raw, _ := poolVersion(p)
	v, err := aksversion.ParseVersion(raw)
	target := ""
	switch {
	case err != nil:
	case strings.HasPrefix(release, "Azure Linux") && v.Minor >= 28 && v.Minor <= 36:
		target = "AzureLinux3"
	case strings.HasPrefix(release, "Ubuntu") && v.Minor >= 35:
		target = "Ubuntu"
	case strings.HasPrefix(release, "Ubuntu") && v.Minor >= 32 && v.Minor <= 38:
		target = "Ubuntu2404"
	}
	if target == "" {
		// No supported release for this Kubernetes version: upgrading Kubernetes comes first.
		return azAKS(c, "get-upgrades", "")
	}
	// az aks nodepool update takes --os-sku only: the OS type of a pool cannot change.
	return azNodepool(c, "update", p.Name, "--os-sku "+target)
}

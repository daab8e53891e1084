package checks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// aprlZonalRegions is the region list of APRL 4f63619f's query (research §3): the regions where
// APRL expects AKS pools to be zonal. Regions gain zones over time, so the list is a parameter.
var aprlZonalRegions = []string{
	"australiaeast", "brazilsouth", "canadacentral", "centralindia", "centralus", "eastasia", "eastus", "eastus2",
	"francecentral", "germanywestcentral", "israelcentral", "italynorth", "japaneast", "japanwest", "koreacentral",
	"mexicocentral", "newzealandnorth", "northeurope", "norwayeast", "polandcentral", "qatarcentral",
	"southafricanorth", "southcentralus", "southeastasia", "spaincentral", "swedencentral", "switzerlandnorth",
	"uaenorth", "uksouth", "westeurope", "westus2", "westus3", "usgovvirginia", "chinanorth3",
}

// zonalLabel matches topology.kubernetes.io/zone on a zonal node, "<region>-<n>" such as
// "westeurope-2". Nodes outside zones carry a bare fault-domain number such as "0" instead.
var zonalLabel = regexp.MustCompile(`^[a-z0-9]+-([0-9]+)$`)

var sp010 = rule.Rule{
	ID:       "SP010",
	Title:    "System pools span availability zones",
	Category: catAvailability,
	Severity: rule.High,
	Rationale: "A System pool in one zone (or in none) loses CoreDNS and konnectivity together when that datacenter " +
		"fails, and a pool's zones cannot be changed after it is created. APRL 4f63619f flags pools in fewer than 2 zones; " +
		"Azure Advisor 9f3263db, the AKS reliability guidance and the Well-Architected Framework recommend 3. syspool fails " +
		"below minZones (default 2) and names the 3-zone recommendation when a pool passes with 2. Regions without zones " +
		"cannot comply, so a pool with no zone information is skipped unless the capture or the region list shows the " +
		"region has zones.",
	Remediation: "Zones cannot be added to a pool: add a System pool with `--zones 1 2 3`, then delete the old one.",
	Sources: []rule.Source{
		aprl("4f63619f-5001-439c-bacb-8de891287727", "Deploy AKS cluster across availability zones"),
		advisor("9f3263db-b9c0-43bb-8523-6800f9f50793", "Configure and deploy AKS to use availability zones"),
		srcZones,
		srcReliability,
		srcWAF,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "minZones", Default: 2, Doc: "availability zones a System pool must span (APRL: 2; Advisor, WAF, docs: 3)"},
		{Name: "zonalRegions", Default: aprlZonalRegions,
			Doc: "regions known to offer availability zones (APRL 4f63619f's list); a pool with no zones there fails"},
	},
	Check: checkSP010,
}

func checkSP010(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	want := c.Int("minZones")
	nodes := c.Snap.Coverage.Has(snapshot.KindNodes)
	zonalWhy := regionHasZones(c, nodes)
	var out []rule.Result
	for _, p := range pools {
		zones, from := p.Zones, "pool availabilityZones"
		if len(zones) == 0 && nodes {
			zones, from = nodeZones(c.Index.NodesOf(p.Name)), "node topology.kubernetes.io/zone labels"
		}
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{
			ev("zones", orNone(zones)), ev("source", from), ev("minZones", want)}}
		switch {
		case len(zones) == 0 && zonalWhy == "":
			r.Status = rule.Skip
			r.Message = "no availabilityZones on pool " + p.Name + " and no zonal node labels: the region " +
				orUnset(c.Snap.Cluster.Location) + " may not support zones"
			r.Evidence = append(r.Evidence, ev("location", orUnset(c.Snap.Cluster.Location)), ev("nodesCaptured", nodes))
		case len(zones) < want:
			r.Status = rule.Fail
			r.Message = fmt.Sprintf("System pool %s spans %s, fewer than %d", p.Name, plural(len(zones), "zone", "zones"), want)
			if len(zones) == 0 {
				r.Message = fmt.Sprintf("System pool %s is not zonal although %s", p.Name, zonalWhy)
			}
			s := specFrom(p)
			s.zones = []string{"1", "2", "3"}
			r.Fix = replaceFix(c, p, s, retireDelete)
		default:
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("System pool %s spans zones %s", p.Name, strings.Join(zones, ", "))
			if len(zones) < 3 {
				r.Message += " (Advisor and WAF recommend 3)"
			}
		}
		out = append(out, r)
	}
	return out
}

// regionHasZones says why the cluster's region is known to offer zones, or "" when nothing shows it.
func regionHasZones(c *rule.Context, nodes bool) string {
	for _, p := range c.Snap.Pools {
		if len(p.Zones) > 0 {
			return "pool " + p.Name + " in the same cluster uses zones " + strings.Join(p.Zones, ", ")
		}
	}
	if nodes {
		for _, n := range c.Snap.Nodes {
			if zonalLabel.MatchString(n.Zone) {
				return "node " + n.Name + " in the same cluster is in zone " + n.Zone
			}
		}
	}
	loc := strings.ToLower(strings.ReplaceAll(c.Snap.Cluster.Location, " ", ""))
	if loc != "" && slices.Contains(c.Strings("zonalRegions"), loc) {
		return "region " + loc + " offers availability zones"
	}
	return ""
}

// nodeZones returns the zone numbers of zonal nodes; fault-domain labels are not zones.
func nodeZones(nodes []*snapshot.Node) []string {
	var zs []string
	for _, n := range nodes {
		if m := zonalLabel.FindStringSubmatch(n.Zone); m != nil {
			zs = append(zs, m[1])
		}
	}
	return names(zs)
}

func orNone(v []string) any {
	if len(v) == 0 {
		return "none"
	}
	return v
}

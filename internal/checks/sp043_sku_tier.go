package checks

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp043 = rule.Rule{
	ID:       "SP043",
	Title:    "The cluster runs on the Standard or Premium tier",
	Category: catAvailability,
	Severity: rule.High,
	Rationale: "The Free tier has no uptime SLA for the API server and sizes the control plane for small clusters; the " +
		"system add-ons depend on that API server through konnectivity. APRL 0611251f flags every cluster not on " +
		"Standard or Premium; Azure Advisor e32c5e70 only flags Free clusters with more than 10 nodes. syspool fails a " +
		"Free cluster above freeTierMaxNodes (Advisor's trigger, default 10) at high and a smaller one at medium, since " +
		"Free is a legitimate choice for dev and test. Checkov CKV_AZURE_170 accepts only Standard and would fail Premium; " +
		"syspool passes Premium, which includes the Standard SLA.",
	Remediation: "Move the cluster to the Standard tier (`az aks update --tier standard`); it changes no nodes.",
	Sources: []rule.Source{
		aprl("0611251f-e70f-4243-8ddd-cfe894bec2e7", "Update AKS tier to Standard or Premium"),
		advisorOpEx("e32c5e70-515f-45aa-90e7-94fb4fdb1b6c", "Use Uptime SLA"),
		checkov("CKV_AZURE_170", "AKSIsPaidSku", "Ensure that AKS use the Paid Sku for its SLA"),
		psrule("Azure.AKS.UptimeSLA", "Use AKS Uptime SLA"),
		{Title: "AKS docs: Free, Standard and Premium pricing tiers", URL: "https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers"},
		srcWAF,
	},
	Needs: []snapshot.DataKind{snapshot.KindCluster, snapshot.KindPools},
	Params: []rule.Param{
		{Name: "freeTierMaxNodes", Default: 10, Doc: "nodes above which a Free-tier cluster fails high (Azure Advisor's trigger)"},
	},
	Check: checkSP043,
}

func checkSP043(c *rule.Context) []rule.Result {
	tier := c.Snap.Cluster.SKUTier
	limit := c.Int("freeTierMaxNodes")
	nodes := 0
	for _, p := range c.Snap.Pools {
		if p.Count != nil {
			nodes += *p.Count
		}
	}
	r := rule.Result{Resource: clusterResource(c), Evidence: []rule.Evidence{ev("skuTier", orUnset(tier)),
		ev("skuName", orUnset(c.Snap.Cluster.SKUName)), ev("nodes", nodes), ev("freeTierMaxNodes", limit)}}
	switch {
	case tier == "":
		r.Status = rule.Error
		r.Message = "the cluster's pricing tier (sku.tier) was not captured"
	case strings.EqualFold(tier, "Standard") || strings.EqualFold(tier, "Premium"):
		r.Status = rule.Pass
		r.Message = "the cluster runs on the " + tier + " tier"
	default:
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("the cluster runs on the %s tier with %s: no uptime SLA for the API server", tier,
			plural(nodes, "node", "nodes"))
		if nodes <= limit {
			r.Severity = rule.Medium
			r.Message += fmt.Sprintf(" (Advisor flags Free clusters only above %d nodes; APRL flags them all)", limit)
		}
		r.Fix = azAKS(c, "update", "--tier standard")
	}
	return []rule.Result{r}
}

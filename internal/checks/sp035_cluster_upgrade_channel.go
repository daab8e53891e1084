package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Cluster auto-upgrade channels (autoUpgradeProfile.upgradeChannel).
var upgradeChannels = []string{"none", "patch", "stable", "rapid", "node-image"}

var sp035 = rule.Rule{
	ID:       "SP035",
	Title:    "The cluster has an auto-upgrade channel for Kubernetes versions",
	Category: catHealth,
	Severity: rule.Low,
	Rationale: "Without an auto-upgrade channel the control plane and the System pool stay on their Kubernetes patch " +
		"until someone upgrades them, and clusters drift out of support (SP030). Azure Policy 5c345cdf, Checkov " +
		"CKV_AZURE_171 and Prowler aks_cluster_auto_upgrade_enabled ask for a channel other than none; the Review " +
		"Checklist accepts a documented manual upgrade process instead, hence low. The legacy node-image channel only " +
		"upgrades node images (the node OS channel does that now) and never the Kubernetes version, so it fails too.",
	Remediation: "Choose a channel (`az aks update --auto-upgrade-channel patch`; stable or rapid also move minor " +
		"versions) and a maintenance window, or waive the finding where upgrades follow a documented manual process.",
	Sources: []rule.Source{srcAutoUpgradeCluster,
		policy("5c345cdf-2049-47e0-b8fe-b0e96bc2df35", "AKS Clusters should enable cluster auto-upgrade"),
		checkov("CKV_AZURE_171", "AKSUpgradeChannel", "Ensure AKS cluster upgrade channel is chosen"),
		{Title: "Prowler aks_cluster_auto_upgrade_enabled",
			URL: "https://github.com/prowler-cloud/prowler/tree/master/prowler/providers/azure/services/aks"},
		checklist("e189c599-df0d-45a7-9dd4-ce32c1881370", "Regular k8s version upgrade process or AKS autoupgrade")},
	Needs: []snapshot.DataKind{snapshot.KindCluster},
	Params: []rule.Param{
		{Name: "allowedChannels", Default: []string{"patch", "stable", "rapid"}, Doc: "auto-upgrade channels that pass"},
	},
	Check: checkSP035,
}

func checkSP035(c *rule.Context) []rule.Result {
	ch := c.Snap.Cluster.UpgradeChannel
	allowed := c.Strings("allowedChannels")
	r := rule.Result{Resource: clusterResource(c), Evidence: []rule.Evidence{ev("upgradeChannel", orUnset(ch)),
		ev("allowedChannels", allowed)}}
	known := canonical(ch, upgradeChannels)
	switch {
	case ch == "":
		r.Status = rule.Error
		r.Message = "the cluster auto-upgrade channel was not captured (autoUpgradeProfile.upgradeChannel is missing; " +
			"capture with a current az CLI or API version)"
	case known == "":
		r.Status = rule.Error
		r.Message = "auto-upgrade channel " + quote(ch) + " is not one of " + strings.Join(upgradeChannels, ", ")
	case containsFold(allowed, known):
		r.Status = rule.Pass
		r.Message = "the cluster follows the " + known + " auto-upgrade channel"
	default:
		r.Status = rule.Fail
		r.Message = "the cluster auto-upgrade channel is " + known + ": Kubernetes versions are only upgraded by hand"
		r.Fix = azAKS(c, "update", "--auto-upgrade-channel patch")
	}
	return []rule.Result{r}
}

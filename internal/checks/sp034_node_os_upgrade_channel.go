package checks

import (
	"slices"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Node OS upgrade channels (autoUpgradeProfile.nodeOSUpgradeChannel).
var nodeOSChannels = []string{"None", "Unmanaged", "SecurityPatch", "NodeImage"}

var sp034 = rule.Rule{
	ID:       "SP034",
	Title:    "Node OS images are upgraded automatically (NodeImage or SecurityPatch)",
	Category: catHealth,
	Severity: rule.Medium,
	Rationale: "With the node OS upgrade channel None, system nodes only get OS security fixes when someone runs a node " +
		"image upgrade by hand; NodeImage (the default for new clusters since API 2023-06-01) applies the weekly node " +
		"image in the maintenance window, SecurityPatch applies security patches with fewer reimages. Unmanaged lets the " +
		"OS patch itself without coordinated reboots or image updates: Azure Policy 40f1aee2 accepts it (it only asks for " +
		"a channel other than None), the AKS docs and the baseline recommend NodeImage, so syspool fails it at low and " +
		"None at medium. A capture without the autoUpgradeProfile (older API versions) cannot be judged and is an error.",
	Remediation: "Set the channel: `az aks update --node-os-upgrade-channel NodeImage`, and give it a maintenance window " +
		"(`az aks maintenanceconfiguration add --name aksManagedNodeOSUpgradeSchedule`).",
	Sources: []rule.Source{srcAutoUpgradeNodeOS,
		policy("04408ca5-aa10-42ce-8536-98955cdddd4c", "AKS Clusters should enable node os auto-upgrade"),
		policy("40f1aee2-4db4-4b74-acb1-c6972e24cca8", "Configure Node OS Auto upgrade on Azure Kubernetes Cluster"),
		checklist("139c9580-ade3-426a-ba09-cf157d9f6477", "Upgrade cluster node images periodically (weekly)")},
	Needs: []snapshot.DataKind{snapshot.KindCluster},
	Params: []rule.Param{
		{Name: "allowedChannels", Default: []string{"NodeImage", "SecurityPatch"}, Doc: "node OS upgrade channels that pass"},
	},
	Check: checkSP034,
}

func checkSP034(c *rule.Context) []rule.Result {
	ch := c.Snap.Cluster.NodeOSUpgradeChannel
	allowed := c.Strings("allowedChannels")
	r := rule.Result{Resource: clusterResource(c), Evidence: []rule.Evidence{ev("nodeOsUpgradeChannel", orUnset(ch)),
		ev("allowedChannels", allowed)}}
	known := canonical(ch, nodeOSChannels)
	switch {
	case ch == "":
		r.Status = rule.Error
		r.Message = "the node OS upgrade channel was not captured (autoUpgradeProfile.nodeOSUpgradeChannel is missing; " +
			"capture with a current az CLI or API version)"
	case known == "":
		r.Status = rule.Error
		r.Message = "node OS upgrade channel " + quote(ch) + " is not one of " + strings.Join(nodeOSChannels, ", ")
	case containsFold(allowed, known):
		r.Status = rule.Pass
		r.Message = "node OS images are upgraded automatically through the " + known + " channel"
	default:
		r.Status = rule.Fail
		r.Message = "the node OS upgrade channel is " + known
		if known == "Unmanaged" {
			r.Severity = rule.Low
			r.Message += ": the OS patches itself, but node images and reboots are not coordinated by AKS"
		} else {
			r.Message += ": node images are only upgraded by hand"
		}
		r.Fix = azAKS(c, "update", "--node-os-upgrade-channel NodeImage")
	}
	return []rule.Result{r}
}

// canonical returns the member of values equal to v ignoring case, or "".
func canonical(v string, values []string) string {
	for _, x := range values {
		if strings.EqualFold(v, x) {
			return x
		}
	}
	return ""
}

func containsFold(list []string, v string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}

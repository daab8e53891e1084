package checks

import (
	"github.com/syspool/syspool/internal/aksversion"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/vmsize"
)

// Sources cited by more than one rule. Each rule's Sources list is its own; these only avoid
// spelling the same URL twice. The IDs in titles (APRL GUIDs, Advisor IDs, policy names) are the
// ones /work/shared/research/aks-rules.md recorded from the sources' repositories.
var (
	srcSystemPools = rule.Source{Title: "AKS docs: Manage system node pools",
		URL: "https://learn.microsoft.com/azure/aks/use-system-pools"}
	srcCreatePools = rule.Source{Title: "AKS docs: Create node pools",
		URL: "https://learn.microsoft.com/azure/aks/create-node-pools"}
	srcWAF = rule.Source{Title: "Azure Well-Architected Framework: Azure Kubernetes Service",
		URL: "https://learn.microsoft.com/azure/well-architected/service-guides/azure-kubernetes-service"}
	srcReliability = rule.Source{Title: "AKS docs: Deployment and cluster reliability best practices",
		URL: "https://learn.microsoft.com/azure/aks/best-practices-app-cluster-reliability"}
	srcAdvisorReliability = rule.Source{Title: "Azure Advisor reliability recommendations (AKS)",
		URL: "https://learn.microsoft.com/azure/advisor/advisor-reference-reliability-recommendations"}
	srcQuotas = rule.Source{Title: "AKS docs: Quotas, VM size restrictions and region availability",
		URL: "https://learn.microsoft.com/azure/aks/quotas-skus-regions"}
	srcRestricted = rule.Source{Title: "AKS docs: Restricted VM sizes",
		URL: vmsize.RestrictedSourceURL}
	srcSpot = rule.Source{Title: "AKS docs: Add an Azure Spot node pool (limitations)",
		URL: "https://learn.microsoft.com/azure/aks/spot-node-pool"}
	srcStartStop = rule.Source{Title: "AKS docs: Start and stop a node pool (limitations)",
		URL: "https://learn.microsoft.com/azure/aks/start-stop-nodepools"}
	srcIPPlanning = rule.Source{Title: "AKS docs: IP address planning (maximum pods per node)",
		URL: "https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning"}
	srcZones = rule.Source{Title: "AKS docs: Availability zones",
		URL: "https://learn.microsoft.com/azure/aks/availability-zones"}
	srcAutomaticSystemPools = rule.Source{Title: "AKS docs: AKS Automatic managed system node pools",
		URL: "https://learn.microsoft.com/azure/aks/automatic/aks-automatic-managed-system-node-pools-about"}
	srcK8sTaints = rule.Source{Title: "Kubernetes docs: Taints and tolerations",
		URL: "https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/"}
	srcK8sNodeStatus = rule.Source{Title: "Kubernetes docs: Node status conditions",
		URL: "https://kubernetes.io/docs/reference/node/node-status/"}
	srcK8sDebugPods = rule.Source{Title: "Kubernetes docs: Debug pods",
		URL: "https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/"}
	srcDeploymentSafeguards = rule.Source{Title: "AKS docs: Deployment safeguards (reserved system pool taints)",
		URL: "https://learn.microsoft.com/azure/aks/deployment-safeguards"}
)

// aprl cites one recommendation of the Azure Proactive Resiliency Library v2 for managedClusters.
func aprl(guid, title string) rule.Source {
	return rule.Source{Title: "APRL " + guid + ": " + title,
		URL: "https://azure.github.io/Azure-Proactive-Resiliency-Library-v2/azure-resources/ContainerService/managedClusters/"}
}

// advisor cites one Azure Advisor recommendation by its recommendation type ID.
func advisor(id, title string) rule.Source {
	return rule.Source{Title: "Azure Advisor " + id + ": " + title, URL: srcAdvisorReliability.URL}
}

// Sources shared by the version, upgrade, security and Kubernetes-side rules (SP018 onwards).
var (
	srcAgentPoolAPI = rule.Source{Title: "AKS REST API: Agent Pools - Create Or Update (AgentPoolMode, AgentPoolType, limits)",
		URL: "https://learn.microsoft.com/rest/api/aks/agent-pools/create-or-update"}
	srcAKSChangelog = rule.Source{Title: "AKS release notes (CHANGELOG)",
		URL: "https://github.com/Azure/AKS/blob/master/CHANGELOG.md"}
	srcSupportedVersions = rule.Source{Title: "AKS docs: Supported Kubernetes versions (release calendar, N-2 policy)",
		URL: aksversion.SourceURL}
	srcUpgradeControlPlane = rule.Source{Title: "AKS docs: Upgrade the AKS cluster control plane",
		URL: "https://learn.microsoft.com/azure/aks/upgrade-aks-control-plane"}
	srcUpgradeNodePools = rule.Source{Title: "AKS docs: Upgrade AKS node pools",
		URL: "https://learn.microsoft.com/azure/aks/upgrade-node-pools"}
	srcK8sVersionSkew = rule.Source{Title: "Kubernetes version skew policy",
		URL: "https://kubernetes.io/releases/version-skew-policy/"}
	srcNodeImageUpgrade = rule.Source{Title: "AKS docs: Upgrade node images (Linux images weekly, Windows monthly)",
		URL: "https://learn.microsoft.com/azure/aks/node-image-upgrade"}
	srcAutoUpgradeNodeOS = rule.Source{Title: "AKS docs: Auto-upgrade node OS images",
		URL: "https://learn.microsoft.com/azure/aks/auto-upgrade-node-os-image"}
	srcAutoUpgradeCluster = rule.Source{Title: "AKS docs: Automatically upgrade an AKS cluster",
		URL: "https://learn.microsoft.com/azure/aks/auto-upgrade-cluster"}
	srcRollingUpgrade = rule.Source{Title: "AKS docs: Configure rolling upgrades for node pools (max surge, max unavailable, drain timeout)",
		URL: "https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling"}
	srcLabels = rule.Source{Title: "AKS docs: Use labels (reserved AKS node labels)",
		URL: "https://learn.microsoft.com/azure/aks/use-labels"}
	srcK8sDisruptions = rule.Source{Title: "Kubernetes docs: Disruptions and PodDisruptionBudgets",
		URL: "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/"}
	srcAdvisorOpEx = rule.Source{Title: "Azure Advisor operational excellence recommendations (AKS)",
		URL: "https://learn.microsoft.com/azure/advisor/advisor-reference-operational-excellence-recommendations"}
)

// advisorOpEx cites an Azure Advisor operational excellence recommendation by its type ID.
func advisorOpEx(id, title string) rule.Source {
	return rule.Source{Title: "Azure Advisor " + id + ": " + title, URL: srcAdvisorOpEx.URL}
}

// policy cites an Azure Policy built-in definition by its name (GUID); the AKS policy reference
// lists every built-in with a link to its definition.
func policy(guid, title string) rule.Source {
	return rule.Source{Title: "Azure Policy " + guid + ": " + title, URL: "https://learn.microsoft.com/azure/aks/policy-reference"}
}

// checkov cites a Checkov check by ID and the file that implements it for Terraform.
func checkov(id, file, title string) rule.Source {
	return rule.Source{Title: "Checkov " + id + ": " + title,
		URL: "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/azure/" + file + ".py"}
}

// psrule cites a PSRule for Azure rule by name.
func psrule(name, title string) rule.Source {
	return rule.Source{Title: "PSRule for Azure " + name + ": " + title,
		URL: "https://azure.github.io/PSRule.Rules.Azure/en/rules/" + name + "/"}
}

// checklist cites an item of the Azure Review Checklist for AKS by its GUID.
func checklist(guid, title string) rule.Source {
	return rule.Source{Title: "Azure Review Checklist " + guid + ": " + title,
		URL: "https://github.com/Azure/review-checklists/blob/main/checklists/aks_checklist.en.json"}
}

package checks

import (
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

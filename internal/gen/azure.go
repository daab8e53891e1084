package gen

import (
	"strings"
)

// The Azure side, as the az CLI prints it (`-o json`): the SDK model's attribute names in
// camelCase (osSku, osDiskSizeGb, vnetSubnetId, enableNodePublicIp, typePropertiesType in
// `nodepool list`), every attribute present with null when unset, keys sorted, two-space indent
// (research §7.2). Maps, not structs: json.MarshalIndent sorts map keys as the CLI's
// json.dumps(sort_keys=True) does.

type obj = map[string]any

// poolProfile is one agent pool with the attributes `az aks show` and `az aks nodepool list` share.
func (c *Cluster) poolProfile(p *Pool) obj {
	var zones, taints any
	if p.Zones != nil {
		zones = p.Zones
	}
	if p.Taints != nil {
		taints = p.Taints
	}
	var labels any
	if p.Labels != nil {
		labels = p.Labels
	}
	o := obj{
		"artifactStreamingProfile": nil, "availabilityZones": zones, "capacityReservationGroupId": nil,
		"count": p.Count, "creationData": nil, "currentOrchestratorVersion": c.KubernetesVersion, "eTag": c.uid(tagMisc, p.index, 950),
		"enableAutoScaling": p.AutoScale, "enableEncryptionAtHost": false, "enableFips": false, "enableNodePublicIp": false,
		"enableUltraSsd": false, "gatewayProfile": nil, "gpuInstanceProfile": nil, "gpuProfile": nil, "hostGroupId": nil,
		"kubeletConfig": nil, "kubeletDiskType": "OS", "linuxOsConfig": nil, "maxCount": nil, "maxPods": p.MaxPods,
		"messageOfTheDay": nil, "minCount": nil, "mode": p.Mode(), "name": p.Name, "networkProfile": nil,
		"nodeImageVersion": p.NodeImage, "nodeInitializationTaints": nil, "nodeLabels": labels, "nodePublicIpPrefixId": nil,
		"nodeTaints": taints, "orchestratorVersion": c.KubernetesVersion, "osDiskSizeGb": 128, "osDiskType": "Ephemeral",
		"osSku": p.OSSKU, "osType": "Linux", "podIpAllocationMode": nil, "podSubnetId": nil,
		"powerState": obj{"code": "Running"}, "provisioningState": "Succeeded", "proximityPlacementGroupId": nil,
		"scaleDownMode": "Delete", "scaleSetEvictionPolicy": nil, "scaleSetPriority": nil,
		"securityProfile": obj{"enableSecureBoot": false, "enableVtpm": false, "sshAccess": "LocalUser"},
		"spotMaxPrice":    nil, "status": nil, "tags": nil,
		"upgradeSettings": obj{"drainTimeoutInMinutes": nil, "maxSurge": "10%", "maxUnavailable": "0", "nodeSoakDurationInMinutes": nil,
			"undrainableNodeBehavior": nil},
		"virtualMachineNodesStatus": nil, "virtualMachinesProfile": nil, "vmSize": p.VMSize,
		"vnetSubnetId": c.subnetID(), "windowsProfile": nil, "workloadRuntime": "OCIContainer",
	}
	if p.AutoScale {
		o["minCount"], o["maxCount"] = p.Min, p.Max
	}
	if p.Spot {
		o["scaleSetPriority"], o["scaleSetEvictionPolicy"], o["spotMaxPrice"] = "Spot", "Delete", -1
		o["upgradeSettings"] = obj{"drainTimeoutInMinutes": nil, "maxSurge": nil, "maxUnavailable": nil,
			"nodeSoakDurationInMinutes": nil, "undrainableNodeBehavior": nil}
	}
	return o
}

func (c *Cluster) subnetID() string {
	return "/subscriptions/" + c.SubscriptionID + "/resourceGroups/" + c.ResourceGroup +
		"/providers/Microsoft.Network/virtualNetworks/vnet-aks-" + c.Region + "/subnets/snet-aks-nodes"
}

// AgentPools is `az aks nodepool list -o json`.
func (c *Cluster) AgentPools() []obj {
	out := make([]obj, 0, len(c.Pools))
	for _, p := range c.Pools {
		o := c.poolProfile(p)
		o["id"] = c.ID + "/agentPools/" + p.Name
		o["resourceGroup"] = c.ResourceGroup
		o["type"] = "Microsoft.ContainerService/managedClusters/agentPools"
		o["typePropertiesType"] = "VirtualMachineScaleSets"
		out = append(out, o)
	}
	return out
}

// ManagedCluster is `az aks show -o json`.
func (c *Cluster) ManagedCluster() obj {
	profiles := make([]obj, 0, len(c.Pools))
	for _, p := range c.Pools {
		o := c.poolProfile(p)
		o["type"] = "VirtualMachineScaleSets"
		profiles = append(profiles, o)
	}
	identityID := "/subscriptions/" + c.SubscriptionID + "/resourcegroups/" + strings.ToLower(c.NodeResourceGroup) +
		"/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + c.Name + "-agentpool"
	return obj{
		"aadProfile": obj{"adminGroupObjectIDs": []string{c.uid(tagMisc, 0, 960)}, "adminUsers": nil, "clientAppId": nil,
			"enableAzureRbac": true, "managed": true, "serverAppId": nil, "serverAppSecret": nil, "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
		"addonProfiles": obj{
			"azureKeyvaultSecretsProvider": obj{"config": obj{"enableSecretRotation": "true", "rotationPollInterval": "2m"}, "enabled": true, "identity": nil},
			"azurepolicy":                  obj{"config": nil, "enabled": false, "identity": nil},
			"omsagent": obj{"config": obj{"logAnalyticsWorkspaceResourceID": "/subscriptions/" + c.SubscriptionID +
				"/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-platform-prod", "useAADAuth": "true"},
				"enabled": true, "identity": nil},
		},
		"agentPoolProfiles":          profiles,
		"aiToolchainOperatorProfile": nil,
		"apiServerAccessProfile":     nil,
		"autoScalerProfile": obj{"balanceSimilarNodeGroups": "false", "daemonsetEvictionForEmptyNodes": false,
			"daemonsetEvictionForOccupiedNodes": true, "expander": "random", "ignoreDaemonsetsUtilization": false,
			"maxEmptyBulkDelete": "10", "maxGracefulTerminationSec": "600", "maxNodeProvisionTime": "15m",
			"maxTotalUnreadyPercentage": "45", "newPodScaleUpDelay": "0s", "okTotalUnreadyCount": "3",
			"scaleDownDelayAfterAdd": "10m", "scaleDownDelayAfterDelete": "10s", "scaleDownDelayAfterFailure": "3m",
			"scaleDownUnneededTime": "10m", "scaleDownUnreadyTime": "20m", "scaleDownUtilizationThreshold": "0.5",
			"scanInterval": "10s", "skipNodesWithLocalStorage": "false", "skipNodesWithSystemPods": "true"},
		"autoUpgradeProfile":       obj{"nodeOsUpgradeChannel": "NodeImage", "upgradeChannel": "patch"},
		"azureMonitorProfile":      nil,
		"azurePortalFqdn":          strings.Replace(c.FQDN, ".hcp.", ".portal.hcp.", 1),
		"bootstrapProfile":         obj{"artifactSource": "Direct", "containerRegistryId": nil},
		"currentKubernetesVersion": c.KubernetesVersion,
		"disableLocalAccounts":     true,
		"diskEncryptionSetId":      nil,
		"dnsPrefix":                c.Name + "-dns",
		"eTag":                     c.uid(tagMisc, 0, 961),
		"enableRbac":               true,
		"extendedLocation":         nil,
		"fqdn":                     c.FQDN,
		"fqdnSubdomain":            nil,
		"httpProxyConfig":          nil,
		"id":                       c.ID,
		"identity":                 obj{"delegatedResources": nil, "principalId": c.uid(tagMisc, 0, 962), "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47", "type": "SystemAssigned", "userAssignedIdentities": nil},
		"identityProfile":          obj{"kubeletidentity": obj{"clientId": c.uid(tagMisc, 0, 901), "objectId": c.uid(tagMisc, 0, 963), "resourceId": identityID}},
		"ingressProfile":           nil,
		"kind":                     "Base",
		"kubernetesVersion":        c.KubernetesVersion,
		"linuxProfile":             nil,
		"location":                 c.Region,
		"maxAgentPools":            100,
		"metricsProfile":           obj{"costAnalysis": obj{"enabled": false}},
		"name":                     c.Name,
		"networkProfile": obj{"advancedNetworking": nil, "dnsServiceIp": dnsService, "ipFamilies": []string{"IPv4"},
			"loadBalancerProfile": obj{"allocatedOutboundPorts": nil, "backendPoolType": "nodeIPConfiguration",
				"effectiveOutboundIPs": []obj{{"id": "/subscriptions/" + c.SubscriptionID + "/resourceGroups/" + c.NodeResourceGroup +
					"/providers/Microsoft.Network/publicIPAddresses/" + c.uid(tagMisc, 0, 964), "resourceGroup": c.NodeResourceGroup}},
				"enableMultipleStandardLoadBalancers": nil, "idleTimeoutInMinutes": nil,
				"managedOutboundIPs": obj{"count": 2, "countIpv6": nil}, "outboundIPs": nil, "outboundIpPrefixes": nil},
			"loadBalancerSku": "standard", "natGatewayProfile": nil, "networkDataplane": "azure", "networkMode": nil,
			"networkPlugin": "azure", "networkPluginMode": "overlay", "networkPolicy": "none", "outboundType": "loadBalancer",
			"podCidr": podCIDR, "podCidrs": []string{podCIDR}, "serviceCidr": serviceCIDR, "serviceCidrs": []string{serviceCIDR},
			"staticEgressGatewayProfile": nil},
		"nodeProvisioningProfile":  obj{"defaultNodePools": "Auto", "mode": "Manual"},
		"nodeResourceGroup":        c.NodeResourceGroup,
		"nodeResourceGroupProfile": nil,
		"oidcIssuerProfile":        obj{"enabled": true, "issuerUrl": "https://" + c.Region + ".oic.prod-aks.azure.com/" + c.uid(tagMisc, 0, 965) + "/" + c.uid(tagMisc, 0, 966) + "/"},
		"podIdentityProfile":       nil,
		"powerState":               obj{"code": "Running"},
		"privateFqdn":              nil,
		"privateLinkResources":     nil,
		"provisioningState":        "Succeeded",
		"publicNetworkAccess":      nil,
		"resourceGroup":            c.ResourceGroup,
		"resourceUid":              hex64(c.key(tagMisc, 0, 967))[:24],
		"securityProfile": obj{"azureKeyVaultKms": nil, "customCaTrustCertificates": nil, "defender": nil,
			"imageCleaner": obj{"enabled": true, "intervalHours": 168}, "imageIntegrity": nil, "nodeRestriction": nil,
			"workloadIdentity": obj{"enabled": true}},
		"serviceMeshProfile":      nil,
		"servicePrincipalProfile": obj{"clientId": "msi", "secret": nil},
		"sku":                     obj{"name": "Base", "tier": "Standard"},
		"status":                  nil,
		"storageProfile": obj{"blobCsiDriver": nil, "diskCsiDriver": obj{"enabled": true, "version": "v1"},
			"fileCsiDriver": obj{"enabled": true}, "snapshotController": obj{"enabled": true}},
		"supportPlan":               "KubernetesOfficial",
		"systemData":                nil,
		"tags":                      obj{"costCenter": "platform", "environment": "prod"},
		"type":                      "Microsoft.ContainerService/ManagedClusters",
		"upgradeSettings":           nil,
		"windowsProfile":            nil,
		"workloadAutoScalerProfile": obj{"keda": nil, "verticalPodAutoscaler": nil},
	}
}

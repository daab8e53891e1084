package files

import (
	"encoding/json"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// ARM and the az CLI spell some keys differently (osSKU/osSku, vnetSubnetID/vnetSubnetId,
// enableNodePublicIP/enableNodePublicIp, osDiskSizeGB/osDiskSizeGb, enableFIPS/enableFips,
// privateFQDN/privateFqdn, nodeOSUpgradeChannel/nodeOsUpgradeChannel). The structs below carry the
// ARM spelling; encoding/json matches object keys case-insensitively when no exact match exists,
// which is precisely the difference, so one struct reads both (tests pin this down). The one
// difference that is not about case is the pool type: see poolType.

type powerState struct {
	Code string `json:"code"`
}

type poolProps struct {
	Name                       string            `json:"name"`
	Count                      *int              `json:"count"`
	VMSize                     string            `json:"vmSize"`
	OSDiskSizeGB               *int              `json:"osDiskSizeGB"`
	OSDiskType                 string            `json:"osDiskType"`
	MaxPods                    *int              `json:"maxPods"`
	OSType                     string            `json:"osType"`
	OSSKU                      string            `json:"osSKU"`
	MaxCount                   *int              `json:"maxCount"`
	MinCount                   *int              `json:"minCount"`
	EnableAutoScaling          *bool             `json:"enableAutoScaling"`
	ScaleDownMode              string            `json:"scaleDownMode"`
	Type                       string            `json:"type"`
	TypePropertiesType         string            `json:"typePropertiesType"`
	Mode                       *string           `json:"mode"`
	OrchestratorVersion        string            `json:"orchestratorVersion"`
	CurrentOrchestratorVersion string            `json:"currentOrchestratorVersion"`
	NodeImageVersion           string            `json:"nodeImageVersion"`
	ProvisioningState          string            `json:"provisioningState"`
	PowerState                 *powerState       `json:"powerState"`
	AvailabilityZones          []string          `json:"availabilityZones"`
	EnableNodePublicIP         *bool             `json:"enableNodePublicIP"`
	EnableEncryptionAtHost     *bool             `json:"enableEncryptionAtHost"`
	EnableFIPS                 *bool             `json:"enableFIPS"`
	ScaleSetPriority           string            `json:"scaleSetPriority"`
	VnetSubnetID               string            `json:"vnetSubnetID"`
	Tags                       map[string]string `json:"tags"`
	NodeLabels                 map[string]string `json:"nodeLabels"`
	NodeTaints                 []string          `json:"nodeTaints"`
	SecurityProfile            *struct {
		SSHAccess string `json:"sshAccess"`
	} `json:"securityProfile"`
	UpgradeSettings *struct {
		MaxSurge                  *string `json:"maxSurge"`
		MaxUnavailable            *string `json:"maxUnavailable"`
		DrainTimeoutInMinutes     *int    `json:"drainTimeoutInMinutes"`
		NodeSoakDurationInMinutes *int    `json:"nodeSoakDurationInMinutes"`
		UndrainableNodeBehavior   *string `json:"undrainableNodeBehavior"`
	} `json:"upgradeSettings"`
}

type clusterProps struct {
	KubernetesVersion        string      `json:"kubernetesVersion"`
	CurrentKubernetesVersion string      `json:"currentKubernetesVersion"`
	ProvisioningState        string      `json:"provisioningState"`
	PowerState               *powerState `json:"powerState"`
	NodeResourceGroup        string      `json:"nodeResourceGroup"`
	FQDN                     string      `json:"fqdn"`
	PrivateFQDN              string      `json:"privateFQDN"`
	NetworkProfile           *struct {
		NetworkPlugin     string `json:"networkPlugin"`
		NetworkPluginMode string `json:"networkPluginMode"`
	} `json:"networkProfile"`
	AutoUpgradeProfile *struct {
		UpgradeChannel       string `json:"upgradeChannel"`
		NodeOSUpgradeChannel string `json:"nodeOSUpgradeChannel"`
	} `json:"autoUpgradeProfile"`
	NodeProvisioningProfile *struct {
		Mode string `json:"mode"`
	} `json:"nodeProvisioningProfile"`
	HostedSystemProfile *struct {
		Enabled *bool `json:"enabled"`
	} `json:"hostedSystemProfile"`
	SupportPlan string `json:"supportPlan"`
	// AgentPoolProfiles is kept raw: each profile is decoded as a pool of its own so that errors
	// point into it.
	AgentPoolProfiles *[]json.RawMessage `json:"agentPoolProfiles"`
}

// envelope is the ARM resource frame; az prints the same keys flattened among the properties.
type envelope struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Type          string            `json:"type"`
	Location      string            `json:"location"`
	ResourceGroup string            `json:"resourceGroup"`
	Tags          map[string]string `json:"tags"`
	SKU           *struct {
		Name string `json:"name"`
		Tier string `json:"tier"`
	} `json:"sku"`
	Properties json.RawMessage `json:"properties"`
}

// poolType returns the pool's VM set type. In az output `type` is the ARM resource type
// ("Microsoft.ContainerService/managedClusters/agentPools") and the pool type moves to
// `typePropertiesType`; inside agentPoolProfiles and ARM properties `type` is the pool type.
func (p poolProps) poolType() string {
	if p.TypePropertiesType != "" {
		return p.TypePropertiesType
	}
	if strings.Contains(p.Type, "/") {
		return ""
	}
	return p.Type
}

// toPool converts the properties. It leaves Mode empty when the source had none: whether that
// becomes a defaulted User pool is decided once all sources are merged.
func (p poolProps) toPool(o object, name string) (snapshot.Pool, error) {
	pool := snapshot.Pool{
		Name:                       name,
		Count:                      p.Count,
		MinCount:                   p.MinCount,
		MaxCount:                   p.MaxCount,
		VMSize:                     p.VMSize,
		OSType:                     p.OSType,
		OSSKU:                      p.OSSKU,
		OSDiskType:                 p.OSDiskType,
		OSDiskSizeGB:               p.OSDiskSizeGB,
		MaxPods:                    p.MaxPods,
		Zones:                      sliceOrNil(p.AvailabilityZones),
		Labels:                     mapOrNil(p.NodeLabels),
		Tags:                       mapOrNil(p.Tags),
		ScaleSetPriority:           p.ScaleSetPriority,
		Type:                       p.poolType(),
		OrchestratorVersion:        p.OrchestratorVersion,
		CurrentOrchestratorVersion: p.CurrentOrchestratorVersion,
		NodeImageVersion:           p.NodeImageVersion,
		ProvisioningState:          p.ProvisioningState,
		EnableNodePublicIP:         p.EnableNodePublicIP,
		EnableEncryptionAtHost:     p.EnableEncryptionAtHost,
		EnableFIPS:                 p.EnableFIPS,
		VnetSubnetID:               p.VnetSubnetID,
		ScaleDownMode:              p.ScaleDownMode,
	}
	if p.Mode != nil {
		pool.Mode = *p.Mode
	}
	if p.EnableAutoScaling != nil {
		pool.EnableAutoScaling = *p.EnableAutoScaling
	}
	if p.PowerState != nil {
		pool.PowerState = p.PowerState.Code
	}
	if p.SecurityProfile != nil {
		pool.SSHAccess = p.SecurityProfile.SSHAccess
	}
	if u := p.UpgradeSettings; u != nil {
		pool.Upgrade = snapshot.UpgradeSettings{
			MaxSurge:                  deref(u.MaxSurge),
			MaxUnavailable:            deref(u.MaxUnavailable),
			DrainTimeoutInMinutes:     u.DrainTimeoutInMinutes,
			NodeSoakDurationInMinutes: u.NodeSoakDurationInMinutes,
			UndrainableNodeBehavior:   deref(u.UndrainableNodeBehavior),
		}
	}
	for _, s := range p.NodeTaints {
		t, err := parseTaint(s)
		if err != nil {
			return pool, o.errorf(s, "%spool %q: node taint %q does not parse: %v; expected key=value:Effect "+
				"(value optional) with Effect one of NoSchedule, PreferNoSchedule, NoExecute", o.where(), name, s, err)
		}
		pool.Taints = append(pool.Taints, t)
	}
	return pool, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (c clusterProps) fill(dst *snapshot.Cluster) {
	dst.KubernetesVersion = c.KubernetesVersion
	dst.CurrentKubernetesVersion = c.CurrentKubernetesVersion
	dst.ProvisioningState = c.ProvisioningState
	dst.NodeResourceGroup = c.NodeResourceGroup
	dst.FQDN = c.FQDN
	dst.PrivateFQDN = c.PrivateFQDN
	if c.PowerState != nil {
		dst.PowerState = c.PowerState.Code
	}
	if n := c.NetworkProfile; n != nil {
		dst.NetworkPlugin, dst.NetworkPluginMode = n.NetworkPlugin, n.NetworkPluginMode
	}
	if a := c.AutoUpgradeProfile; a != nil {
		dst.UpgradeChannel, dst.NodeOSUpgradeChannel = a.UpgradeChannel, a.NodeOSUpgradeChannel
		if dst.UpgradeChannel == "" {
			// The API and az print a cluster without auto-upgrade as "upgradeChannel": null inside
			// a present profile; "none" is its documented default. A missing profile (older API
			// versions) stays empty: rules report that as not captured rather than as none.
			dst.UpgradeChannel = "none"
		}
	}
	dst.SupportPlan = c.SupportPlan
	if n := c.NodeProvisioningProfile; n != nil {
		dst.NodeProvisioningMode = n.Mode
	}
	if h := c.HostedSystemProfile; h != nil && h.Enabled != nil {
		dst.HostedSystemPool = *h.Enabled
	}
}

// resourceID is what an ARM id says about the cluster it belongs to.
type resourceID struct {
	Subscription, ResourceGroup, Cluster, Pool string
}

// parseID reads /subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/
// managedClusters/C[/agentPools/P]. ARM treats the segment names case-insensitively, and az prints
// "resourcegroups" in pool ids, so matching is case-insensitive.
func parseID(id string) resourceID {
	var r resourceID
	parts := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(parts); i += 2 {
		switch strings.ToLower(parts[i]) {
		case "subscriptions":
			r.Subscription = parts[i+1]
		case "resourcegroups":
			r.ResourceGroup = parts[i+1]
		case "managedclusters":
			r.Cluster = parts[i+1]
		case "agentpools":
			r.Pool = parts[i+1]
		}
	}
	return r
}

// clusterKey identifies a cluster for the "two clusters in one run" check, case-insensitively as
// ARM compares ids.
func (r resourceID) clusterKey() string {
	if r.Cluster == "" {
		return ""
	}
	return strings.ToLower(r.Subscription + "/" + r.ResourceGroup + "/" + r.Cluster)
}

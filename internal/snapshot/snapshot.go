// Package snapshot owns syspool's own model of one AKS cluster: the Azure view of its agent pools
// joined with the Kubernetes view of its nodes, pods, workloads and PDBs, plus the provenance of
// every source it was built from. No Azure or Kubernetes SDK type crosses this package's boundary,
// so rules, reports and planners stay independent of how the data was collected.
package snapshot

import (
	"fmt"
	"time"
)

// SchemaVersion is written into every snapshot. Bump it only with a decoder that still reads the
// older versions: saved snapshots are evidence in change tickets and must keep decoding.
const SchemaVersion = 1

// Snapshot is everything syspool knows about one cluster at one moment.
type Snapshot struct {
	SchemaVersion int        `json:"schemaVersion"`
	Provenance    Provenance `json:"provenance"`
	Cluster       Cluster    `json:"cluster"`
	Pools         []Pool     `json:"pools"`
	Nodes         []Node     `json:"nodes"`
	Pods          []Pod      `json:"pods"`
	Workloads     []Workload `json:"workloads"`
	PDBs          []PDB      `json:"pdbs"`
	Coverage      Coverage   `json:"coverage"`
	Notes         []Note     `json:"notes,omitempty"`

	// Digest is "sha256:<hex>" over the canonical encoding of everything else (digest.go,
	// docs/snapshot.md); empty until Seal. It makes a saved snapshot tamper-evident evidence.
	Digest string `json:"digest,omitempty"`
}

// Provenance records where the data came from, so a reviewer can rerun and trust it.
type Provenance struct {
	Tool        string    `json:"tool,omitempty"`
	ToolVersion string    `json:"toolVersion,omitempty"`
	CollectedAt time.Time `json:"collectedAt,omitempty"`
	// Mode is "files" or "live".
	Mode    string   `json:"mode,omitempty"`
	Sources []Source `json:"sources"`
	// Identity of the principal and kube context used for a live collection.
	Identity Identity `json:"identity,omitempty"`
}

// Identity names who looked at which cluster, printed first so nobody approves maintenance
// against the wrong cluster.
type Identity struct {
	TenantID         string `json:"tenantId,omitempty"`
	SubscriptionName string `json:"subscriptionName,omitempty"`
	KubeContext      string `json:"kubeContext,omitempty"`
	APIServer        string `json:"apiServer,omitempty"`
	// ContextMatch says how the kube context was matched to the cluster read from Azure ("matched:
	// the API server ... is the cluster's fqdn"), or why it could not be; live collections only.
	ContextMatch string `json:"contextMatch,omitempty"`
}

// Source is one input: a file, or one live API call family.
type Source struct {
	// Path is the file path, or a URL-like description for live sources.
	Path string `json:"path"`
	// SHA256 of the file bytes (hex). Empty for live sources.
	SHA256 string `json:"sha256,omitempty"`
	// Kind says what the source was read as, e.g. "az aks nodepool list", "kubectl list".
	Kind string `json:"kind"`
	// Objects counts what the source contributed, by data kind.
	Objects map[DataKind]int `json:"objects,omitempty"`
}

// DataKind names one family of data a rule may need.
type DataKind string

const (
	KindCluster     DataKind = "cluster"
	KindPools       DataKind = "pools"
	KindNodes       DataKind = "nodes"
	KindPods        DataKind = "pods"
	KindDeployments DataKind = "deployments"
	KindDaemonSets  DataKind = "daemonsets"
	KindPDBs        DataKind = "pdbs"
)

// AllKinds lists the data kinds in a fixed order.
var AllKinds = []DataKind{KindCluster, KindPools, KindNodes, KindPods, KindDeployments, KindDaemonSets, KindPDBs}

// Coverage says, per data kind, whether it was read and, if not, why. A rule that needs a kind
// that is not present reports error, never pass.
type Coverage map[DataKind]KindCoverage

// KindCoverage is the state of one data kind.
type KindCoverage struct {
	Present bool `json:"present"`
	// Partial is set when only some of the objects could be read (e.g. pods of one namespace).
	Partial bool `json:"partial,omitempty"`
	// Reason explains why the kind is missing or partial.
	Reason string `json:"reason,omitempty"`
	// Scope narrows what was read, e.g. "namespace kube-system" for `kubectl get pods -n kube-system`.
	Scope string `json:"scope,omitempty"`
}

// Has reports whether kind k was fully read.
func (c Coverage) Has(k DataKind) bool {
	kc, ok := c[k]
	return ok && kc.Present && !kc.Partial
}

// Note is something the reader or collector wants the user to know, e.g. that a pool had no mode
// and was treated as User, as the API does.
type Note struct {
	Source  string `json:"source,omitempty"`
	Message string `json:"message"`
}

// Cluster is the managed cluster itself.
type Cluster struct {
	ID                       string            `json:"id,omitempty"`
	Name                     string            `json:"name,omitempty"`
	ResourceGroup            string            `json:"resourceGroup,omitempty"`
	SubscriptionID           string            `json:"subscriptionId,omitempty"`
	Location                 string            `json:"location,omitempty"`
	Tags                     map[string]string `json:"tags,omitempty"`
	KubernetesVersion        string            `json:"kubernetesVersion,omitempty"`
	CurrentKubernetesVersion string            `json:"currentKubernetesVersion,omitempty"`
	ProvisioningState        string            `json:"provisioningState,omitempty"`
	PowerState               string            `json:"powerState,omitempty"`
	SKUName                  string            `json:"skuName,omitempty"`
	SKUTier                  string            `json:"skuTier,omitempty"`
	// HostedSystemPool is set for AKS Automatic clusters whose system pool is managed by AKS and
	// not listed among the agent pools.
	HostedSystemPool     bool   `json:"hostedSystemPool,omitempty"`
	NodeResourceGroup    string `json:"nodeResourceGroup,omitempty"`
	FQDN                 string `json:"fqdn,omitempty"`
	PrivateFQDN          string `json:"privateFqdn,omitempty"`
	NetworkPlugin        string `json:"networkPlugin,omitempty"`
	NetworkPluginMode    string `json:"networkPluginMode,omitempty"`
	UpgradeChannel       string `json:"upgradeChannel,omitempty"`
	NodeOSUpgradeChannel string `json:"nodeOsUpgradeChannel,omitempty"`
	// NodeProvisioningMode is "Auto" when Node Auto Provisioning (Karpenter) creates nodes that
	// belong to no agent pool.
	NodeProvisioningMode string `json:"nodeProvisioningMode,omitempty"`
	// SupportPlan is "KubernetesOfficial" or "AKSLongTermSupport" (properties.supportPlan); with
	// LTS a minor version stays supported for a year past its community end of life.
	SupportPlan string `json:"supportPlan,omitempty"`
}

// Stopped reports whether the whole cluster is stopped (az aks stop).
func (c Cluster) Stopped() bool { return equalFold(c.PowerState, "Stopped") }

// Mode values as the AKS API spells them (case-sensitive there).
const (
	ModeSystem  = "System"
	ModeUser    = "User"
	ModeGateway = "Gateway"
)

// Pool is one AKS agent pool.
type Pool struct {
	Name string `json:"name"`
	// Mode as read; ModeDefaulted is set when the source had no mode and the pool was treated as
	// User, which is what the API did for versions before 2020-03-01.
	Mode              string            `json:"mode"`
	ModeDefaulted     bool              `json:"modeDefaulted,omitempty"`
	Count             *int              `json:"count,omitempty"`
	EnableAutoScaling bool              `json:"enableAutoScaling,omitempty"`
	MinCount          *int              `json:"minCount,omitempty"`
	MaxCount          *int              `json:"maxCount,omitempty"`
	VMSize            string            `json:"vmSize,omitempty"`
	OSType            string            `json:"osType,omitempty"`
	OSSKU             string            `json:"osSku,omitempty"`
	OSDiskType        string            `json:"osDiskType,omitempty"`
	OSDiskSizeGB      *int              `json:"osDiskSizeGb,omitempty"`
	MaxPods           *int              `json:"maxPods,omitempty"`
	Zones             []string          `json:"zones,omitempty"`
	Taints            []Taint           `json:"taints,omitempty"`
	Labels            map[string]string `json:"labels,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"`
	ScaleSetPriority  string            `json:"scaleSetPriority,omitempty"`
	Type              string            `json:"type,omitempty"`
	// OrchestratorVersion is the requested version; CurrentOrchestratorVersion what runs.
	OrchestratorVersion        string          `json:"orchestratorVersion,omitempty"`
	CurrentOrchestratorVersion string          `json:"currentOrchestratorVersion,omitempty"`
	NodeImageVersion           string          `json:"nodeImageVersion,omitempty"`
	ProvisioningState          string          `json:"provisioningState,omitempty"`
	PowerState                 string          `json:"powerState,omitempty"`
	EnableNodePublicIP         *bool           `json:"enableNodePublicIp,omitempty"`
	EnableEncryptionAtHost     *bool           `json:"enableEncryptionAtHost,omitempty"`
	EnableFIPS                 *bool           `json:"enableFips,omitempty"`
	VnetSubnetID               string          `json:"vnetSubnetId,omitempty"`
	ScaleDownMode              string          `json:"scaleDownMode,omitempty"`
	SSHAccess                  string          `json:"sshAccess,omitempty"`
	Upgrade                    UpgradeSettings `json:"upgradeSettings,omitempty"`
}

// UpgradeSettings are the pool's surge upgrade settings.
type UpgradeSettings struct {
	MaxSurge                  string `json:"maxSurge,omitempty"`
	MaxUnavailable            string `json:"maxUnavailable,omitempty"`
	DrainTimeoutInMinutes     *int   `json:"drainTimeoutInMinutes,omitempty"`
	NodeSoakDurationInMinutes *int   `json:"nodeSoakDurationInMinutes,omitempty"`
	UndrainableNodeBehavior   string `json:"undrainableNodeBehavior,omitempty"`
}

// IsSystem reports whether the pool is a System pool. The API compares mode case-sensitively.
func (p Pool) IsSystem() bool { return p.Mode == ModeSystem }

// IsSpot reports whether the pool runs on Spot VMs.
func (p Pool) IsSpot() bool { return equalFold(p.ScaleSetPriority, "Spot") }

// IsWindows reports whether the pool runs Windows nodes.
func (p Pool) IsWindows() bool { return equalFold(p.OSType, "Windows") }

// EffectiveMinNodes is the node count a pool is guaranteed to keep: minCount when the cluster
// autoscaler owns the pool, else count. ok is false when the needed field is missing.
func (p Pool) EffectiveMinNodes() (n int, ok bool) {
	if p.EnableAutoScaling {
		if p.MinCount == nil {
			return 0, false
		}
		return *p.MinCount, true
	}
	if p.Count == nil {
		return 0, false
	}
	return *p.Count, true
}

// Taint is a Kubernetes taint, on a pool (parsed from "key=value:Effect") or on a node.
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"`
}

func (t Taint) String() string {
	if t.Value == "" {
		return t.Key + ":" + t.Effect
	}
	return t.Key + "=" + t.Value + ":" + t.Effect
}

// Toleration is a pod toleration.
type Toleration struct {
	Key      string `json:"key,omitempty"`
	Operator string `json:"operator,omitempty"`
	Value    string `json:"value,omitempty"`
	Effect   string `json:"effect,omitempty"`
	// TolerationSeconds is kept only so round trips do not lose it.
	TolerationSeconds *int64 `json:"tolerationSeconds,omitempty"`
}

func (t Toleration) String() string {
	s := t.Key
	if s == "" {
		s = "*"
	}
	if t.Operator == "Exists" {
		s += " Exists"
	} else if t.Value != "" {
		s += "=" + t.Value
	}
	if t.Effect != "" {
		s += ":" + t.Effect
	}
	return s
}

// Resources are quantities syspool reasons about, in canonical units.
type Resources struct {
	MilliCPU    int64 `json:"milliCpu,omitempty"`
	MemoryBytes int64 `json:"memoryBytes,omitempty"`
	Pods        int64 `json:"pods,omitempty"`
}

// Node is one Kubernetes node.
type Node struct {
	Name string `json:"name"`
	// Pool is the agent pool this node was joined to ("" when it matched none).
	Pool string `json:"pool,omitempty"`
	// ModeLabel is the value of kubernetes.azure.com/mode, lowercase in practice.
	ModeLabel     string            `json:"modeLabel,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Taints        []Taint           `json:"taints,omitempty"`
	Unschedulable bool              `json:"unschedulable,omitempty"`
	// Ready is "True", "False" or "Unknown" as the Ready condition says; "" when absent.
	Ready            string    `json:"ready"`
	Conditions       []string  `json:"pressureConditions,omitempty"`
	Capacity         Resources `json:"capacity"`
	Allocatable      Resources `json:"allocatable"`
	Zone             string    `json:"zone,omitempty"`
	InstanceType     string    `json:"instanceType,omitempty"`
	NodeImageVersion string    `json:"nodeImageVersion,omitempty"`
	KubeletVersion   string    `json:"kubeletVersion,omitempty"`
	OS               string    `json:"os,omitempty"`
	CreatedAt        time.Time `json:"createdAt,omitempty"`
}

// IsReady reports whether the node's Ready condition is True.
func (n Node) IsReady() bool { return n.Ready == "True" }

// Owner is the controller of a pod or a ReplicaSet, resolved to the workload a human names.
type Owner struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Pod is one pod, reduced to what syspool reasons about.
type Pod struct {
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	NodeName  string            `json:"nodeName,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
	// Owner is the direct controller (e.g. ReplicaSet); Workload the top-level one (Deployment).
	Owner             Owner             `json:"owner,omitempty"`
	Workload          Owner             `json:"workload,omitempty"`
	Phase             string            `json:"phase,omitempty"`
	Ready             bool              `json:"ready,omitempty"`
	PriorityClassName string            `json:"priorityClassName,omitempty"`
	Tolerations       []Toleration      `json:"tolerations,omitempty"`
	NodeSelector      map[string]string `json:"nodeSelector,omitempty"`
	// RequiredNodeAffinity holds requiredDuringSchedulingIgnoredDuringExecution terms (ORed).
	RequiredNodeAffinity []NodeSelectorTerm `json:"requiredNodeAffinity,omitempty"`
	Requests             Resources          `json:"requests"`
	Restarts             int32              `json:"restarts,omitempty"`
	// WaitingReason is the first container waiting reason seen, e.g. CrashLoopBackOff.
	WaitingReason string `json:"waitingReason,omitempty"`
	// Unschedulable carries the scheduler's message when PodScheduled is False.
	Unschedulable string    `json:"unschedulable,omitempty"`
	CreatedAt     time.Time `json:"createdAt,omitempty"`
	Terminating   bool      `json:"terminating,omitempty"`

	// RequiredAntiAffinity holds requiredDuringSchedulingIgnoredDuringExecution pod anti-affinity
	// terms; TopologySpread the topology spread constraints (types in scheduling.go). Both are
	// optional: what-if simulations honour them when a reader fills them in.
	RequiredAntiAffinity []PodAffinityTerm          `json:"requiredAntiAffinity,omitempty"`
	TopologySpread       []TopologySpreadConstraint `json:"topologySpread,omitempty"`
}

// IsDaemonSetPod reports whether the pod is controlled by a DaemonSet.
func (p Pod) IsDaemonSetPod() bool { return p.Owner.Kind == "DaemonSet" }

// IsFinished reports whether the pod has run to completion and holds no resources.
func (p Pod) IsFinished() bool { return p.Phase == "Succeeded" || p.Phase == "Failed" }

// NodeSelectorTerm mirrors a Kubernetes node selector term.
type NodeSelectorTerm struct {
	MatchExpressions []Requirement `json:"matchExpressions,omitempty"`
	MatchFields      []Requirement `json:"matchFields,omitempty"`
}

// Requirement is one label (or field) selector requirement.
type Requirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

// LabelSelector mirrors metav1.LabelSelector.
type LabelSelector struct {
	MatchLabels      map[string]string `json:"matchLabels,omitempty"`
	MatchExpressions []Requirement     `json:"matchExpressions,omitempty"`
}

// Workload is a Deployment, DaemonSet or StatefulSet.
type Workload struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Replicas is the desired replica count (DaemonSets: desiredNumberScheduled).
	Replicas      int32             `json:"replicas"`
	ReadyReplicas int32             `json:"readyReplicas"`
	NodeSelector  map[string]string `json:"nodeSelector,omitempty"`
	Tolerations   []Toleration      `json:"tolerations,omitempty"`
}

// PDB is a PodDisruptionBudget.
type PDB struct {
	Namespace string        `json:"namespace"`
	Name      string        `json:"name"`
	Selector  LabelSelector `json:"selector"`
	// Labels are the PDB's own labels: they tell budgets AKS reconciles from the user's.
	Labels map[string]string `json:"labels,omitempty"`
	// MinAvailable and MaxUnavailable keep the int-or-percent spelling ("1", "50%"); "" when unset.
	MinAvailable       string `json:"minAvailable,omitempty"`
	MaxUnavailable     string `json:"maxUnavailable,omitempty"`
	CurrentHealthy     int32  `json:"currentHealthy"`
	DesiredHealthy     int32  `json:"desiredHealthy"`
	DisruptionsAllowed int32  `json:"disruptionsAllowed"`
	ExpectedPods       int32  `json:"expectedPods"`
}

// KindSystemPods is a need, not a collected kind: kube-system pods are enough. A capture of
// `kubectl get pods -n kube-system` satisfies it; `kubectl get pods -A` does too.
const KindSystemPods DataKind = "pods/kube-system"

var kindHints = map[DataKind]string{
	KindCluster:     "az aks show -o json (or the ARM managedClusters body)",
	KindPools:       "az aks nodepool list -o json (or az aks show)",
	KindNodes:       "kubectl get nodes -o json",
	KindPods:        "kubectl get pods -A -o json",
	KindSystemPods:  "kubectl get pods -n kube-system -o json",
	KindDeployments: "kubectl get deployments -A -o json",
	KindDaemonSets:  "kubectl get daemonsets -A -o json",
	KindPDBs:        "kubectl get pdb -A -o json",
}

// Satisfies reports whether the need k is met and, if not, says why and what to capture.
func (c Coverage) Satisfies(k DataKind) (bool, string) {
	probe := k
	if k == KindSystemPods {
		probe = KindPods
	}
	kc, ok := c[probe]
	hint := kindHints[k]
	switch {
	case !ok || !kc.Present:
		why := kc.Reason
		if why == "" {
			why = "no source was given"
		}
		return false, fmt.Sprintf("needs %s: %s (capture with `%s`)", k, why, hint)
	case k == KindSystemPods && kc.Partial && kc.Scope == "namespace kube-system":
		return true, ""
	case kc.Partial:
		why := kc.Reason
		if why == "" && kc.Scope != "" {
			why = "only " + kc.Scope + " was read"
		}
		return false, fmt.Sprintf("needs %s: %s (capture with `%s`)", k, why, hint)
	}
	return true, ""
}

package plan

import (
	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

// SchemaVersion is written into every JSON plan; bump it only with a reader for the old one.
const SchemaVersion = 1

// Action is what the operator asks to plan.
type Action string

const (
	Add     Action = "add"
	Resize  Action = "resize"
	Replace Action = "replace"
	Upgrade Action = "upgrade"
	Remove  Action = "remove"
)

// Actions lists every action in the order help text shows them.
var Actions = []Action{Add, Resize, Replace, Upgrade, Remove}

// Retire says what happens to the old pool once its replacement runs the system pods.
type Retire string

const (
	// RetireDelete drains every pod off the old pool, then deletes it.
	RetireDelete Retire = "delete"
	// RetireDemote moves only the kube-system pods, then turns the old pool into a User pool
	// and lets applications back on it.
	RetireDemote Retire = "demote"
)

// Request is one planned change.
type Request struct {
	Action Action `json:"action"`
	// Pool is the existing pool acted on (resize, replace, upgrade, remove).
	Pool string `json:"pool,omitempty"`
	// New is the pool to create (add, resize, replace); unset fields are copied from Pool.
	New    PoolSpec `json:"new,omitempty"`
	Retire Retire   `json:"retire,omitempty"`
	// KubernetesVersion is the upgrade target; NodeImageOnly upgrades the node image only.
	KubernetesVersion string                   `json:"kubernetesVersion,omitempty"`
	NodeImageOnly     bool                     `json:"nodeImageOnly,omitempty"`
	Upgrade           simulate.UpgradeSettings `json:"upgradeSettings,omitempty"`
}

// PoolSpec is a pool to create. Pointers and empty values mean "not given": the planner copies
// them from the pool being replaced, or takes the AKS default for an added pool.
type PoolSpec struct {
	Name   string            `json:"name,omitempty"`
	Mode   string            `json:"mode,omitempty"`
	VMSize string            `json:"vmSize,omitempty"`
	Count  int               `json:"count,omitempty"`
	Zones  []string          `json:"zones,omitempty"`
	Taints *[]snapshot.Taint `json:"taints,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	// MaxPods 0 means the network plugin's default.
	MaxPods        int    `json:"maxPods,omitempty"`
	OSType         string `json:"osType,omitempty"`
	OSSKU          string `json:"osSku,omitempty"`
	Spot           bool   `json:"spot,omitempty"`
	MaxSurge       string `json:"maxSurge,omitempty"`
	MaxUnavailable string `json:"maxUnavailable,omitempty"`
	// Autoscale with MinCount and MaxCount puts the cluster autoscaler on the pool.
	Autoscale         bool   `json:"autoscale,omitempty"`
	MinCount          int    `json:"minCount,omitempty"`
	MaxCount          int    `json:"maxCount,omitempty"`
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
}

// Class is what running a step costs: nothing, money, or a change to the cluster.
type Class string

const (
	ReadOnly      Class = "read-only"
	CostImpacting Class = "cost-impacting"
	Mutating      Class = "mutating"
)

// Plan is an ordered runbook. It is never executed by syspool.
type Plan struct {
	SchemaVersion int      `json:"schemaVersion"`
	Title         string   `json:"title"`
	Request       Request  `json:"request"`
	Cluster       Identity `json:"cluster"`
	// Refused gives the reasons AKS (or safety) forbids the request; a refused plan has no steps.
	Refused  []string  `json:"refused,omitempty"`
	Steps    []Step    `json:"steps"`
	Blockers []Blocker `json:"blockers,omitempty"`
	Warnings []string  `json:"warnings,omitempty"`
	// Incomplete names the data the plan lacked, so the reader knows what was not simulated.
	Incomplete  []string          `json:"incomplete,omitempty"`
	Duration    simulate.Estimate `json:"duration"`
	Assumptions []string          `json:"assumptions,omitempty"`
}

// Identity names the cluster the commands address.
type Identity struct {
	Subscription  string `json:"subscription"`
	ResourceGroup string `json:"resourceGroup"`
	Name          string `json:"name"`
	KubeContext   string `json:"kubeContext,omitempty"`
	Location      string `json:"location,omitempty"`
}

// Step is one thing an operator does, with the checks around it.
type Step struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	Class Class  `json:"class"`
	// Commands run in order; each is exact, with the identity filled in.
	Commands []string `json:"commands"`
	// Gate must hold before the commands run; Validate after.
	Gate     *Check `json:"gate,omitempty"`
	Validate *Check `json:"validate,omitempty"`
	// Rollback says how to undo the step, as a command where one exists.
	Rollback string            `json:"rollback"`
	Duration simulate.Estimate `json:"duration"`
	// Notes explain what the simulation predicts for this step.
	Notes    []string              `json:"notes,omitempty"`
	Moves    []simulate.Placement  `json:"moves,omitempty"`
	Unplaced []simulate.Unplaced   `json:"unplaced,omitempty"`
	Added    []simulate.NodeInfo   `json:"addedNodes,omitempty"`
	Effect   Effect                `json:"effect"`
	Blockers []int                 `json:"blockers,omitempty"`
	Upgrade  *simulate.UpgradePlan `json:"upgrade,omitempty"`
}

// Check is a condition and the read-only command that shows whether it holds.
type Check struct {
	Description string   `json:"description"`
	Commands    []string `json:"commands"`
	// Expect says what the output must show.
	Expect string `json:"expect"`
	// Requires is the machine-readable form of the condition (the safety test reads it).
	Requires []Condition `json:"requires,omitempty"`
}

// CondKind is a kind of gate condition.
type CondKind string

const (
	// PoolSucceeded: provisioningState Succeeded and powerState Running.
	PoolSucceeded CondKind = "pool-succeeded"
	// NodesReady: every node of the pool is Ready.
	NodesReady CondKind = "nodes-ready"
	// SystemPodsOn: the kube-system Deployment pods run on the pool's nodes.
	SystemPodsOn CondKind = "system-pods-on"
	// PDBsAllow: the PDBs covering the pods to evict allow a disruption.
	PDBsAllow CondKind = "pdbs-allow"
	// NoPending: no pod is Pending.
	NoPending CondKind = "no-pending"
	// ClusterSucceeded: the cluster is Succeeded and Running, with no operation in progress.
	ClusterSucceeded CondKind = "cluster-succeeded"
	// ControlPlaneAt: the control plane runs at least the target version.
	ControlPlaneAt CondKind = "control-plane-at"
	// Quota: the subscription has vCPU quota for the new nodes.
	Quota CondKind = "quota"
)

// Condition is one machine-readable gate condition.
type Condition struct {
	Kind CondKind `json:"kind"`
	Pool string   `json:"pool,omitempty"`
}

// EffectKind is what a step changes about the pools.
type EffectKind string

const (
	NoEffect    EffectKind = "none"
	AddPool     EffectKind = "add-pool"
	DeletePool  EffectKind = "delete-pool"
	SetMode     EffectKind = "set-mode"
	SetTaints   EffectKind = "set-taints"
	CordonPool  EffectKind = "cordon-pool"
	Uncordon    EffectKind = "uncordon-pool"
	DrainNode   EffectKind = "drain-node"
	MovePods    EffectKind = "move-system-pods"
	UpgradePool EffectKind = "upgrade-pool"
	UpdatePool  EffectKind = "update-pool"
)

// Effect is the machine-readable change a step makes.
type Effect struct {
	Kind EffectKind `json:"kind"`
	Pool string     `json:"pool,omitempty"`
	Node string     `json:"node,omitempty"`
	// Mode is the new mode for set-mode and the mode of an added pool.
	Mode string `json:"mode,omitempty"`
}

// Blocker is something that stops the plan as it stands, with the numbers.
type Blocker struct {
	// Step is the number of the step it stops (0: the plan as a whole).
	Step int `json:"step"`
	// Kind is pdb, multiple-pdbs, unplaced or data.
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

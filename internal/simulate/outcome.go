package simulate

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// Outcome is what one scenario did to the simulated cluster.
type Outcome struct {
	Scenario Scenario `json:"scenario"`
	// Summary says in one sentence what was simulated, with the figures that chose it (e.g. why
	// this node is the largest).
	Summary string `json:"summary"`
	// Batches are the steps of the scenario in order: one for a node or zone loss, one per node
	// (or per surge batch) for a drain.
	Batches []Batch `json:"batches"`
	// AddedNodes are the nodes the scenario synthesized (new pool, scale up, surge).
	AddedNodes []NodeInfo `json:"addedNodes,omitempty"`
	// RemovedNodes are the nodes that are gone after the scenario.
	RemovedNodes []string `json:"removedNodes,omitempty"`
	// Upgrade is the resolved surge plan of a surge-upgrade.
	Upgrade *UpgradePlan `json:"upgrade,omitempty"`
	// Assumptions name what the model could not know and what it took instead.
	Assumptions []string `json:"assumptions,omitempty"`
}

// Batch is one set of nodes disrupted together and what happened to their pods.
type Batch struct {
	// Nodes are the nodes drained, lost or removed in this batch.
	Nodes []string `json:"nodes"`
	// Added are nodes that joined before the batch (surge nodes), by name.
	Added      []string    `json:"added,omitempty"`
	Placements []Placement `json:"placements,omitempty"`
	Unplaced   []Unplaced  `json:"unplaced,omitempty"`
	Blockers   []Blocker   `json:"blockers,omitempty"`
	// Lost are pods that no controller recreates (bare pods): eviction deletes them for good.
	Lost []PodRef `json:"lost,omitempty"`
	// NotReplaced counts the displaced pods that Scenario.StopAfterSystem left unplaced without
	// trying them: they come after every kube-system pod in placement order.
	NotReplaced int `json:"notReplaced,omitempty"`
	// Stranded are pods that stay where they are but could not be scheduled there again (e.g.
	// after a NoSchedule taint change): they move, or stay Pending, on their next restart.
	Stranded []PodRef `json:"stranded,omitempty"`
	// Quarantined is set when undrainableNodeBehavior=Cordon left the batch's nodes cordoned with
	// their pods; Stopped when the upgrade stops here (undrainableNodeBehavior=Schedule).
	Quarantined bool `json:"quarantined,omitempty"`
	Stopped     bool `json:"stopped,omitempty"`
}

// PodRef names a pod and what it asks for.
type PodRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Workload is "Kind/name" of the top-level owner, "" for bare pods.
	Workload string             `json:"workload,omitempty"`
	Requests snapshot.Resources `json:"requests"`
}

// System reports whether the pod runs in kube-system, where AKS runs its add-ons.
func (p PodRef) System() bool { return p.Namespace == snapshot.NamespaceKubeSystem }

func (p PodRef) String() string { return p.Namespace + "/" + p.Name }

// Placement is one displaced pod and the node it lands on.
type Placement struct {
	Pod  PodRef `json:"pod"`
	From string `json:"from"`
	To   string `json:"to"`
	// ToPool is the pool of the target node.
	ToPool string `json:"toPool,omitempty"`
}

// Unplaced is a displaced pod that no node accepts, with why, in the scheduler's FitError form:
// how many nodes gave each reason, never one entry per node (a pod that fits nowhere in a
// 5,000-node cluster would otherwise carry 5,000 reasons), plus the few nodes that came closest.
type Unplaced struct {
	Pod  PodRef `json:"pod"`
	From string `json:"from"`
	// Nodes is how many nodes were considered: the N of "0/N nodes are available".
	Nodes int `json:"nodes"`
	// Reasons count the nodes per reason, most first, then by reason. A reason here carries no
	// one node's figures ("insufficient cpu", not "needs 500m, 120m free").
	Reasons []ReasonCount `json:"reasons"`
	// Closest are up to three nodes that got furthest through the scheduler's filters (then
	// those with the most free CPU and memory), with their own figures: where room would help.
	Closest []NodeReason `json:"closest,omitempty"`
}

// ReasonCount is how many nodes reject a pod for one reason.
type ReasonCount struct {
	Reason string `json:"reason"`
	Nodes  int    `json:"nodes"`
}

// NodeReason is why one node rejects one pod, e.g. "insufficient cpu: needs 500m, 120m free".
type NodeReason struct {
	Node   string `json:"node"`
	Pool   string `json:"pool,omitempty"`
	Reason string `json:"reason"`
}

// Summary condenses the reasons the way the scheduler's FailedScheduling event does:
// "0/5 nodes are available: 3× insufficient cpu, 2× untolerated taint CriticalAddonsOnly=true:NoSchedule".
func (u Unplaced) Summary() string { return summary(u.Nodes, u.Reasons) }

// BlockerKind says what stops a drain.
type BlockerKind string

const (
	// BlockPDB: the budget left is smaller than the disruptions the batch needs.
	BlockPDB BlockerKind = "pdb"
	// BlockMultiplePDBs: a pod selected by more than one PDB cannot be evicted (HTTP 500).
	BlockMultiplePDBs BlockerKind = "multiple-pdbs"
	// ViolatedPDB: an involuntary loss leaves a PDB below its desired healthy count (nothing is
	// blocked; the budget is broken).
	ViolatedPDB BlockerKind = "pdb-violated"
)

// Blocker is a PDB that stops (or, for involuntary losses, is broken by) a batch, with the
// arithmetic.
type Blocker struct {
	Kind BlockerKind `json:"kind"`
	// PDB is "namespace/name"; PDBs lists every budget for BlockMultiplePDBs.
	PDB  string   `json:"pdb,omitempty"`
	PDBs []string `json:"pdbs,omitempty"`
	// Pods are the pods the blocker holds on their nodes.
	Pods []string `json:"pods"`
	// Unhealthy are the pods the budget selects that it does not count as healthy (not Ready or
	// terminating) in the capture: they, not the budget, use up its room.
	Unhealthy []string `json:"unhealthyPods,omitempty"`
	// Budget figures at the start of the batch.
	Healthy  int `json:"currentHealthy"`
	Desired  int `json:"desiredHealthy"`
	Expected int `json:"expectedPods"`
	Allowed  int `json:"disruptionsAllowed"`
	// Needed is the disruptions the batch needs: pods that find no node, plus one if any does.
	Needed int `json:"disruptionsNeeded"`
	// Message says it all in one sentence.
	Message string `json:"message"`
}

// NodeInfo describes a synthesized node.
type NodeInfo struct {
	Name        string             `json:"name"`
	Pool        string             `json:"pool"`
	Zone        string             `json:"zone,omitempty"`
	Allocatable snapshot.Resources `json:"allocatable"`
	// AllocatableFrom says where the figures came from: a node of the same size, or the VM size
	// table minus the AKS reservations.
	AllocatableFrom string `json:"allocatableFrom"`
	// DaemonSetRequests is what the DaemonSets that would run there request.
	DaemonSetRequests snapshot.Resources `json:"daemonSetRequests"`
}

// Unplaced returns every pod that found no node, over all batches.
func (o *Outcome) Unplaced() []Unplaced {
	var out []Unplaced
	for _, b := range o.Batches {
		out = append(out, b.Unplaced...)
	}
	return out
}

// Blockers returns every blocker, over all batches.
func (o *Outcome) Blockers() []Blocker {
	var out []Blocker
	for _, b := range o.Batches {
		out = append(out, b.Blockers...)
	}
	return out
}

// NotReplaced counts the displaced pods left untried, over all batches (Scenario.StopAfterSystem).
func (o *Outcome) NotReplaced() int {
	k := 0
	for _, b := range o.Batches {
		k += b.NotReplaced
	}
	return k
}

// Placements returns every placement, over all batches.
func (o *Outcome) Placements() []Placement {
	var out []Placement
	for _, b := range o.Batches {
		out = append(out, b.Placements...)
	}
	return out
}

// Blocked reports whether a voluntary batch was blocked (violations of involuntary losses are not
// blocks: nothing waited).
func (o *Outcome) Blocked() bool {
	for _, b := range o.Blockers() {
		if b.Kind != ViolatedPDB {
			return true
		}
	}
	return false
}

// UnplacedSystem returns the kube-system pods that found no node.
func (o *Outcome) UnplacedSystem() []Unplaced {
	var out []Unplaced
	for _, u := range o.Unplaced() {
		if u.Pod.System() {
			out = append(out, u)
		}
	}
	return out
}

// FormatCPU prints millicores as kubectl does: "500m", or "2" for whole cores.
func FormatCPU(m int64) string {
	if m%1000 == 0 {
		return fmt.Sprintf("%d", m/1000)
	}
	return fmt.Sprintf("%dm", m)
}

// FormatMemory prints bytes in the largest binary unit that keeps one decimal: "256Mi", "15.6Gi".
func FormatMemory(b int64) string {
	const mi, gi = 1 << 20, 1 << 30
	switch {
	case b >= gi:
		return trimZero(float64(b)/gi) + "Gi"
	case b >= mi:
		return trimZero(float64(b)/mi) + "Mi"
	case b >= 1024:
		return trimZero(float64(b)/1024) + "Ki"
	}
	return fmt.Sprintf("%d", b)
}

func trimZero(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}

// Package diff compares two states of one cluster: pools, nodes, where kube-system workloads run,
// and findings matched by fingerprint. It is a pure library over snapshots, reports and findings:
// no cobra, no files, no clock. Inputs come from snapshots, JSON reports or the run history; each
// side says what it knows, and the comparison covers only what both sides know.
package diff

import (
	"sort"
	"time"

	"github.com/syspool/syspool/internal/report"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Side is one state of a cluster.
type Side struct {
	// Label is how the user named it: a file name, or "run 42".
	Label   string           `json:"label"`
	Cluster snapshot.Cluster `json:"cluster"`
	// Digest is the snapshot digest, when known.
	Digest string `json:"digest,omitempty"`
	// Time is when the state was collected (or evaluated, for a report without provenance).
	Time      time.Time `json:"time"`
	Inventory Inventory `json:"inventory"`
	// Findings are nil when the side carries none (HasFindings false).
	Findings    []rule.Finding `json:"findings,omitempty"`
	HasFindings bool           `json:"hasFindings"`
}

// Inventory is what diff compares besides findings. It is small (no pods, no workloads' specs), so
// the history database stores one per run.
type Inventory struct {
	Pools []snapshot.Pool `json:"pools"`
	// Nodes is meaningful only when NodesKnown: reports do not list nodes.
	Nodes      []NodeRef `json:"nodes,omitempty"`
	NodesKnown bool      `json:"nodesKnown"`
	// Placement says on which pools each kube-system workload (DaemonSets excluded: they follow
	// the nodes) has running pods. Counted is false when only which pools is known, not how many
	// pods (a report's placement names workloads per pool without counts).
	Placement      []WorkloadPlacement `json:"placement,omitempty"`
	PlacementKnown bool                `json:"placementKnown"`
	Counted        bool                `json:"counted"`
}

// NodeRef is the part of a node that identifies it in a diff.
type NodeRef struct {
	Name  string `json:"name"`
	Pool  string `json:"pool"`
	Ready string `json:"ready,omitempty"`
	Zone  string `json:"zone,omitempty"`
}

// WorkloadPlacement is where one kube-system workload's pods run: pool name -> pods. Pods whose
// node is unknown count under PoolUnscheduled or PoolUnknown.
type WorkloadPlacement struct {
	Workload string         `json:"workload"`
	Pools    map[string]int `json:"pools"`
}

// Pseudo-pools for pods that run on no listed pool.
const (
	PoolUnscheduled = "(pending)"
	PoolUnknown     = "(no pool)"
)

// FromSnapshot makes a side from a snapshot and the findings of a run over it (nil when not run).
func FromSnapshot(label string, s *snapshot.Snapshot, findings []rule.Finding) Side {
	return Side{Label: label, Cluster: s.Cluster, Digest: s.Digest, Time: s.Provenance.CollectedAt,
		Inventory: InventoryOf(s), Findings: findings, HasFindings: findings != nil}
}

// FromReport makes a side from a JSON report. Reports carry pools, placement per pool and findings,
// but no node list.
func FromReport(label string, d report.Document) Side {
	inv := Inventory{Pools: d.Pools}
	nodesOK := d.Coverage.Has(snapshot.KindNodes)
	podsOK, _ := d.Coverage.Satisfies(snapshot.KindSystemPods)
	if nodesOK && podsOK {
		inv.PlacementKnown = true
		byWorkload := map[string]map[string]int{}
		for _, p := range d.Placement {
			pool := p.Pool
			if pool == "" {
				pool = PoolUnknown
			}
			for _, w := range p.SystemWorkloads {
				if byWorkload[w] == nil {
					byWorkload[w] = map[string]int{}
				}
				byWorkload[w][pool] = 0
			}
		}
		inv.Placement = sortedPlacement(byWorkload)
	}
	t := d.Provenance.CollectedAt
	if t.IsZero() {
		t = d.GeneratedAt
	}
	findings := d.Findings
	if findings == nil {
		findings = []rule.Finding{}
	}
	return Side{Label: label, Cluster: d.Cluster, Time: t, Inventory: inv, Findings: findings, HasFindings: true}
}

// InventoryOf extracts the inventory of a snapshot, marking what its coverage does not support as
// unknown rather than empty, so a missing capture is never reported as "all nodes removed".
func InventoryOf(s *snapshot.Snapshot) Inventory {
	inv := Inventory{Pools: s.Pools}
	if inv.Pools == nil {
		inv.Pools = []snapshot.Pool{}
	}
	if !s.Coverage.Has(snapshot.KindNodes) {
		return inv
	}
	inv.NodesKnown = true
	poolOf := map[string]string{}
	for _, n := range s.Nodes {
		inv.Nodes = append(inv.Nodes, NodeRef{Name: n.Name, Pool: n.Pool, Ready: n.Ready, Zone: n.Zone})
		poolOf[n.Name] = n.Pool
	}
	sort.Slice(inv.Nodes, func(i, j int) bool { return inv.Nodes[i].Name < inv.Nodes[j].Name })
	if ok, _ := s.Coverage.Satisfies(snapshot.KindSystemPods); !ok {
		return inv
	}
	inv.PlacementKnown, inv.Counted = true, true
	byWorkload := map[string]map[string]int{}
	for _, p := range s.Pods {
		if p.Namespace != snapshot.NamespaceKubeSystem || p.IsFinished() || p.IsDaemonSetPod() {
			continue
		}
		// Pod names change on every rollout; the workload a human names does not.
		w := p.Workload.Name
		if w == "" {
			w = p.Owner.Name
		}
		if w == "" {
			w = p.Name
		}
		pool, known := poolOf[p.NodeName]
		switch {
		case p.NodeName == "":
			pool = PoolUnscheduled
		case !known || pool == "":
			pool = PoolUnknown
		}
		if byWorkload[w] == nil {
			byWorkload[w] = map[string]int{}
		}
		byWorkload[w][pool]++
	}
	inv.Placement = sortedPlacement(byWorkload)
	return inv
}

func sortedPlacement(m map[string]map[string]int) []WorkloadPlacement {
	out := make([]WorkloadPlacement, 0, len(m))
	for w, pools := range m {
		out = append(out, WorkloadPlacement{Workload: w, Pools: pools})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Workload < out[j].Workload })
	return out
}

package gen

import (
	"fmt"
	"strings"
)

// Params says which cluster to generate. Everything else (names, sizes, placement, the planted
// problems) follows from these four values.
type Params struct {
	Nodes int
	Pods  int // all pods, DaemonSet pods included
	Pools int // node pools, the system pool included
	Seed  uint64
}

// Presets: Full is the largest cluster Kubernetes and AKS support, Small what CI runs.
var (
	Full  = Params{Nodes: 5000, Pods: 150000, Pools: 40, Seed: 1}
	Small = Params{Nodes: 200, Pods: 6000, Pools: 10, Seed: 1}
)

func (p Params) String() string {
	return fmt.Sprintf("nodes=%d pods=%d pools=%d seed=%d", p.Nodes, p.Pods, p.Pools, p.Seed)
}

// minAppPods leaves room for the planted app problems plus a few ordinary workloads.
const minAppPods = 20

// systemNodes is the size of the system pool: three nodes (one per zone) up to 750 nodes, then one
// more per 250 nodes, as large AKS clusters scale their system pool with coredns.
func systemNodes(nodes int) int {
	return max(3, (nodes+249)/250)
}

// corednsReplicas follows AKS's coredns-autoscaler "linear" parameters (nodesPerReplica 16,
// min 2); the cores term (coresPerReplica 512) never wins for the VM sizes generated here.
func corednsReplicas(nodes int) int {
	return max(2, (nodes+15)/16)
}

// Validate reports every parameter that cannot give a cluster, with the minimum it needs.
func (p Params) Validate() error {
	var errs []string
	if p.Pools < 2 {
		errs = append(errs, fmt.Sprintf("--pools %d: need at least 2 (the system pool and one user pool)", p.Pools))
	}
	if minNodes := systemNodes(p.Nodes) + max(p.Pools-1, 1); p.Nodes < minNodes {
		errs = append(errs, fmt.Sprintf("--nodes %d: need at least %d (%d system nodes and one per user pool)",
			p.Nodes, minNodes, systemNodes(p.Nodes)))
	}
	if p.Nodes > 0 {
		if minPods := p.minPods(); p.Pods < minPods {
			errs = append(errs, fmt.Sprintf("--pods %d: need at least %d for %d nodes (%d DaemonSet pods per node, %d kube-system Deployment pods, %d app pods)",
				p.Pods, minPods, p.Nodes, len(daemonSets), systemDeploymentPods(p.Nodes), minAppPods))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("cannot generate a cluster with %s:\n  %s", p, strings.Join(errs, "\n  "))
	}
	return nil
}

func (p Params) minPods() int {
	return p.Nodes*len(daemonSets) + systemDeploymentPods(p.Nodes) + minAppPods
}

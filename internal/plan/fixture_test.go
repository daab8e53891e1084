package plan

import (
	"fmt"

	"github.com/syspool/syspool/internal/snapshot"
)

// A small cluster builder for the plan tests: pools, their nodes (one per count, zones 1-3) and
// the usual kube-system pods, so each test names only what differs.

const gib = int64(1) << 30

var critical = snapshot.Taint{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}

type cluster struct{ s *snapshot.Snapshot }

func newCluster() *cluster {
	s := &snapshot.Snapshot{SchemaVersion: 1,
		Provenance: snapshot.Provenance{Identity: snapshot.Identity{KubeContext: "aks-prod"}},
		Cluster: snapshot.Cluster{Name: "aks-prod", ResourceGroup: "rg-prod", SubscriptionID: "0000-sub", Location: "westeurope",
			KubernetesVersion: "1.35.8", CurrentKubernetesVersion: "1.35.8", ProvisioningState: "Succeeded", PowerState: "Running",
			NetworkPlugin: "azure", NetworkPluginMode: "overlay"},
		Coverage: snapshot.Coverage{}}
	for _, k := range snapshot.AllKinds {
		s.Coverage[k] = snapshot.KindCoverage{Present: true}
	}
	return &cluster{s: s}
}

func iptr(v int) *int { return &v }

// pool adds a pool with n Ready nodes of 4 cores / 16 GiB (3860m, 12 GiB allocatable, 30 pods).
func (c *cluster) pool(name, mode string, n int, edit ...func(*snapshot.Pool)) *cluster {
	p := snapshot.Pool{Name: name, Mode: mode, Count: iptr(n), VMSize: "Standard_D4ds_v5", OSType: "Linux", OSSKU: "AzureLinux",
		MaxPods: iptr(30), Zones: []string{"1", "2", "3"}, ProvisioningState: "Succeeded", PowerState: "Running",
		OrchestratorVersion: "1.35.8", CurrentOrchestratorVersion: "1.35.8"}
	if mode == snapshot.ModeSystem {
		p.Taints = []snapshot.Taint{critical}
	}
	for _, e := range edit {
		e(&p)
	}
	c.s.Pools = append(c.s.Pools, p)
	for i := 0; i < n; i++ {
		node := fmt.Sprintf("aks-%s-1234-vmss%06d", name, i)
		zone := fmt.Sprintf("westeurope-%d", i%3+1)
		c.s.Nodes = append(c.s.Nodes, snapshot.Node{Name: node, Pool: name, ModeLabel: lower(mode), Ready: "True", Zone: zone,
			Labels: map[string]string{snapshot.LabelAgentPool: name, snapshot.LabelMode: lower(mode), snapshot.LabelZone: zone,
				snapshot.LabelOS: "linux", snapshot.LabelInstanceType: p.VMSize, "kubernetes.io/hostname": node},
			Taints:      p.Taints,
			Allocatable: snapshot.Resources{MilliCPU: 3860, MemoryBytes: 12 * gib, Pods: 30}})
		c.pod("kube-system", "kube-proxy-"+node, node, 100, snapshot.Owner{Kind: "DaemonSet", Name: "kube-proxy"})
	}
	return c
}

func lower(mode string) string {
	if mode == snapshot.ModeSystem {
		return "system"
	}
	return "user"
}

// pod adds a Running pod; owner {} makes a bare pod.
func (c *cluster) pod(ns, name, node string, cpu int64, owner snapshot.Owner) *cluster {
	p := snapshot.Pod{Namespace: ns, Name: name, NodeName: node, Phase: "Running", Ready: true, Owner: owner, Workload: owner,
		Labels: map[string]string{"app": owner.Name}, Requests: snapshot.Resources{MilliCPU: cpu, MemoryBytes: 128 << 20}}
	if ns == "kube-system" {
		p.Tolerations = []snapshot.Toleration{{Key: "CriticalAddonsOnly", Operator: "Exists"}}
		if owner.Kind == "DaemonSet" {
			p.Tolerations = []snapshot.Toleration{{Operator: "Exists"}}
		}
	}
	c.s.Pods = append(c.s.Pods, p)
	return c
}

// addons puts coredns ×2, konnectivity-agent ×2 and metrics-server on the nodes of pool, with
// their PDBs; allowed 1 is what AKS ships (minAvailable 1), allowed 0 means minAvailable 2.
func (c *cluster) addons(pool string, allowed int32) *cluster {
	var nodes []string
	for _, n := range c.s.Nodes {
		if n.Pool == pool {
			nodes = append(nodes, n.Name)
		}
	}
	dep := func(name string) snapshot.Owner { return snapshot.Owner{Kind: "Deployment", Name: name} }
	for i := 0; i < 2; i++ {
		c.pod("kube-system", fmt.Sprintf("coredns-%d", i), nodes[i%len(nodes)], 100, dep("coredns"))
		c.pod("kube-system", fmt.Sprintf("konnectivity-agent-%d", i), nodes[(i+1)%len(nodes)], 50, dep("konnectivity-agent"))
	}
	c.pod("kube-system", "metrics-server-0", nodes[len(nodes)-1], 150, dep("metrics-server"))
	for _, app := range []string{"coredns", "konnectivity-agent"} {
		c.s.PDBs = append(c.s.PDBs, snapshot.PDB{Namespace: "kube-system", Name: app + "-pdb", MinAvailable: fmt.Sprint(2 - allowed),
			Selector:       snapshot.LabelSelector{MatchLabels: map[string]string{"app": app}},
			CurrentHealthy: 2, DesiredHealthy: 2 - allowed, ExpectedPods: 2, DisruptionsAllowed: allowed})
	}
	return c
}

func (c *cluster) snap() *snapshot.Snapshot {
	snapshot.Join(c.s)
	return c.s
}

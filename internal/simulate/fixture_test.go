package simulate

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// The builders below spell a cluster the way an operator describes one ("three 4-core system
// nodes tainted CriticalAddonsOnly, coredns with 2 replicas and a PDB"), so each test shows its
// layout in a few lines.

const gi = int64(1) << 30
const mi = int64(1) << 20

var critical = snapshot.Taint{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}

// tolCritical is the toleration AKS add-ons carry.
var tolCritical = snapshot.Toleration{Key: "CriticalAddonsOnly", Operator: "Exists"}

type fx struct{ s *snapshot.Snapshot }

func newFx() *fx {
	return &fx{s: &snapshot.Snapshot{SchemaVersion: 1, Cluster: snapshot.Cluster{Name: "aks1", Location: "westeurope",
		CurrentKubernetesVersion: "1.31.2", NetworkPlugin: "azure", NetworkPluginMode: "overlay"},
		Coverage: snapshot.Coverage{}}}
}

func ptr[T any](v T) *T { return &v }

func (f *fx) pool(name, mode string, count int, edit ...func(*snapshot.Pool)) *fx {
	p := snapshot.Pool{Name: name, Mode: mode, Count: ptr(count), VMSize: "Standard_D4ds_v5", OSType: "Linux",
		MaxPods: ptr(30), ProvisioningState: "Succeeded", PowerState: "Running"}
	for _, e := range edit {
		e(&p)
	}
	f.s.Pools = append(f.s.Pools, p)
	return f
}

// node adds a Ready node of pool in zone z ("1".."3", or "" for none) with cpu millicores and
// memory GiB allocatable and maxPods pods.
func (f *fx) node(name, pool, z string, cpu int64, memGiB int64, maxPods int64, taints ...snapshot.Taint) *fx {
	mode := "user"
	for _, p := range f.s.Pools {
		if p.Name == pool && p.IsSystem() {
			mode = "system"
		}
	}
	zone := "0"
	if z != "" {
		zone = "westeurope-" + z
	}
	n := snapshot.Node{Name: name, Pool: pool, ModeLabel: mode, Ready: "True", Zone: zone,
		InstanceType: "Standard_D4ds_v5",
		Labels: map[string]string{snapshot.LabelAgentPool: pool, snapshot.LabelMode: mode, snapshot.LabelZone: zone,
			"kubernetes.io/hostname": name, snapshot.LabelOS: "linux", snapshot.LabelInstanceType: "Standard_D4ds_v5",
			snapshot.LabelCluster: "MC_rg_aks1_westeurope"},
		Taints:      taints,
		Allocatable: snapshot.Resources{MilliCPU: cpu, MemoryBytes: memGiB * gi, Pods: maxPods}}
	f.s.Nodes = append(f.s.Nodes, n)
	return f
}

type podOpt func(*snapshot.Pod)

func labelled(kv ...string) podOpt {
	return func(p *snapshot.Pod) {
		for i := 0; i+1 < len(kv); i += 2 {
			p.Labels[kv[i]] = kv[i+1]
		}
	}
}
func prio(class string) podOpt { return func(p *snapshot.Pod) { p.PriorityClassName = class } }
func selects(kv ...string) podOpt {
	return func(p *snapshot.Pod) {
		p.NodeSelector = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			p.NodeSelector[kv[i]] = kv[i+1]
		}
	}
}
func daemon() podOpt {
	return func(p *snapshot.Pod) {
		p.Owner = snapshot.Owner{Kind: "DaemonSet", Name: p.Labels["app"]}
		p.Workload = p.Owner
		p.Tolerations = append(p.Tolerations, snapshot.Toleration{Operator: "Exists"})
		p.RequiredNodeAffinity = []snapshot.NodeSelectorTerm{{MatchFields: []snapshot.Requirement{
			{Key: "metadata.name", Operator: "In", Values: []string{p.NodeName}}}}}
	}
}

// onSystemNodes requires kubernetes.azure.com/mode=system, as some add-ons do.
func onSystemNodes() podOpt {
	return func(p *snapshot.Pod) {
		p.RequiredNodeAffinity = []snapshot.NodeSelectorTerm{{MatchExpressions: []snapshot.Requirement{
			{Key: snapshot.LabelMode, Operator: "In", Values: []string{"system"}}}}}
	}
}
func bare() podOpt {
	return func(p *snapshot.Pod) { p.Owner, p.Workload = snapshot.Owner{}, snapshot.Owner{} }
}
func antiHost() podOpt {
	return func(p *snapshot.Pod) {
		p.RequiredAntiAffinity = []snapshot.PodAffinityTerm{{TopologyKey: "kubernetes.io/hostname",
			LabelSelector: snapshot.LabelSelector{MatchLabels: map[string]string{"app": p.Labels["app"]}}}}
	}
}
func spreadZone(maxSkew int32) podOpt {
	return func(p *snapshot.Pod) {
		p.TopologySpread = []snapshot.TopologySpreadConstraint{{MaxSkew: maxSkew, TopologyKey: snapshot.LabelZone,
			WhenUnsatisfiable: "DoNotSchedule",
			LabelSelector:     &snapshot.LabelSelector{MatchLabels: map[string]string{"app": p.Labels["app"]}}}}
	}
}

// pod adds a Running, Ready pod "app-<i>" of Deployment app in ns on node with cpu millicores and
// memory MiB requested. Names carry the app so expectations read plainly.
func (f *fx) pod(ns, name, node string, cpu, memMi int64, opts ...podOpt) *fx {
	app := name
	if i := strings.LastIndex(name, "-"); i > 0 {
		app = name[:i]
	}
	p := snapshot.Pod{Namespace: ns, Name: name, NodeName: node, Phase: "Running", Ready: true,
		Labels:   map[string]string{"app": app},
		Owner:    snapshot.Owner{Kind: "ReplicaSet", Name: app + "-5d9c"},
		Workload: snapshot.Owner{Kind: "Deployment", Name: app},
		Requests: snapshot.Resources{MilliCPU: cpu, MemoryBytes: memMi * mi}}
	if ns == "kube-system" {
		p.Tolerations = []snapshot.Toleration{tolCritical}
	}
	for _, o := range opts {
		o(&p)
	}
	f.s.Pods = append(f.s.Pods, p)
	return f
}

// replicas adds n pods app-0..app-(n-1) spread over nodes round-robin.
func (f *fx) replicas(ns, app string, n int, nodes []string, cpu, memMi int64, opts ...podOpt) *fx {
	for i := 0; i < n; i++ {
		f.pod(ns, fmt.Sprintf("%s-%d", app, i), nodes[i%len(nodes)], cpu, memMi, opts...)
	}
	return f
}

// pdb adds a PDB on app with a status: healthy of expected, desired, allowed.
func (f *fx) pdb(ns, app, minAvailable string, healthy, desired, expected, allowed int32) *fx {
	f.s.PDBs = append(f.s.PDBs, snapshot.PDB{Namespace: ns, Name: app + "-pdb", MinAvailable: minAvailable,
		Selector:       snapshot.LabelSelector{MatchLabels: map[string]string{"app": app}},
		CurrentHealthy: healthy, DesiredHealthy: desired, ExpectedPods: expected, DisruptionsAllowed: allowed})
	return f
}

// systemCluster is the layout most tests start from: three dedicated system nodes in three zones
// (4 cores, 16 GiB, 30 pods), two user nodes, kube-proxy everywhere, coredns ×2 with its PDB,
// metrics-server ×1 and an app on the user nodes.
func systemCluster() *fx {
	f := newFx().pool("sys", "System", 3, func(p *snapshot.Pool) { p.Taints = []snapshot.Taint{critical} }).
		pool("user", "User", 2).
		node("aks-sys-0", "sys", "1", 3860, 12, 30, critical).
		node("aks-sys-1", "sys", "2", 3860, 12, 30, critical).
		node("aks-sys-2", "sys", "3", 3860, 12, 30, critical).
		node("aks-user-0", "user", "1", 3860, 12, 30).
		node("aks-user-1", "user", "2", 3860, 12, 30)
	for _, n := range []string{"aks-sys-0", "aks-sys-1", "aks-sys-2", "aks-user-0", "aks-user-1"} {
		f.pod("kube-system", "kube-proxy-"+n, n, 100, 128, labelled("app", "kube-proxy"), daemon(), prio("system-node-critical"))
	}
	f.replicas("kube-system", "coredns", 2, []string{"aks-sys-0", "aks-sys-1"}, 100, 70, prio("system-cluster-critical")).
		pdb("kube-system", "coredns", "1", 2, 1, 2, 1).
		pod("kube-system", "metrics-server-0", "aks-sys-2", 150, 200, prio("system-cluster-critical")).
		replicas("shop", "web", 2, []string{"aks-user-0", "aks-user-1"}, 500, 512)
	return f
}

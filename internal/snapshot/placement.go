package snapshot

import "sort"

// NamespaceKubeSystem is where AKS runs its managed add-ons.
const NamespaceKubeSystem = "kube-system"

// PoolPlacement summarises what runs on one pool: the view `kubectl get pods -n kube-system -o
// wide` gives by eye, counted.
type PoolPlacement struct {
	Pool  string   `json:"pool"`
	Mode  string   `json:"mode"`
	Nodes int      `json:"nodes"`
	Ready int      `json:"readyNodes"`
	Zones []string `json:"zones,omitempty"`
	// SystemPods counts kube-system pods that are not DaemonSet pods; DaemonSetPods the ones that are.
	SystemPods    int `json:"systemPods"`
	DaemonSetPods int `json:"daemonSetPods"`
	// AppPods counts running pods outside kube-system.
	AppPods int `json:"appPods"`
	// SystemWorkloads names the kube-system workloads (not DaemonSets) with pods here, sorted.
	SystemWorkloads []string `json:"systemWorkloads,omitempty"`
}

// Placement returns one entry per pool (in snapshot order), then one for nodes that joined no
// pool, if any. Finished pods are not counted.
func Placement(ix *Index) []PoolPlacement {
	s := ix.Snapshot()
	var out []PoolPlacement
	add := func(name, mode string) {
		pp := PoolPlacement{Pool: name, Mode: mode}
		wl := map[string]bool{}
		nodes := ix.NodesOf(name)
		pp.Nodes = len(nodes)
		pp.Zones = Zones(nodes)
		for _, n := range nodes {
			if n.IsReady() {
				pp.Ready++
			}
			for _, p := range ix.PodsOn(n.Name) {
				switch {
				case p.IsFinished():
				case p.Namespace == NamespaceKubeSystem && p.IsDaemonSetPod():
					pp.DaemonSetPods++
				case p.Namespace == NamespaceKubeSystem:
					pp.SystemPods++
					w := p.Workload
					if w.Name == "" {
						w = Owner{Kind: "Pod", Name: p.Name}
					}
					wl[w.Name] = true
				default:
					pp.AppPods++
				}
			}
		}
		for w := range wl {
			pp.SystemWorkloads = append(pp.SystemWorkloads, w)
		}
		sort.Strings(pp.SystemWorkloads)
		out = append(out, pp)
	}
	for _, p := range s.Pools {
		add(p.Name, p.Mode)
	}
	// Nodes whose pool is not listed (kubectl-only captures, Node Auto Provisioning) still show.
	known := map[string]bool{}
	for _, p := range s.Pools {
		known[p.Name] = true
	}
	var extra []string
	seen := map[string]bool{}
	for _, n := range s.Nodes {
		if !known[n.Pool] && !seen[n.Pool] {
			seen[n.Pool] = true
			extra = append(extra, n.Pool)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		add(name, "")
	}
	return out
}

package checks

import (
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

// workloadGroup is the pods of one workload, so a Deployment with ten misplaced replicas is one
// finding rather than ten.
type workloadGroup struct {
	Namespace string
	Kind      string
	Name      string
	Pods      []*snapshot.Pod
}

// ref is the workload as kubectl spells it, e.g. "deployment/coredns".
func (g *workloadGroup) ref() string { return strings.ToLower(g.Kind) + "/" + g.Name }

func (g *workloadGroup) resource(pool string) rule.Resource {
	return rule.Resource{Kind: "workload", Namespace: g.Namespace, Name: g.ref(), Pool: pool}
}

// restartFix moves a workload's pods through the scheduler again: a rollout restart for
// controllers that support it, deleting the pods otherwise.
func (g *workloadGroup) restartFix(c *rule.Context) string {
	switch g.Kind {
	case "Deployment", "StatefulSet", "DaemonSet":
		return kubectl(c, "-n "+g.Namespace+" rollout restart "+g.ref())
	}
	podNames := make([]string, len(g.Pods))
	for i, p := range g.Pods {
		podNames[i] = shellQuote(p.Name)
	}
	return kubectl(c, "-n "+g.Namespace+" delete pod "+strings.Join(podNames, " "))
}

// groupByWorkload groups pods by namespace and top-level owner; a pod without an owner is its own
// group. The groups come back sorted so results are stable.
func groupByWorkload(pods []*snapshot.Pod) []*workloadGroup {
	byKey := map[string]*workloadGroup{}
	var out []*workloadGroup
	for _, p := range pods {
		kind, name := p.Workload.Kind, p.Workload.Name
		if name == "" {
			kind, name = p.Owner.Kind, p.Owner.Name
		}
		if name == "" {
			kind, name = "Pod", p.Name
		}
		key := p.Namespace + "/" + kind + "/" + name
		g, ok := byKey[key]
		if !ok {
			g = &workloadGroup{Namespace: p.Namespace, Kind: kind, Name: name}
			byKey[key] = g
			out = append(out, g)
		}
		g.Pods = append(g.Pods, p)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
	return out
}

// placedPods returns the pods that hold a place on a node: bound, not finished, not a DaemonSet
// pod (those belong on every node by design) and not a mirror pod of a static manifest.
func placedPods(s *snapshot.Snapshot, keep func(*snapshot.Pod) bool) []*snapshot.Pod {
	var out []*snapshot.Pod
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.NodeName == "" || p.IsFinished() || p.IsDaemonSetPod() || p.Owner.Kind == "Node" {
			continue
		}
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// nodeIsSpot reports Spot nodes from their pool or, for nodes outside listed pools, their label.
func nodeIsSpot(c *rule.Context, n *snapshot.Node) bool {
	if p, ok := c.Index.Pool(n.Pool); ok && p.IsSpot() {
		return true
	}
	return strings.EqualFold(n.Labels["kubernetes.azure.com/scalesetpriority"], "spot")
}

// nodeIsGPU reports GPU nodes from the size table (pool size, then the node's instance type) or
// the accelerator label AKS puts on GPU nodes.
func nodeIsGPU(c *rule.Context, n *snapshot.Node) bool {
	if p, ok := c.Index.Pool(n.Pool); ok {
		if s, ok := vmsize.Lookup(p.VMSize); ok && s.GPU {
			return true
		}
	}
	if s, ok := vmsize.Lookup(n.InstanceType); ok && s.GPU {
		return true
	}
	return n.Labels["kubernetes.azure.com/accelerator"] != ""
}

// hasSystemNodes reports whether anything in the capture is a System pool or a system node.
func hasSystemNodes(c *rule.Context) bool {
	if len(c.Index.SystemPools()) > 0 {
		return true
	}
	for i := range c.Snap.Nodes {
		if c.Index.IsSystemNode(&c.Snap.Nodes[i]) {
			return true
		}
	}
	return false
}

package checks

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp013 = rule.Rule{
	ID:       "SP013",
	Title:    "kube-system add-ons run on system nodes",
	Category: catIsolation,
	Severity: rule.Medium,
	Rationale: "AKS only prefers System pools for its add-ons, so CoreDNS, metrics-server or konnectivity-agent end up " +
		"on User nodes whenever the System pool was full, tainted after they started, or changed mode; they stay there " +
		"until their node goes away. On User pools they share fate with application scale-downs and upgrades, and on Spot " +
		"or GPU pools (high) they are evicted with the node or hold expensive capacity. DaemonSet pods belong on every node " +
		"and are not judged.",
	Remediation: "Make sure the System pool has room, then restart the workload so the scheduler moves its pods back " +
		"(`kubectl -n kube-system rollout restart deployment/<name>`); tainting User pools that must stay free of add-ons " +
		"keeps them from drifting again.",
	Sources: []rule.Source{srcSystemPools, srcReliability,
		{Title: "AKS docs: Use GPUs for compute-intensive workloads (taint GPU pools sku=gpu:NoSchedule)", URL: "https://learn.microsoft.com/azure/aks/use-nvidia-gpu"}},
	Needs: []snapshot.DataKind{snapshot.KindNodes, snapshot.KindSystemPods},
	Check: checkSP013,
}

func checkSP013(c *rule.Context) []rule.Result {
	if res, ok := hostedSkip(c); ok {
		return res
	}
	if !hasSystemNodes(c) {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message: "no System pool or system node in the capture, so there is nowhere else for the add-ons to run (SP001 reports this)"}}
	}
	pods := placedPods(c.Snap, func(p *snapshot.Pod) bool { return p.Namespace == nsKubeSystem })
	groups := groupByWorkload(pods)
	if len(groups) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message: "no kube-system pod other than DaemonSet pods is scheduled on a node"}}
	}
	var out []rule.Result
	for _, g := range groups {
		out = append(out, judgePlacement(c, g))
	}
	return out
}

func judgePlacement(c *rule.Context, g *workloadGroup) rule.Result {
	var offNodes, offPools, sysPools, missing, untaintedGPU []string
	off, risky := 0, false
	for _, p := range g.Pods {
		n, ok := c.Index.Node(p.NodeName)
		if !ok {
			missing = append(missing, p.Name+" on "+p.NodeName)
			continue
		}
		if c.Index.IsSystemNode(n) {
			sysPools = append(sysPools, n.Pool)
			continue
		}
		off++
		desc := n.Name + " (pool " + orUnset(n.Pool)
		switch {
		case nodeIsSpot(c, n):
			desc += ", Spot"
			risky = true
		case nodeIsGPU(c, n):
			desc += ", GPU"
			risky = true
			if pool, ok := c.Index.Pool(n.Pool); ok && !hasNoScheduleTaint(pool.Taints) {
				untaintedGPU = append(untaintedGPU, pool.Name)
			}
		}
		offNodes = append(offNodes, desc+")")
		offPools = append(offPools, n.Pool)
	}
	offNodes, offPools = names(offNodes), names(offPools)
	evidence := []rule.Evidence{ev("pods", len(g.Pods)), ev("podsOffSystemNodes", off)}
	if len(offNodes) > 0 {
		evidence = append(evidence, ev("nodes", offNodes))
	}
	if len(missing) > 0 {
		return rule.Result{Status: rule.Error, Resource: g.resource(""), Evidence: evidence,
			Message: fmt.Sprintf("%s %s: node(s) of pod(s) %s are not in the capture", g.Kind, g.Name,
				strings.Join(missing, ", "))}
	}
	if off == 0 {
		pools := names(sysPools)
		return rule.Result{Status: rule.Pass, Resource: g.resource(firstOf(pools)), Evidence: evidence,
			Message: fmt.Sprintf("%s %s runs %s on System pool %s", g.Kind, g.Name,
				plural(len(g.Pods), "pod", "pods"), strings.Join(pools, ", "))}
	}
	r := rule.Result{Status: rule.Fail, Resource: g.resource(firstOf(offPools)), Evidence: evidence,
		Message: fmt.Sprintf("%s %s has %d of %s on non-system pool(s) %s: %s", g.Kind, g.Name, off,
			plural(len(g.Pods), "pod", "pods"), strings.Join(offPools, ", "), strings.Join(offNodes, ", ")),
		Fix: g.restartFix(c)}
	// A restart alone lets the scheduler pick the untainted GPU pool again; the AKS GPU guide
	// taints GPU pools sku=gpu:NoSchedule so only pods that ask for GPUs land there.
	if len(untaintedGPU) > 0 {
		r.Fix = taintGPUPoolsFix(c, names(untaintedGPU), r.Fix)
	}
	if risky {
		r.Severity = rule.High
	}
	return r
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func hasNoScheduleTaint(ts []snapshot.Taint) bool {
	for _, t := range ts {
		if t.Effect == "NoSchedule" || t.Effect == "NoExecute" {
			return true
		}
	}
	return false
}

// gpuTaint is the taint the AKS GPU guide puts on GPU pools.
var gpuTaint = snapshot.Taint{Key: "sku", Value: "gpu", Effect: "NoSchedule"}

// taintGPUPoolsFix taints the GPU pools (keeping their other taints: --node-taints replaces the
// list) and then runs restart. Tainting is only safe once every workload on those pools tolerates
// the taint: the GPU workloads' next pods would otherwise stay Pending. When some do not, or when
// only kube-system pods were captured so nobody can tell, the fix starts with that check and
// leaves the taint and the restart behind a comment.
func taintGPUPoolsFix(c *rule.Context, pools []string, restart string) string {
	var taints []string
	var blocking []*workloadGroup
	for _, name := range pools {
		pool, _ := c.Index.Pool(name)
		taints = append(taints, azNodepool(c, "update", name, nodeTaintsArg(append(userTaints(pool.Taints), gpuTaint))))
		blocking = append(blocking, intolerant(c, name, gpuTaint)...)
	}
	rest := then(append(taints, restart)...)
	tol := "{key: sku, operator: Equal, value: gpu, effect: NoSchedule}"
	switch {
	case !c.Snap.Coverage.Has(snapshot.KindPods):
		return kubectl(c, "get pods -A -o wide") + "  # only kube-system pods were captured: check that every workload " +
			"on " + strings.Join(pools, ", ") + " tolerates " + gpuTaint.String() + " (toleration " + tol + "); then: " + rest
	case len(blocking) > 0:
		first := blocking[0]
		others := ""
		if len(blocking) > 1 {
			var refs []string
			for _, g := range blocking[1:] {
				refs = append(refs, g.Namespace+"/"+g.ref())
			}
			others = " (and to " + strings.Join(refs, ", ") + ")"
		}
		return kubectl(c, "-n "+first.Namespace+" edit "+first.ref()) + "  # add the toleration " + tol + others +
			" so the GPU workloads still schedule once the pool is tainted; then, once they have rolled out: " + rest
	}
	return rest
}

// intolerant returns the workloads outside kube-system on pool's nodes whose pods do not tolerate t.
func intolerant(c *rule.Context, pool string, t snapshot.Taint) []*workloadGroup {
	var pods []*snapshot.Pod
	for _, n := range c.Index.NodesOf(pool) {
		for _, p := range c.Index.PodsOn(n.Name) {
			if p.Namespace == nsKubeSystem || p.IsFinished() || p.Owner.Kind == "Node" {
				continue
			}
			if _, ok := tolerationFor(p.Tolerations, t); !ok {
				pods = append(pods, p)
			}
		}
	}
	return groupByWorkload(pods)
}

package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// defaultPlatformNamespaces are the namespaces whose pods AKS itself (or an AKS-managed add-on or
// extension) deploys and which may legitimately run on system nodes:
//   - kube-system, kube-node-lease, kube-public: Kubernetes and the AKS add-ons;
//   - gatekeeper-system: the Azure Policy add-on;
//   - calico-system, tigera-operator: Calico network policy as AKS installs it;
//   - app-routing-system: the application routing add-on's control plane;
//   - aks-istio-system: the Istio service mesh add-on's control plane (not aks-istio-ingress: its
//     gateways carry application traffic, and not istio-system, which is a self-managed Istio);
//   - aks-command: pods started by `az aks command invoke`;
//   - azure-arc: Arc agents of Azure Arc-enabled extensions;
//   - dataprotection-microsoft: the AKS Backup extension.
//
// Self-installed tools (cert-manager, ingress-nginx, monitoring stacks) are applications here:
// if a team decides they belong on system nodes, it adds their namespaces in the policy.
var defaultPlatformNamespaces = []string{
	"kube-system", "kube-node-lease", "kube-public", "gatekeeper-system", "calico-system", "tigera-operator",
	"app-routing-system", "aks-istio-system", "aks-command", "azure-arc", "dataprotection-microsoft",
}

var sp014 = rule.Rule{
	ID:       "SP014",
	Title:    "No application pods on system nodes",
	Category: catIsolation,
	Severity: rule.Medium,
	Rationale: "Application pods on system nodes compete with CoreDNS, konnectivity and metrics-server for CPU, memory " +
		"and pod slots; a leaking or bursting application then degrades DNS and API access for the whole cluster, and " +
		"system pool upgrades have to drain application traffic too. AKS recommends running applications on User pools. " +
		"The finding names what let the pods in: the System pool has no CriticalAddonsOnly taint, or the pods carry a " +
		"toleration that matches it (often a blanket `operator: Exists`).",
	Remediation: "Taint the System pool with CriticalAddonsOnly=true:NoSchedule (SP011), remove tolerations that match it " +
		"from application workloads, and restart them so they move to User pools.",
	Sources: []rule.Source{srcSystemPools, srcWAF, srcK8sTaints},
	Needs:   []snapshot.DataKind{snapshot.KindPods, snapshot.KindNodes},
	Params: []rule.Param{
		{Name: "platformNamespaces", Default: defaultPlatformNamespaces,
			Doc: "namespaces whose pods may run on system nodes (AKS and its managed add-ons and extensions)"},
	},
	Check: checkSP014,
}

func checkSP014(c *rule.Context) []rule.Result {
	if res, ok := hostedSkip(c); ok {
		return res
	}
	platform := c.Strings("platformNamespaces")
	// System nodes by pool, so each System pool gets a pass when it is clean.
	sysNodes := map[string][]*snapshot.Node{}
	var sysPoolOrder []string
	for i := range c.Snap.Nodes {
		n := &c.Snap.Nodes[i]
		if !c.Index.IsSystemNode(n) {
			continue
		}
		if _, seen := sysNodes[n.Pool]; !seen {
			sysPoolOrder = append(sysPoolOrder, n.Pool)
		}
		sysNodes[n.Pool] = append(sysNodes[n.Pool], n)
	}
	if len(sysNodes) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message: "no system node was captured, so no application pod can run on one"}}
	}
	pods := placedPods(c.Snap, func(p *snapshot.Pod) bool {
		if slices.Contains(platform, p.Namespace) {
			return false
		}
		n, ok := c.Index.Node(p.NodeName)
		return ok && c.Index.IsSystemNode(n)
	})
	var out []rule.Result
	dirty := map[string]bool{}
	for _, g := range groupByWorkload(pods) {
		r := judgeAppWorkload(c, g)
		for _, p := range g.Pods {
			dirty[c.Index.PoolOfNode(p.NodeName)] = true
		}
		out = append(out, r)
	}
	for _, pool := range sysPoolOrder {
		if dirty[pool] || pool == "" {
			continue
		}
		res := rule.Resource{Kind: "pool", Name: pool, Pool: pool}
		out = append(out, rule.Result{Status: rule.Pass, Resource: res,
			Message:  fmt.Sprintf("no application pods on System pool %s (%s)", pool, plural(len(sysNodes[pool]), "node", "nodes")),
			Evidence: []rule.Evidence{ev("nodes", len(sysNodes[pool])), ev("platformNamespaces", platform)}})
	}
	if len(out) == 0 {
		// Only nodes outside listed pools are system nodes, and they are clean.
		out = append(out, rule.Result{Status: rule.Pass, Resource: clusterResource(c),
			Message:  "no application pods on system nodes",
			Evidence: []rule.Evidence{ev("platformNamespaces", platform)}})
	}
	return out
}

// judgeAppWorkload fails one application workload on system nodes and says what let it in.
func judgeAppWorkload(c *rule.Context, g *workloadGroup) rule.Result {
	var nodeNames, pools []string
	for _, p := range g.Pods {
		nodeNames = append(nodeNames, p.NodeName)
		pools = append(pools, c.Index.PoolOfNode(p.NodeName))
	}
	nodeNames, pools = names(nodeNames), names(pools)
	// Pods of one workload share a template, so the first pod on a tainted node explains them all.
	first := g.Pods[0]
	node, _ := c.Index.Node(first.NodeName)
	why, fix := admission(c, g, first, node)
	return rule.Result{Status: rule.Fail, Resource: g.resource(firstOf(pools)),
		Message: fmt.Sprintf("%s %s/%s has %s on system node(s) %s (pool %s): %s", g.Kind, g.Namespace, g.Name,
			plural(len(g.Pods), "pod", "pods"), strings.Join(nodeNames, ", "), strings.Join(pools, ", "), why),
		Evidence: []rule.Evidence{ev("pods", len(g.Pods)), ev("nodes", nodeNames),
			ev("nodeTaints", orDefault(taintList(node.Taints), "none"))},
		Fix: fix}
}

// admission explains how a pod got onto a system node and returns the command that undoes it.
func admission(c *rule.Context, g *workloadGroup, p *snapshot.Pod, n *snapshot.Node) (why, fix string) {
	var hard []snapshot.Taint
	for _, t := range n.Taints {
		if keepsPodsOff(t) {
			hard = append(hard, t)
		}
	}
	if len(hard) == 0 {
		why = "the system pool has no taint that keeps application pods off"
		pool, listed := c.Index.Pool(n.Pool)
		if fits, any := userPoolFor(c, p); listed && !fits {
			// Tainting the System pool and restarting would leave the application Pending: it
			// needs a User pool to move to first.
			if any {
				return why + ", and the pods tolerate the taints of no User pool", userPoolFirst(c, pool, g)
			}
			return why + ", and the cluster has no User pool for them to move to", userPoolFirst(c, pool, g)
		}
		if listed {
			return why, then(dedicateFix(c, pool), g.restartFix(c))
		}
		return why, then(kubectl(c, "taint nodes "+shellQuote(n.Name)+" CriticalAddonsOnly=true:NoSchedule"), g.restartFix(c))
	}
	var matched []string
	for _, t := range hard {
		if tol, ok := tolerationFor(p.Tolerations, t); ok {
			matched = append(matched, "it tolerates "+t.String()+" with toleration "+describeToleration(tol))
		} else {
			// A NoSchedule taint added after the pod started does not evict it.
			return "it does not tolerate " + t.String() + ", so it was scheduled before the taint was added " +
				"(NoSchedule does not evict running pods)", g.restartFix(c)
		}
	}
	why = strings.Join(matched, "; ")
	if g.Kind == "Deployment" || g.Kind == "StatefulSet" {
		// Editing the template starts a rollout, which reschedules the pods without the toleration.
		return why, kubectl(c, "-n "+g.Namespace+" edit "+g.ref()) + "  # remove that toleration from the pod template"
	}
	// Tolerations of a running pod cannot be removed; its owner has to be fixed and the pod recreated.
	return why, g.restartFix(c)
}

// spotTaint is the taint AKS puts on the nodes of every Spot pool, listed in nodeTaints or not.
var spotTaint = snapshot.Taint{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: "NoSchedule"}

// userPoolFor reports whether a Linux User pool exists whose hard taints p tolerates (fits), so
// that tainting the System pool moves p there instead of leaving it Pending, and whether any Linux
// User pool exists at all. Node selectors and affinity are not weighed: the taints are what
// SP014's fix changes.
func userPoolFor(c *rule.Context, p *snapshot.Pod) (fits, any bool) {
	for _, q := range c.Index.UserPools() {
		if q.Mode != snapshot.ModeUser || q.IsWindows() {
			continue
		}
		any = true
		taints := q.Taints
		if q.IsSpot() {
			taints = append([]snapshot.Taint{spotTaint}, taints...)
		}
		tolerated := true
		for _, t := range taints {
			if _, ok := tolerationFor(p.Tolerations, t); keepsPodsOff(t) && !ok {
				tolerated = false
				break
			}
		}
		if tolerated {
			return true, true
		}
	}
	return false, any
}

// userPoolFirst adds a User pool shaped like the System pool the applications run on now (so they
// fit), and leaves tainting the System pool and moving the workload to a comment: run before the
// new pool has Ready nodes, they would leave the application with nowhere to schedule.
func userPoolFirst(c *rule.Context, sys *snapshot.Pool, g *workloadGroup) string {
	s := specFrom(sys)
	s.name, s.mode, s.taints = "userpool", snapshot.ModeUser, nil
	if _, taken := c.Index.Pool(s.name); taken {
		s.name = "apppool"
	}
	return azNodepool(c, "add", s.name, s.args()) + "  # then, once " + s.name + " is Succeeded with Ready nodes (" +
		kubectl(c, "get nodes -l "+snapshot.LabelAgentPool+"="+s.name) + "): " + then(dedicateFix(c, sys), g.restartFix(c))
}

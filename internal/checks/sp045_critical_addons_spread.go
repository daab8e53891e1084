package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// addonCoreDNS is the one add-on every AKS cluster runs and whose absence is itself a failure.
const addonCoreDNS = "coredns"

var sp045 = rule.Rule{
	ID:       "SP045",
	Title:    "CoreDNS and the other critical add-ons run at least two replicas on different nodes and zones",
	Category: catAvailability,
	Severity: rule.Medium,
	Rationale: "CoreDNS answers every name lookup in the cluster, konnectivity-agent carries every API server call to " +
		"the nodes (logs, exec, webhooks) and metrics-server feeds the autoscalers. With one replica, or all replicas on " +
		"one node, a single node drain or failure takes the add-on down; with all replicas in one zone, a zone outage " +
		"does. AKS's CoreDNS autoscaler starts at 2 replicas (its default ladder maps 1 node to 2) and AKS ships PDBs " +
		"that assume two. syspool reads the desired replicas from the Deployment when captured, else counts pods, and " +
		"judges spread from the nodes and zones of the running pods; zones count only where the system nodes span more " +
		"than one. A missing CoreDNS fails high; other listed add-ons that are absent are skipped.",
	Remediation: "Keep at least two replicas (CoreDNS: the first step of the coredns-autoscaler ladder must give 2), give " +
		"the System pool at least two nodes in different zones, then restart the Deployment so the scheduler spreads it " +
		"(`kubectl -n kube-system rollout restart deployment/coredns`).",
	Sources: []rule.Source{
		{Title: "AKS docs: Autoscale CoreDNS (coredns-autoscaler ladder)", URL: "https://learn.microsoft.com/azure/aks/coredns-autoscale"},
		srcReliability,
		srcSystemPools,
	},
	Needs: []snapshot.DataKind{snapshot.KindSystemPods, snapshot.KindNodes},
	Params: []rule.Param{
		{Name: "workloads", Default: []string{addonCoreDNS, "konnectivity-agent", "metrics-server"},
			Doc: "kube-system Deployments judged"},
		{Name: "minReplicas", Default: 2, Doc: "replicas each listed Deployment must run"},
	},
	Check: checkSP045,
}

func checkSP045(c *rule.Context) []rule.Result {
	if res, ok := hostedSkip(c); ok {
		return res
	}
	want := c.Int("minReplicas")
	sysZones := systemNodeZones(c)
	var out []rule.Result
	for _, name := range c.Strings("workloads") {
		out = append(out, judgeSpread(c, name, want, sysZones))
	}
	return out
}

func judgeSpread(c *rule.Context, name string, want int, sysZones []string) rule.Result {
	g := &workloadGroup{Namespace: nsKubeSystem, Kind: "Deployment", Name: name}
	var nodeNames, zones []string
	running := 0
	for i := range c.Snap.Pods {
		p := &c.Snap.Pods[i]
		if p.Namespace != nsKubeSystem || p.Workload.Name != name || p.IsFinished() || p.Terminating {
			continue
		}
		g.Pods = append(g.Pods, p)
		if p.NodeName == "" || p.Phase != "Running" {
			continue
		}
		running++
		nodeNames = append(nodeNames, p.NodeName)
		if n, ok := c.Index.Node(p.NodeName); ok && zonalLabel.MatchString(n.Zone) {
			zones = append(zones, n.Zone)
		}
	}
	nodeNames, zones = names(nodeNames), names(zones)
	replicas, from := len(g.Pods), "pods"
	if w, ok := deployment(c, name); ok {
		replicas, from = int(w.Replicas), "deployment spec"
	}
	r := rule.Result{Resource: g.resource(""), Evidence: []rule.Evidence{ev("replicas", replicas), ev("replicasFrom", from),
		ev("runningPods", running), ev("nodes", orNone(nodeNames)), ev("zones", orNone(zones)),
		ev("systemNodeZones", orNone(sysZones)), ev("minReplicas", want)}}
	switch {
	case replicas == 0 && name != addonCoreDNS:
		r.Status = rule.Skip
		r.Message = "no " + name + " Deployment in kube-system (the add-on is not enabled on this cluster)"
		return r
	case replicas < want:
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("%s runs %s in kube-system, fewer than %d", name, plural(replicas, "replica", "replicas"), want)
		if name == addonCoreDNS {
			r.Severity = rule.High
			r.Fix = kubectl(c, "-n kube-system edit configmap coredns-autoscaler") +
				"  # make the first ladder steps map 1 node and 1 core to at least 2 replicas"
		} else {
			// AKS owns these Deployments; reconciling the cluster restores their replica count.
			r.Fix = azAKS(c, "update", "")
		}
	case running >= 2 && len(nodeNames) < 2:
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("all %d running %s pods are on one node (%s): draining it takes %s down", running, name,
			strings.Join(nodeNames, ", "), name)
		r.Fix = spreadFix(c, g)
	case running >= 2 && len(sysZones) >= 2 && len(zones) == 1:
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("all %d running %s pods are in zone %s although the system nodes span %s", running, name,
			zones[0], strings.Join(sysZones, ", "))
		r.Fix = spreadFix(c, g)
	case running < want:
		// Desired replicas are fine but not all run: SP015 says why; report only what can be judged.
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("%s wants %d replicas but only %d run", name, replicas, running)
		r.Fix = kubectl(c, "-n kube-system describe deployment/"+name)
	default:
		r.Status = rule.Pass
		r.Message = fmt.Sprintf("%s runs %d replicas on %s", name, running, plural(len(nodeNames), "node", "nodes"))
		if len(zones) > 0 {
			r.Message += " in " + plural(len(zones), "zone", "zones")
		}
	}
	return r
}

// spreadFix restarts the Deployment so the scheduler places it again; with a single system node
// that cannot help, so the System pool is grown first.
func spreadFix(c *rule.Context, g *workloadGroup) string {
	sys := c.Index.SystemPools()
	if len(sys) > 0 {
		total := 0
		for _, p := range sys {
			total += len(c.Index.NodesOf(p.Name))
		}
		if total < 2 {
			return then(scaleFix(c, sys[0], 3), g.restartFix(c))
		}
	}
	return g.restartFix(c)
}

// deployment returns the captured kube-system Deployment named name.
func deployment(c *rule.Context, name string) (*snapshot.Workload, bool) {
	if !c.Snap.Coverage.Has(snapshot.KindDeployments) {
		return nil, false
	}
	i := slices.IndexFunc(c.Snap.Workloads, func(w snapshot.Workload) bool {
		return w.Kind == "Deployment" && w.Namespace == nsKubeSystem && w.Name == name
	})
	if i < 0 {
		return nil, false
	}
	return &c.Snap.Workloads[i], true
}

// systemNodeZones returns the zones of the captured system nodes (zonal labels only).
func systemNodeZones(c *rule.Context) []string {
	var zs []string
	for i := range c.Snap.Nodes {
		n := &c.Snap.Nodes[i]
		if c.Index.IsSystemNode(n) && zonalLabel.MatchString(n.Zone) {
			zs = append(zs, n.Zone)
		}
	}
	return names(zs)
}

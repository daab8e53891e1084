package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp016 = rule.Rule{
	ID:       "SP016",
	Title:    "System nodes are Ready, schedulable and without pressure",
	Category: catHealth,
	Severity: rule.Medium,
	Rationale: "Each system node hosts a share of the cluster's add-ons. A NotReady node (high) has already lost its " +
		"pods or is about to; a cordoned node takes no replacements, so the remaining system nodes must absorb every " +
		"reschedule (except while its pool is mid-operation: upgrades and scale-downs cordon the nodes they drain); " +
		"Memory, Disk or PID pressure makes the kubelet evict pods, system add-ons included, and NetworkUnavailable " +
		"cuts the node off. Left in place, each shrinks the System pool's real capacity below what " +
		"its node count suggests.",
	Remediation: "Describe the node to see its conditions and events; uncordon nodes left cordoned after maintenance; " +
		"AKS node auto-repair reimages nodes that stay NotReady, and a stuck node can be removed with " +
		"`az aks nodepool delete-machines`.",
	Sources: []rule.Source{srcK8sNodeStatus, srcSystemPools},
	Needs:   []snapshot.DataKind{snapshot.KindNodes},
	Check:   checkSP016,
}

func checkSP016(c *rule.Context) []rule.Result {
	if res, ok := hostedSkip(c); ok {
		return res
	}
	var out []rule.Result
	for i := range c.Snap.Nodes {
		n := &c.Snap.Nodes[i]
		if !c.Index.IsSystemNode(n) {
			continue
		}
		out = append(out, judgeSystemNode(c, n))
	}
	if len(out) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message: "no node of a System pool was captured"}}
	}
	return out
}

func judgeSystemNode(c *rule.Context, n *snapshot.Node) rule.Result {
	r := rule.Result{Resource: nodeResource(n), Evidence: []rule.Evidence{
		ev("ready", orUnset(n.Ready)), ev("unschedulable", n.Unschedulable),
		ev("pressureConditions", orDefault(strings.Join(n.Conditions, ","), "none"))}}
	var problems []string
	switch {
	case n.Ready == "":
		// Without a Ready condition the node's state is unknown; a pass would be a guess.
		r.Status = rule.Error
		r.Message = "system node " + n.Name + " has no Ready condition in the capture"
		return r
	case !n.IsReady():
		problems = append(problems, "NotReady (Ready="+n.Ready+")")
		r.Severity = rule.High
	}
	op := operationInProgress(c, n.Pool)
	if n.Unschedulable && op == "" {
		problems = append(problems, "cordoned")
	}
	if len(n.Conditions) > 0 {
		problems = append(problems, "under "+strings.Join(n.Conditions, " and "))
	}
	if len(problems) == 0 {
		r.Status = rule.Pass
		r.Message = "system node " + n.Name + " is Ready and schedulable without pressure"
		if n.Unschedulable {
			// Upgrades and scale-downs cordon the nodes they drain; that is the operation working.
			r.Message = "system node " + n.Name + " is Ready and cordoned by the operation in progress on pool " +
				n.Pool + " (" + op + ")"
			r.Evidence = append(r.Evidence, ev("pool.provisioningState", op))
		}
		return r
	}
	r.Status = rule.Fail
	r.Message = "system node " + n.Name + " (pool " + orUnset(n.Pool) + ") is " + strings.Join(problems, ", ")
	if n.Unschedulable && n.IsReady() && len(n.Conditions) == 0 {
		r.Fix = kubectl(c, "uncordon "+shellQuote(n.Name))
	} else {
		r.Fix = kubectl(c, "describe node "+shellQuote(n.Name))
	}
	return r
}

// operationInProgress returns the provisioningState of the listed pool when an operation is
// running on it (Upgrading, Scaling, ...), else "".
func operationInProgress(c *rule.Context, pool string) string {
	if p, ok := c.Index.Pool(pool); ok && containsFold(statesInProgress, p.ProvisioningState) {
		return p.ProvisioningState
	}
	return ""
}

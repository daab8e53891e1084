package checks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp015 = rule.Rule{
	ID:       "SP015",
	Title:    "kube-system pods are running without crash loops",
	Category: catHealth,
	Severity: rule.Medium,
	Rationale: "A kube-system pod that stays Pending, crash-loops or keeps restarting is an add-on the cluster is running " +
		"without: no CoreDNS means no name resolution, no konnectivity-agent means no logs, exec or webhooks, no " +
		"metrics-server means no autoscaling. Pending system pods are often the first sign that the System pool is too " +
		"small, tainted so that the add-on cannot tolerate it, or out of pod slots. Failures of criticalWorkloads are high.",
	Remediation: "Read the scheduler message of Pending pods (`kubectl describe pod`) and the previous logs of crashing " +
		"ones (`kubectl logs --previous`); add System pool capacity when pods are unschedulable, and open a support case " +
		"for AKS-managed add-ons that keep crashing.",
	Sources: []rule.Source{srcK8sDebugPods, srcSystemPools},
	Needs:   []snapshot.DataKind{snapshot.KindSystemPods},
	Params: []rule.Param{
		{Name: "maxRestarts", Default: 5, Doc: "container restarts of a kube-system pod above which it is reported"},
		{Name: "pendingGraceMinutes", Default: 5,
			Doc: "minutes a new pod may stay Pending (pulling images, starting) before it is reported"},
		{Name: "criticalWorkloads", Default: []string{"coredns", "konnectivity-agent", "metrics-server"},
			Doc: "kube-system workloads whose Pending or crash-looping pods are high"},
	},
	Check: checkSP015,
}

func checkSP015(c *rule.Context) []rule.Result {
	maxRestarts := int32(c.Int("maxRestarts"))
	grace := time.Duration(c.Int("pendingGraceMinutes")) * time.Minute
	critical := c.Strings("criticalWorkloads")
	var out []rule.Result
	healthy, total := 0, 0
	for i := range c.Snap.Pods {
		p := &c.Snap.Pods[i]
		if p.Namespace != nsKubeSystem || p.IsFinished() || p.Terminating {
			continue
		}
		total++
		var problems []string
		blocking := false
		evidence := []rule.Evidence{ev("phase", orUnset(p.Phase))}
		if p.Phase == "Pending" {
			age := c.Now.Sub(p.CreatedAt)
			if p.CreatedAt.IsZero() || age >= grace {
				problems = append(problems, "is Pending")
				blocking = true
				if !p.CreatedAt.IsZero() {
					evidence = append(evidence, ev("pendingFor", age.Round(time.Minute).String()))
				}
			}
		}
		if p.WaitingReason != "" {
			evidence = append(evidence, ev("waitingReason", p.WaitingReason))
			if p.WaitingReason == "CrashLoopBackOff" {
				problems = append(problems, "is in CrashLoopBackOff")
				blocking = true
			}
		}
		evidence = append(evidence, ev("restarts", p.Restarts), ev("maxRestarts", maxRestarts))
		if p.Restarts > maxRestarts {
			problems = append(problems, fmt.Sprintf("has restarted %d times", p.Restarts))
		}
		if p.Unschedulable != "" {
			evidence = append(evidence, ev("scheduler", p.Unschedulable))
		}
		if len(problems) == 0 {
			healthy++
			continue
		}
		name := workloadName(p)
		r := rule.Result{Status: rule.Fail, Evidence: evidence,
			Resource: rule.Resource{Kind: "pod", Namespace: p.Namespace, Name: p.Name, Pool: c.Index.PoolOfNode(p.NodeName)},
			Message:  "kube-system pod " + p.Name + " (" + name + ") " + strings.Join(problems, " and ")}
		if p.Unschedulable != "" {
			r.Message += ": " + p.Unschedulable
		}
		if blocking && slices.Contains(critical, name) {
			r.Severity = rule.High
		}
		if blocking && p.WaitingReason != "CrashLoopBackOff" {
			r.Fix = kubectl(c, "-n kube-system describe pod "+shellQuote(p.Name))
		} else {
			r.Fix = kubectl(c, "-n kube-system logs "+shellQuote(p.Name)+" --all-containers --previous")
		}
		out = append(out, r)
	}
	if total == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message: "the capture holds no running or pending kube-system pod"}}
	}
	if healthy > 0 {
		out = append(out, rule.Result{Status: rule.Pass, Resource: clusterResource(c),
			Message: fmt.Sprintf("%d of %s are running without crash loops or more than %d restarts",
				healthy, plural(total, "kube-system pod", "kube-system pods"), maxRestarts),
			Evidence: []rule.Evidence{ev("healthyPods", healthy), ev("pods", total), ev("maxRestarts", maxRestarts)}})
	}
	return out
}

// workloadName is the name a reader knows the pod by: its Deployment or DaemonSet, else itself.
func workloadName(p *snapshot.Pod) string {
	if p.Workload.Name != "" {
		return p.Workload.Name
	}
	if p.Owner.Name != "" {
		return p.Owner.Name
	}
	return p.Name
}

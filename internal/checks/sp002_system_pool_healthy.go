package checks

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp002 = rule.Rule{
	ID:       "SP002",
	Title:    "At least one System pool is healthy",
	Category: catHealth,
	Severity: rule.Critical,
	Rationale: "A System pool that exists on paper but failed provisioning, is stopped or has no Ready node gives the " +
		"kube-system add-ons nowhere to run: DNS, the API server tunnel (konnectivity) and metrics go down with it. " +
		"AKS only guarantees the add-ons a home while at least one System pool is provisioned, running and has a Ready node. " +
		"A pool in the middle of an operation (Upgrading, Updating, Scaling, Creating, Starting) still serves from its " +
		"Ready nodes, since surge upgrades drain a few nodes at a time, so it counts as healthy for now when Ready nodes " +
		"were captured (an error when nodes were not); Failed, Canceled, Deleting and Stopping pools do not count.",
	Remediation: "Start a stopped System pool, reconcile a pool whose provisioning failed (`az aks update` with no changes " +
		"re-applies the last good model), and investigate NotReady nodes; if no System pool can be recovered, add a new one.",
	Sources: []rule.Source{srcSystemPools, srcStartStop, srcK8sNodeStatus},
	Needs:   []snapshot.DataKind{snapshot.KindPools},
	Check:   checkSP002,
}

func checkSP002(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	if res, ok := clusterStoppedSkip(c); ok {
		return res
	}
	nodes := c.Snap.Coverage.Has(snapshot.KindNodes)
	var healthy, busy, sick, unknown []string
	var evidence []rule.Evidence
	fix := ""
	for _, p := range pools {
		state, why := poolHealth(c, p, nodes)
		evidence = append(evidence, ev("pool."+p.Name, why))
		switch state {
		case rule.Pass:
			healthy = append(healthy, p.Name)
			if containsFold(statesInProgress, p.ProvisioningState) {
				busy = append(busy, p.Name+" ("+p.ProvisioningState+")")
			}
		case rule.Fail:
			sick = append(sick, p.Name+" ("+why+")")
			if fix == "" {
				fix = sp002Fix(c, p)
			}
		default:
			unknown = append(unknown, p.Name+" ("+why+")")
		}
	}
	evidence = append(evidence, ev("nodesCaptured", nodes))
	note := ""
	if !nodes {
		note = "; nodes were not captured, so Ready nodes were not checked"
	}
	r := clusterResource(c)
	switch {
	case len(healthy) > 0:
		msg := "healthy System pool(s): " + strings.Join(healthy, ", ")
		if len(busy) > 0 {
			msg += "; an operation is in progress on " + strings.Join(busy, ", ") + ", which still has Ready nodes: " +
				"healthy for now"
		}
		return []rule.Result{{Status: rule.Pass, Resource: r, Evidence: evidence, Message: msg + note}}
	case len(unknown) > 0:
		msg := "no System pool is known to be healthy: cannot tell for " + strings.Join(unknown, "; ")
		if len(sick) > 0 {
			msg += "; unhealthy: " + strings.Join(sick, "; ")
		}
		return []rule.Result{{Status: rule.Error, Resource: r, Evidence: evidence, Message: msg + note}}
	}
	return []rule.Result{{Status: rule.Fail, Resource: r, Evidence: evidence, Fix: fix,
		Message: "no healthy System pool: " + strings.Join(sick, "; ") + note}}
}

// Agent pool provisioning states (the API's provisioningState is a free string; these are the
// values AKS reports). An operation in progress leaves the pool's nodes serving: a pool being
// upgraded surges and drains a few nodes at a time, so it is healthy for now as long as it still
// has Ready nodes. Failed, Canceled, Deleting and Stopping pools are not a home for the add-ons.
var (
	statesInProgress = []string{"Creating", "Updating", "Upgrading", "Scaling", "Starting", "Migrating", "Reconciling"}
	statesUnhealthy  = []string{"Failed", "Canceled", "Deleting", "Stopping"}
)

// poolHealth judges one System pool: Pass when provisioned (or in an operation that keeps Ready
// nodes), running and, if nodes were captured, with a Ready node; Fail with the reasons; Error
// when a needed field is missing or the state cannot be judged without the nodes.
func poolHealth(c *rule.Context, p *snapshot.Pool, withNodes bool) (rule.Status, string) {
	var bad, missing []string
	inProgress := ""
	switch state := p.ProvisioningState; {
	case state == "":
		missing = append(missing, "provisioningState unset")
	case strings.EqualFold(state, "Succeeded"):
	case containsFold(statesInProgress, state):
		inProgress = canonical(state, statesInProgress)
	case containsFold(statesUnhealthy, state):
		bad = append(bad, "provisioningState "+state)
	default:
		missing = append(missing, "provisioningState "+quote(state)+" is not a state syspool knows ("+
			strings.Join(append(append([]string{"Succeeded"}, statesInProgress...), statesUnhealthy...), ", ")+")")
	}
	switch {
	case p.PowerState == "":
		missing = append(missing, "powerState unset")
	case !strings.EqualFold(p.PowerState, "Running"):
		bad = append(bad, "powerState "+p.PowerState)
	}
	if withNodes {
		if ready, total := readyNodes(c, p); ready == 0 {
			bad = append(bad, fmt.Sprintf("%d Ready of %s", ready, plural(total, "node", "nodes")))
			if inProgress != "" {
				bad = append(bad, inProgress+" in progress")
			}
		}
	} else if inProgress != "" {
		// Mid-operation the pool may be down to its surge nodes or none; only the nodes can tell.
		missing = append(missing, "provisioningState "+inProgress+": an operation is in progress, and only its Ready "+
			"nodes would show that the pool still serves")
	}
	switch {
	case len(bad) > 0:
		return rule.Fail, strings.Join(bad, ", ")
	case len(missing) > 0:
		return rule.Error, strings.Join(missing, ", ")
	}
	return rule.Pass, healthSummary(c, p, withNodes)
}

func healthSummary(c *rule.Context, p *snapshot.Pool, withNodes bool) string {
	s := "provisioningState " + p.ProvisioningState
	if containsFold(statesInProgress, p.ProvisioningState) {
		s += " (operation in progress)"
	}
	s += ", powerState " + p.PowerState
	if withNodes {
		ready, total := readyNodes(c, p)
		s += fmt.Sprintf(", %d Ready of %s", ready, plural(total, "node", "nodes"))
	}
	return s
}

func readyNodes(c *rule.Context, p *snapshot.Pool) (ready, total int) {
	ns := c.Index.NodesOf(p.Name)
	for _, n := range ns {
		if n.IsReady() {
			ready++
		}
	}
	return ready, len(ns)
}

// sp002Fix picks the command for the first thing wrong with the pool.
func sp002Fix(c *rule.Context, p *snapshot.Pool) string {
	switch {
	case strings.EqualFold(p.PowerState, "Stopped"):
		return azNodepool(c, "start", p.Name, "")
	case strings.EqualFold(p.ProvisioningState, "Failed") || strings.EqualFold(p.ProvisioningState, "Canceled"):
		// A failed or canceled operation is retried by re-applying the cluster model.
		return azAKS(c, "update", "")
	case strings.EqualFold(p.ProvisioningState, "Deleting"):
		// Nothing brings a pool back from deletion: the add-ons need another System pool.
		s := specFrom(p)
		return azNodepool(c, "add", s.name, s.args()) + "  # " + p.Name + " is being deleted"
	}
	// An operation still running is left alone; the nodes say why none is Ready.
	return kubectl(c, "get nodes -l "+snapshot.LabelAgentPool+"="+p.Name+" -o wide")
}

package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

// The headroom rules (SP040-SP042) ask internal/simulate what happens to the pods of the nodes a
// failure or an upgrade takes away, and report its arithmetic as evidence. The helpers they share
// live in this file.

var srcSimulation = rule.Source{Title: "Kubernetes docs: Pod priority and preemption (system-node-critical and system-cluster-critical)",
	URL: "https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/"}

var srcPDB = rule.Source{Title: "Kubernetes docs: Specifying a disruption budget for your application",
	URL: "https://kubernetes.io/docs/tasks/run-application/configure-pdb/"}

// stopAfterSystemNote says, in the rationale of the rules that ask simulate for
// Scenario.StopAfterSystem, what is not simulated and why the verdict does not depend on it.
const stopAfterSystemNote = "Only the displaced pods up to the last kube-system pod in placement order are re-placed: " +
	"placement is greedy and never revisits a pod, so the pods of other namespaces that come after it cannot take a " +
	"kube-system pod's room. They are counted, not placed, and the PDBs that only their loss would break are not " +
	"reported. A pod that fits nowhere is explained as the scheduler's FailedScheduling event does: the nodes counted " +
	"per reason, plus the three nodes that came closest."

var headroomNeeds = []snapshot.DataKind{snapshot.KindPools, snapshot.KindNodes, snapshot.KindPods, snapshot.KindPDBs}

var sp040 = rule.Rule{
	ID:       "SP040",
	Title:    "System pods still fit after losing the largest system node",
	Category: catCapacity,
	Severity: rule.High,
	Rationale: "A node fails, is reimaged by auto-repair or is evicted by the platform without asking any PDB. Its " +
		"kube-system pods (CoreDNS, konnectivity-agent, metrics-server and the add-ons) then need room on the nodes that " +
		"remain: requests against allocatable with the DaemonSets already there, maxPods, taints and tolerations, node " +
		"affinity, anti-affinity and spread. If they do not fit, they stay Pending until the node returns, which for a " +
		"failed VM can take longer than DNS can be missed. syspool removes the largest Ready system node (most " +
		"allocatable CPU, then memory) and re-places every displaced pod, system-critical pods first, as the scheduler " +
		"would; the pool counts toward the AKS recommendation of three system nodes only if the third can be lost. " +
		stopAfterSystemNote,
	Remediation: "Add a system node (or raise the autoscaler's minCount) until the simulation passes, use a larger VM " +
		"size for the System pool, or lower the requests of the add-ons you control.",
	Sources: []rule.Source{srcSystemPools, srcReliability, srcSimulation,
		{Title: "AKS docs: Node resource reservations (allocatable)", URL: simulate.ReservationsSource}},
	Needs: headroomNeeds,
	Check: checkSP040,
}

func checkSP040(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	if res, ok := noReadySystemNode(c); ok {
		return res
	}
	base := simulate.Prepare(c.Snap)
	o, err := base.New().Apply(simulate.Scenario{Kind: simulate.LoseLargestNode, SystemOnly: true, StopAfterSystem: true})
	if err != nil {
		return []rule.Result{{Status: rule.Error, Resource: clusterResource(c), Message: "cannot simulate the loss: " + err.Error()}}
	}
	lost := o.RemovedNodes[0]
	pool := poolOfNode(c, lost, pools)
	r := rule.Result{Resource: poolResource(pool), Evidence: outcomeEvidence(o)}
	bad := o.UnplacedSystem()
	if len(bad) == 0 {
		r.Status = rule.Pass
		r.Message = fmt.Sprintf("after losing %s, the largest system node, %s%s",
			lost, displacedFit(o), landingNote(c, o))
		return []rule.Result{r}
	}
	r.Status = rule.Fail
	r.Message = fmt.Sprintf("after losing %s, the largest system node, %s: %s",
		lost, findNoNode(len(bad)), unplacedHeadline(bad))
	r.Fix = headroomFix(c, base, pool, func(s *simulate.Sim) *simulate.Outcome {
		out, err := s.Apply(simulate.Scenario{Kind: simulate.LoseLargestNode, SystemOnly: true, StopAfterSystem: true})
		if err != nil {
			return nil
		}
		return out
	})
	return []rule.Result{r}
}

// noReadySystemNode skips the headroom rules when no system node is Ready: SP016 reports that,
// and "what if one more fails" means nothing then.
func noReadySystemNode(c *rule.Context) ([]rule.Result, bool) {
	for i := range c.Snap.Nodes {
		if n := &c.Snap.Nodes[i]; c.Index.IsSystemNode(n) && n.IsReady() {
			return nil, false
		}
	}
	return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
		Message: "no Ready node of a System pool was captured (SP016 reports node health)"}}, true
}

func poolOfNode(c *rule.Context, node string, pools []*snapshot.Pool) *snapshot.Pool {
	name := c.Index.PoolOfNode(node)
	for _, p := range pools {
		if p.Name == name {
			return p
		}
	}
	return pools[0]
}

// headroomFix proposes the smallest scale-up of pool (one to five more nodes) after which the
// scenario leaves no kube-system pod without a node, or one more node when none does; never
// below the node floor, so that running it after SP006's fix does not undo that one. Each try
// starts from base, the rule's prepared snapshot.
func headroomFix(c *rule.Context, base *simulate.Base, pool *snapshot.Pool, scenario func(*simulate.Sim) *simulate.Outcome) string {
	n, ok := pool.EffectiveMinNodes()
	if !ok {
		n = len(c.Index.NodesOf(pool.Name))
	}
	for add := 1; add <= 5; add++ {
		sim := base.New()
		if _, err := sim.Apply(simulate.Scenario{Kind: simulate.ScalePool, Pool: pool.Name, Count: len(c.Index.NodesOf(pool.Name)) + add}); err != nil {
			break
		}
		if o := scenario(sim); o != nil && len(o.UnplacedSystem()) == 0 && !o.Blocked() {
			return scaleFix(c, pool, max(n+add, nodeFloor(c)))
		}
	}
	return scaleFix(c, pool, max(n+1, nodeFloor(c)))
}

// outcomeEvidence is the arithmetic of a simulation, one line per fact.
func outcomeEvidence(o *simulate.Outcome) []rule.Evidence {
	e := []rule.Evidence{ev("scenario", o.Summary),
		ev("displacedPods", len(o.Placements())+len(o.Unplaced())+o.NotReplaced()), ev("placedPods", len(o.Placements()))}
	if k := o.NotReplaced(); k > 0 {
		e = append(e, ev("notReplacedPods", fmt.Sprintf("%d: placed after every kube-system pod, they cannot take a kube-system pod's room", k)))
	}
	if landing := landingByPool(o); landing != "" {
		e = append(e, ev("landingByPool", landing))
	}
	for _, u := range o.Unplaced() {
		var rs []string
		for _, r := range u.Closest {
			rs = append(rs, r.Node+": "+r.Reason)
		}
		v := u.Summary()
		if len(rs) > 0 {
			v += " [closest: " + strings.Join(rs, "; ") + "]"
		}
		e = append(e, ev("unplaced "+u.Pod.String()+" (requests "+requests(u.Pod.Requests)+")", v))
	}
	for _, b := range o.Blockers() {
		e = append(e, ev(string(b.Kind)+" "+b.PDB+strings.Join(b.PDBs, ","), b.Message))
	}
	for _, a := range o.Assumptions {
		e = append(e, ev("assumption", a))
	}
	return e
}

func requests(r snapshot.Resources) string {
	return "cpu " + simulate.FormatCPU(r.MilliCPU) + ", memory " + simulate.FormatMemory(r.MemoryBytes)
}

// landingByPool counts where displaced pods go, e.g. "sys: 3, user: 1".
func landingByPool(o *simulate.Outcome) string {
	count := map[string]int{}
	for _, p := range o.Placements() {
		count[p.ToPool]++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", orDefault(k, "(no pool)"), count[k])
	}
	return strings.Join(parts, ", ")
}

// landingNote warns when kube-system pods would only fit on User pool nodes: they run, but share
// nodes with applications until the next reschedule.
func landingNote(c *rule.Context, o *simulate.Outcome) string {
	var onUser []string
	for _, p := range o.Placements() {
		if pl, ok := c.Index.Pool(p.ToPool); ok && !pl.IsSystem() && p.Pod.System() {
			onUser = append(onUser, p.Pod.Name)
		}
	}
	if len(onUser) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s only on User pool nodes: %s)", plural(len(onUser), "kube-system pod lands", "kube-system pods land"),
		strings.Join(onUser, ", "))
}

// displacedFit says that every displaced pod finds a node, or that none needed one. With pods
// left untried (Scenario.StopAfterSystem) it says how many were tried and how many were not.
func displacedFit(o *simulate.Outcome) string {
	n, rest := len(o.Placements()), o.NotReplaced()
	if rest == 0 {
		switch n {
		case 0:
			return "no displaced pod needs a new node"
		case 1:
			return "the 1 displaced pod finds a node"
		}
		return fmt.Sprintf("all %d displaced pods find a node", n)
	}
	untried := fmt.Sprintf("%s of other namespaces, placed after them, %s not re-placed: %s cannot change this verdict",
		plural(rest, "pod", "pods"), choose(rest, "is", "are"), choose(rest, "it", "they"))
	switch n {
	case 0:
		return "no displaced pod is in kube-system or placed before one (" + untried + ")"
	case 1:
		return "the 1 displaced pod up to the last kube-system one finds a node (" + untried + ")"
	}
	return fmt.Sprintf("all %d displaced pods up to the last kube-system one find a node (%s)", n, untried)
}

// choose picks the singular or plural word for n.
func choose(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// findNoNode says "1 kube-system pod finds no node" or "2 kube-system pods find no node".
func findNoNode(n int) string {
	if n == 1 {
		return "1 kube-system pod finds no node"
	}
	return fmt.Sprintf("%d kube-system pods find no node", n)
}

// unplacedHeadline names the first pods that do not fit and the scheduler-style reason.
func unplacedHeadline(us []simulate.Unplaced) string {
	var parts []string
	for i, u := range us {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(us)-3))
			break
		}
		parts = append(parts, u.Pod.String()+" ("+u.Summary()+")")
	}
	return strings.Join(parts, "; ")
}

package checks

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/simulate"
)

var sp042 = rule.Rule{
	ID:       "SP042",
	Title:    "System pools can complete a surge upgrade",
	Category: catAvailability,
	Severity: rule.High,
	Rationale: "An upgrade or node-image update drains the System pool maxSurge nodes at a time through the eviction " +
		"API. A PDB with no disruption left, a pod selected by two PDBs (HTTP 500 on eviction) or displaced pods that fit " +
		"nowhere stall the drain until drainTimeoutInMinutes (default 30) runs out; then AKS fails the upgrade and makes " +
		"the node schedulable again (undrainableNodeBehavior Schedule) or quarantines it (Cordon). `kubectl drain " +
		"--dry-run=server` checks each pod against the budget as it is now; syspool rolls the pool as AKS does (surge " +
		"nodes first, batch by batch, drained nodes back as empty upgraded nodes), uses the budgets up across the whole " +
		"upgrade and re-places every evicted pod, so it names the PDB, the pod and the node that would block, with the " +
		"numbers.",
	Remediation: "Relax the blocking PDB (maxUnavailable: 1) or add replicas so it allows a disruption, make exactly " +
		"one PDB select each pod, and raise maxSurge or the pool's size when evicted pods find no node. Re-run syspool " +
		"before `az aks nodepool upgrade`; `syspool plan upgrade` prints the runbook.",
	Sources: []rule.Source{srcRollingUpgrade, srcPDB, srcUpgradeNodePools,
		{Title: "AKS troubleshooting: UpgradeFailed due to eviction failures caused by PDBs",
			URL: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/create-upgrade-delete/error-code-poddrainfailure"}},
	Needs: headroomNeeds,
	Check: checkSP042,
}

func checkSP042(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	if res, ok := noReadySystemNode(c); ok {
		return res
	}
	var out []rule.Result
	var base *simulate.Base // prepared on first use: a rule that skips every pool reads nothing
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p)}
		if len(c.Index.NodesOf(p.Name)) == 0 {
			r.Status, r.Message = rule.Skip, "no node of System pool "+p.Name+" was captured: nothing to roll"
			out = append(out, r)
			continue
		}
		if base == nil {
			base = simulate.Prepare(c.Snap)
		}
		o, err := base.New().Apply(simulate.Scenario{Kind: simulate.SurgeUpgrade, Pool: p.Name})
		if err != nil {
			// AKS refuses these settings outright (SP028 reports them): the upgrade cannot start.
			r.Status, r.Message = rule.Fail, "System pool "+p.Name+" cannot be upgraded as configured: "+err.Error()
			r.Evidence = []rule.Evidence{ev("maxSurge", orUnset(p.Upgrade.MaxSurge)), ev("maxUnavailable", orUnset(p.Upgrade.MaxUnavailable))}
			r.Fix = azNodepool(c, "update", p.Name, "--max-surge "+recommendedMaxSurge+" --max-unavailable 0")
			out = append(out, r)
			continue
		}
		up := o.Upgrade
		est := simulate.Durations.SurgeUpgrade(*up)
		r.Evidence = append([]rule.Evidence{ev("surgeNodes", up.Surge), ev("batches", fmt.Sprintf("%d of %d", up.Batches, up.BatchSize)),
			ev("drainTimeoutInMinutes", up.DrainTimeoutMinutes), ev("undrainableNodeBehavior", up.UndrainableNodeBehavior),
			ev("estimatedDuration", est.String()+" ("+est.Model+")"), ev("settings", strings.Join(up.Explain, "; "))},
			outcomeEvidence(o)...)
		blockers := o.Blockers()
		bad := o.UnplacedSystem()
		switch {
		case len(blockers) == 0 && len(bad) == 0:
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("a surge upgrade of %s (%d surge node(s), %d batch(es)) moves %s without a blocking PDB; est. %s",
				p.Name, up.Surge, up.Batches, plural(len(o.Placements()), "pod", "pods"), est)
		case len(blockers) > 0:
			b := blockers[0]
			r.Status = rule.Fail
			r.Message = fmt.Sprintf("a surge upgrade of %s stalls at batch %s: %s", p.Name, batchOf(o, b), b.Message)
			if more := len(blockers) - 1; more > 0 {
				r.Message += fmt.Sprintf(" (and %d more blocker(s))", more)
			}
			r.Fix = pdbFix(c, b)
		default:
			r.Status = rule.Fail
			r.Message = fmt.Sprintf("a surge upgrade of %s leaves %s without a node: %s", p.Name,
				plural(len(bad), "kube-system pod", "kube-system pods"), unplacedHeadline(bad))
			r.Fix = azNodepool(c, "update", p.Name, "--max-surge "+recommendedMaxSurge)
		}
		out = append(out, r)
	}
	return out
}

// batchOf names the batch (its nodes) a blocker belongs to.
func batchOf(o *simulate.Outcome, b simulate.Blocker) string {
	for i, bt := range o.Batches {
		for _, x := range bt.Blockers {
			if x.Message == b.Message {
				return fmt.Sprintf("%d (%s)", i+1, strings.Join(bt.Nodes, ", "))
			}
		}
	}
	return "?"
}

// pdbFix relaxes a blocking budget to one disruption at a time, which lets a drain through while
// keeping all but one replica up; a pod under several PDBs needs a person to pick one, so the fix
// lists them. When unhealthy pods use up the budget, relaxing it would only let a drain take the
// last healthy replica: the fix points at the unhealthy pod. A budget AKS reconciles is never
// edited (SP047): the edit would be undone and the budget is right once its workload is.
func pdbFix(c *rule.Context, b simulate.Blocker) string {
	if b.Kind == simulate.BlockMultiplePDBs {
		ns := strings.SplitN(b.PDBs[0], "/", 2)[0]
		return kubectl(c, "-n "+shellQuote(ns)+" get pdb -o wide")
	}
	ns, name, _ := strings.Cut(b.PDB, "/")
	if b.Healthy < b.Expected && len(b.Unhealthy) > 0 {
		pns, pod, _ := strings.Cut(b.Unhealthy[0], "/")
		return then(kubectl(c, "-n "+shellQuote(pns)+" logs "+shellQuote(pod)+" --previous"),
			kubectl(c, "-n "+shellQuote(pns)+" describe pod "+shellQuote(pod))) +
			"  # " + b.PDB + " counts it unhealthy: fix the pod, not the budget"
	}
	if p, ok := pdbByRef(c, ns, name); ok && aksManagedPDB(p) {
		return managedPDBFix(c, p)
	}
	return kubectl(c, "-n "+shellQuote(ns)+" patch pdb "+shellQuote(name)+
		` --type merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`)
}

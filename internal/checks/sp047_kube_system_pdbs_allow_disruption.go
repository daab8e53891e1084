package checks

import (
	"fmt"
	"slices"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp047 = rule.Rule{
	ID:       "SP047",
	Title:    "kube-system PDBs allow at least one disruption",
	Category: catAvailability,
	Severity: rule.High,
	Rationale: "A PodDisruptionBudget with disruptionsAllowed 0 makes every eviction of its pods fail; when its pods sit " +
		"on system nodes, AKS cannot drain those nodes, so upgrades, node image updates and scale-downs of the System " +
		"pool stall until the drain timeout and then fail (the AKS PodDrainFailure error). It happens when the budget " +
		"asks for every pod (minAvailable equal to the replicas, maxUnavailable 0) or when unhealthy pods use up " +
		"the room it leaves (currentHealthy no higher than desiredHealthy although more pods exist): then the pods, not " +
		"the budget, need fixing. A budget that selects no pod blocks nothing and passes.",
	Remediation: "Fix unhealthy pods first (`kubectl describe pdb`); otherwise lower the budget so one pod may go " +
		"(minAvailable below the replica count, or maxUnavailable 1), or add replicas.",
	Sources: []rule.Source{srcK8sDisruptions, srcRollingUpgrade,
		{Title: "AKS troubleshooting: UpgradeFailed due to eviction failures caused by PDBs (PodDrainFailure)",
			URL: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/create-upgrade-delete/error-code-poddrainfailure"}},
	Needs: []snapshot.DataKind{snapshot.KindPDBs},
	Params: []rule.Param{
		{Name: "namespaces", Default: []string{nsKubeSystem}, Doc: "namespaces whose PDBs are judged"},
	},
	Check: checkSP047,
}

func checkSP047(c *rule.Context) []rule.Result {
	nss := c.Strings("namespaces")
	var out []rule.Result
	for i := range c.Snap.PDBs {
		p := &c.Snap.PDBs[i]
		if !slices.Contains(nss, p.Namespace) {
			continue
		}
		out = append(out, judgePDB(c, p))
	}
	if len(out) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message: "no PodDisruptionBudget in the judged namespaces", Evidence: []rule.Evidence{ev("namespaces", nss)}}}
	}
	return out
}

func judgePDB(c *rule.Context, p *snapshot.PDB) rule.Result {
	r := rule.Result{Resource: rule.Resource{Kind: "pdb", Namespace: p.Namespace, Name: p.Name}, Evidence: []rule.Evidence{
		ev("disruptionsAllowed", p.DisruptionsAllowed), ev("currentHealthy", p.CurrentHealthy),
		ev("desiredHealthy", p.DesiredHealthy), ev("expectedPods", p.ExpectedPods),
		ev("minAvailable", orUnset(p.MinAvailable)), ev("maxUnavailable", orUnset(p.MaxUnavailable))}}
	ref := "pdb/" + p.Name
	switch {
	case p.ExpectedPods == 0:
		r.Status = rule.Pass
		r.Message = "PDB " + p.Namespace + "/" + p.Name + " selects no pod, so it blocks no drain"
	case p.DisruptionsAllowed > 0:
		r.Status = rule.Pass
		r.Message = fmt.Sprintf("PDB %s/%s allows %d disruption(s)", p.Namespace, p.Name, p.DisruptionsAllowed)
	case p.DesiredHealthy >= p.ExpectedPods:
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("PDB %s/%s allows no disruption: it requires %d healthy of %d pods, so no node running "+
			"them can be drained", p.Namespace, p.Name, p.DesiredHealthy, p.ExpectedPods)
		r.Fix = pdbRelaxFix(c, p)
	default:
		// The budget leaves room for a disruption, but unhealthy pods have used it up: relaxing the
		// budget or adding replicas would not help; the unhealthy pods have to recover.
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("PDB %s/%s allows no disruption: only %d of its %d pods %s healthy and it needs %d, "+
			"so no healthy pod may be evicted and draining their nodes blocks until the others recover",
			p.Namespace, p.Name, p.CurrentHealthy, p.ExpectedPods, isAre(p.CurrentHealthy), p.DesiredHealthy)
		r.Fix = kubectl(c, "-n "+p.Namespace+" describe "+ref) + "  # then fix the pods it counts as unhealthy"
	}
	return r
}

// pdbRelaxFix lowers a budget that asks for every pod so one may be evicted; a percentage budget
// is left to a human, who knows which share is safe.
func pdbRelaxFix(c *rule.Context, p *snapshot.PDB) string {
	ref := "pdb/" + p.Name
	if aksManagedPDB(p) {
		// AKS reconciles its own PDBs; the budget is fine once the workload has two replicas.
		return managedPDBFix(c, p)
	}
	if n, pct, ok := intOrPercent(p.MaxUnavailable); p.MaxUnavailable != "" && ok && !pct && n == 0 {
		return kubectl(c, "-n "+p.Namespace+" patch "+ref+` --type merge -p '{"spec":{"maxUnavailable":1}}'`)
	}
	if n, pct, ok := intOrPercent(p.MinAvailable); p.MinAvailable != "" && ok && !pct && n > 0 && p.ExpectedPods > 1 {
		return kubectl(c, "-n "+p.Namespace+" patch "+ref+
			fmt.Sprintf(` --type merge -p '{"spec":{"minAvailable":%d}}'`, p.ExpectedPods-1))
	}
	return kubectl(c, "-n "+p.Namespace+" edit "+ref) + "  # let at least one pod be evicted"
}

func isAre(n int32) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

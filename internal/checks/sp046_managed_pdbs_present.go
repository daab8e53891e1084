package checks

import (
	"slices"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// managedPDBs are the PodDisruptionBudgets AKS ships in kube-system, by the Deployment they guard
// (research R-15, K-05: both with minAvailable 1).
var managedPDBs = []struct{ pdb, workload string }{
	{"coredns-pdb", addonCoreDNS},
	{"konnectivity-agent", "konnectivity-agent"},
}

// aksManagedPDB reports whether AKS (or its addon manager) reconciles p, so an edit to it is
// undone: the two it ships by name, and any budget labelled as managed by AKS or the addon manager.
func aksManagedPDB(p *snapshot.PDB) bool {
	if p.Labels["kubernetes.azure.com/managedby"] == "aks" {
		return true
	}
	if _, ok := p.Labels["addonmanager.kubernetes.io/mode"]; ok {
		return true
	}
	return p.Namespace == nsKubeSystem && slices.ContainsFunc(managedPDBs, func(m struct{ pdb, workload string }) bool {
		return m.pdb == p.Name
	})
}

// managedPDBFix is the fix for a budget AKS owns that allows no disruption: its workload needs
// another replica; the budget itself is left alone.
func managedPDBFix(c *rule.Context, p *snapshot.PDB) string {
	for _, m := range managedPDBs {
		if p.Namespace == nsKubeSystem && p.Name == m.pdb {
			return kubectl(c, "-n kube-system get deployment/"+m.workload) +
				"  # AKS owns " + m.pdb + ": run at least 2 replicas (SP045) rather than editing it"
		}
	}
	return kubectl(c, "-n "+shellQuote(p.Namespace)+" describe pdb/"+shellQuote(p.Name)) +
		"  # AKS owns " + p.Name + ": add replicas to the workload it selects rather than editing it"
}

// pdbByRef finds a captured PDB by namespace and name.
func pdbByRef(c *rule.Context, ns, name string) (*snapshot.PDB, bool) {
	for i := range c.Snap.PDBs {
		if p := &c.Snap.PDBs[i]; p.Namespace == ns && p.Name == name {
			return p, true
		}
	}
	return nil, false
}

var sp046 = rule.Rule{
	ID:       "SP046",
	Title:    "The AKS-managed PDBs for CoreDNS and konnectivity-agent are present",
	Category: catAvailability,
	Severity: rule.Medium,
	Rationale: "AKS ships PodDisruptionBudgets coredns-pdb and konnectivity-agent (minAvailable 1) in kube-system so that " +
		"node drains during upgrades, scale-downs and repairs never evict the last CoreDNS or konnectivity-agent pod. " +
		"Without them a drain of the System pool can take DNS or the API server tunnel down for the whole cluster. They " +
		"go missing when someone deletes them or when kube-system was restored from a backup. A PDB is only expected when " +
		"its Deployment runs: clusters from before konnectivity have none.",
	Remediation: "Reconcile the cluster so AKS re-creates its managed objects (`az aks update` with no changes), then " +
		"check with `kubectl -n kube-system get pdb`.",
	Sources: []rule.Source{srcK8sDisruptions,
		{Title: "AKS docs: Resize node pools (AKS-managed PDBs during drains)", URL: "https://learn.microsoft.com/azure/aks/resize-node-pool"},
		aprl("a08a06a0-e41a-4b99-83bb-69ce8bca54cb", "Configure pod disruption budgets (PDBs)"),
		checklist("c1288b3c-6a57-4cfc-9444-51e1a3d3453a", "Use Disruption Budgets in your pod and deployment definitions")},
	Needs: []snapshot.DataKind{snapshot.KindPDBs, snapshot.KindSystemPods},
	Check: checkSP046,
}

func checkSP046(c *rule.Context) []rule.Result {
	var out []rule.Result
	for _, m := range managedPDBs {
		res := rule.Resource{Kind: "pdb", Namespace: nsKubeSystem, Name: m.pdb}
		r := rule.Result{Resource: res, Evidence: []rule.Evidence{ev("workload", "deployment/"+m.workload)}}
		present := slices.ContainsFunc(c.Snap.PDBs, func(p snapshot.PDB) bool {
			return p.Namespace == nsKubeSystem && p.Name == m.pdb
		})
		runs := workloadRuns(c, m.workload)
		r.Evidence = append(r.Evidence, ev("pdbPresent", present), ev("workloadRuns", runs))
		switch {
		case present:
			r.Status = rule.Pass
			r.Message = "kube-system has the AKS-managed PDB " + m.pdb
		case !runs:
			r.Status = rule.Skip
			r.Message = "no " + m.workload + " pods in kube-system, so AKS ships no " + m.pdb + " PDB"
		default:
			r.Status = rule.Fail
			r.Message = "kube-system has no " + m.pdb + " PDB although " + m.workload + " runs: drains can evict every replica at once"
			r.Fix = azAKS(c, "update", "")
		}
		out = append(out, r)
	}
	return out
}

// workloadRuns reports whether kube-system has pods, or a captured Deployment, of workload name.
func workloadRuns(c *rule.Context, name string) bool {
	if _, ok := deployment(c, name); ok {
		return true
	}
	return slices.ContainsFunc(c.Snap.Pods, func(p snapshot.Pod) bool {
		return p.Namespace == nsKubeSystem && p.Workload.Name == name
	})
}

package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp049 = rule.Rule{
	ID:       "SP049",
	Title:    "Node mode labels agree with their pool's mode",
	Category: catConfiguration,
	Severity: rule.Medium,
	Rationale: "AKS writes the pool's mode on each node as kubernetes.azure.com/mode (lowercase: system, user), and the " +
		"scheduler preference of the add-ons, Deployment Safeguards' reserved-taint policy and syspool's own node rules " +
		"all read that label. A node whose label disagrees with its pool (a System pool's node labelled user, or no " +
		"label) attracts or repels the add-ons against the pool's intent; it points at a mode change AKS has not applied " +
		"to the nodes yet, or at pool and node captures taken at different times. The comparison ignores case, as the " +
		"label is lowercase where the API says System (research S-06).",
	Remediation: "Re-apply the pool's mode so AKS relabels its nodes (`az aks nodepool update --mode System`), and " +
		"recapture pools and nodes together.",
	Sources: []rule.Source{srcLabels, srcSystemPools, srcDeploymentSafeguards},
	Needs:   []snapshot.DataKind{snapshot.KindPools, snapshot.KindNodes},
	Check:   checkSP049,
}

func checkSP049(c *rule.Context) []rule.Result {
	pools, ok := poolsWithNodes(c)
	if !ok {
		return noPoolNodes(c)
	}
	var out []rule.Result
	for _, p := range pools {
		nodes := c.Index.NodesOf(p.Name)
		var bad []string
		for _, n := range nodes {
			if !strings.EqualFold(n.ModeLabel, p.Mode) {
				bad = append(bad, n.Name+"="+orUnset(n.ModeLabel))
			}
		}
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("mode", orUnset(p.Mode)),
			ev("nodes", len(nodes)), ev("label", snapshot.LabelMode)}}
		if len(bad) == 0 {
			r.Status = rule.Pass
			r.Message = "the " + plural(len(nodes), "node", "nodes") + " of pool " + p.Name + " are labelled mode " + strings.ToLower(p.Mode)
		} else {
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " is " + orUnset(p.Mode) + " but " + plural(len(bad), "node carries", "nodes carry") +
				" another mode label: " + strings.Join(bad, ", ")
			r.Evidence = append(r.Evidence, ev("mismatched", bad))
			r.Fix = azNodepool(c, "update", p.Name, "--mode "+canonicalMode(p.Mode))
		}
		out = append(out, r)
	}
	return out
}

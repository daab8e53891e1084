package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/aksversion"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp051 = rule.Rule{
	ID:       "SP051",
	Title:    "Node kubelets run their pool's Kubernetes version",
	Category: catHealth,
	Severity: rule.Medium,
	Rationale: "After an upgrade every node of a pool runs the pool's currentOrchestratorVersion. Nodes whose kubelet " +
		"reports another version are the remains of an upgrade that stopped part way (a drain blocked by a PDB, a " +
		"surge node that never became Ready, quota): the pool then mixes versions, the version rules (SP030 to SP032) " +
		"judge a pool its nodes do not match, and the next upgrade starts from an inconsistent state. Patches are " +
		"compared only when the pool's version has one. While the pool is mid-operation (Upgrading) mixed versions are " +
		"the upgrade at work, and the pool is skipped.",
	Remediation: "Find what stopped the upgrade (`kubectl get events`, PDBs with no allowed disruption: SP047) and run " +
		"the pool upgrade again (`az aks nodepool upgrade --kubernetes-version <pool version>`).",
	Sources: []rule.Source{srcUpgradeNodePools, srcRollingUpgrade, srcK8sVersionSkew},
	Needs:   []snapshot.DataKind{snapshot.KindPools, snapshot.KindNodes},
	Check:   checkSP051,
}

func checkSP051(c *rule.Context) []rule.Result {
	pools, ok := poolsWithNodes(c)
	if !ok {
		return noPoolNodes(c)
	}
	var out []rule.Result
	for _, p := range pools {
		raw, field := poolVersion(p)
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev(field, orUnset(raw))}}
		pv, err := aksversion.ParseVersion(raw)
		if err != nil {
			r.Status = rule.Error
			r.Message = "cannot read the version of pool " + p.Name + ": " + orDefault(raw, "not captured")
			out = append(out, r)
			continue
		}
		var bad []string
		reported := 0
		for _, n := range c.Index.NodesOf(p.Name) {
			kv, err := aksversion.ParseVersion(n.KubeletVersion)
			if err != nil {
				continue
			}
			reported++
			if kv.Minor != pv.Minor || (pv.HasPatch && kv.Patch != pv.Patch) {
				bad = append(bad, n.Name+"="+n.KubeletVersion)
			}
		}
		r.Evidence = append(r.Evidence, ev("nodesWithKubeletVersion", reported))
		op := operationInProgress(c, p.Name)
		switch {
		case len(bad) > 0 && op != "":
			r.Status = rule.Skip
			r.Message = "pool " + p.Name + " is " + op + ": its nodes move to " + raw + " a batch at a time, so " +
				plural(len(bad), "node still runs", "nodes still run") + " another kubelet (" + strings.Join(bad, ", ") + ")"
			r.Evidence = append(r.Evidence, ev("provisioningState", op), ev("mismatched", bad))
		case reported == 0:
			r.Status = rule.Error
			r.Message = "no node of pool " + p.Name + " reports a kubelet version"
		case len(bad) > 0:
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " is at " + raw + " but " + plural(len(bad), "node runs", "nodes run") +
				" another kubelet: " + strings.Join(bad, ", ")
			r.Evidence = append(r.Evidence, ev("mismatched", bad))
			r.Fix = azNodepool(c, "upgrade", p.Name, "--kubernetes-version "+orDefault(p.OrchestratorVersion, raw))
		default:
			r.Status = rule.Pass
			r.Message = "the " + plural(reported, "node", "nodes") + " of pool " + p.Name + " run kubelet " + raw
		}
		out = append(out, r)
	}
	return out
}

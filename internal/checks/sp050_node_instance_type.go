package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp050 = rule.Rule{
	ID:       "SP050",
	Title:    "Nodes run the VM size their pool declares",
	Category: catCapacity,
	Severity: rule.Medium,
	Rationale: "Every size rule (SP007, SP008, SP021) judges the pool's vmSize, but the scheduler works with the nodes " +
		"that exist. A node whose node.kubernetes.io/instance-type differs from its VMSS pool's vmSize was changed " +
		"outside the AKS API (resizing the scale set in the node resource group), which AKS does not support and undoes " +
		"on the next reconcile or upgrade; until then the System pool's real capacity is not what the pool says. " +
		"Virtual Machines pools may mix sizes by design and are skipped.",
	Remediation: "Do not resize scale sets in the node resource group; reconcile the cluster through the AKS API " +
		"(`az aks update` with no changes) and resize pools by adding a pool of the new size.",
	Sources: []rule.Source{srcLabels,
		{Title: "AKS docs: Resize node pools", URL: "https://learn.microsoft.com/azure/aks/resize-node-pool"},
		{Title: "AKS support policies: user customization of agent nodes", URL: "https://learn.microsoft.com/azure/aks/support-policies"}},
	Needs: []snapshot.DataKind{snapshot.KindPools, snapshot.KindNodes},
	Check: checkSP050,
}

func checkSP050(c *rule.Context) []rule.Result {
	pools, ok := poolsWithNodes(c)
	if !ok {
		return noPoolNodes(c)
	}
	var out []rule.Result
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("vmSize", orUnset(p.VMSize)),
			ev("type", orUnset(p.Type))}}
		if strings.EqualFold(p.Type, poolTypeVMs) {
			r.Status = rule.Skip
			r.Message = "pool " + p.Name + " is a Virtual Machines pool, which may mix VM sizes"
			out = append(out, r)
			continue
		}
		var bad []string
		labelled := 0
		for _, n := range c.Index.NodesOf(p.Name) {
			it := nodeInstanceType(n)
			if it == "" {
				continue
			}
			labelled++
			if !strings.EqualFold(it, p.VMSize) {
				bad = append(bad, n.Name+"="+it)
			}
		}
		r.Evidence = append(r.Evidence, ev("nodesWithInstanceType", labelled))
		switch {
		case p.VMSize == "" || labelled == 0:
			r.Status = rule.Error
			r.Message = "cannot compare the vmSize of pool " + p.Name + " with its nodes: one side was not captured"
		case len(bad) > 0:
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " declares " + p.VMSize + " but " + plural(len(bad), "node runs", "nodes run") +
				" another size: " + strings.Join(bad, ", ")
			r.Evidence = append(r.Evidence, ev("mismatched", bad))
			r.Fix = azAKS(c, "update", "")
		default:
			r.Status = rule.Pass
			r.Message = "the " + plural(labelled, "node", "nodes") + " of pool " + p.Name + " run " + p.VMSize
		}
		out = append(out, r)
	}
	return out
}

// nodeInstanceType reads the node's VM size from the field the reader filled or its labels.
func nodeInstanceType(n *snapshot.Node) string {
	for _, v := range []string{n.InstanceType, n.Labels[snapshot.LabelInstanceType], n.Labels[snapshot.LabelInstanceTypeOld]} {
		if v != "" {
			return v
		}
	}
	return ""
}

package checks

import (
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

// shape is the vCPU and memory of a pool's VM size and where that figure came from.
type shape struct {
	VCPU      int
	MemoryGiB float64
	// From is "vmsize table" or the node whose labels gave the figures.
	From string
}

// poolShape resolves the shape of p's VM size: the size table first, then the
// kubernetes.azure.com/sku-cpu and sku-memory labels of the pool's nodes, which AKS writes from
// the SKU it actually provisioned. ok is false when neither knows the size: the caller reports
// an error naming it, never a pass (vmsize.Lookup does not guess from the spelling of a name).
func poolShape(c *rule.Context, p *snapshot.Pool) (shape, bool) {
	if p.VMSize != "" {
		if s, ok := vmsize.Lookup(p.VMSize); ok {
			return shape{VCPU: s.VCPU, MemoryGiB: s.MemoryGiB, From: "vmsize table"}, true
		}
	}
	for _, n := range c.Index.NodesOf(p.Name) {
		cpu, err1 := strconv.Atoi(strings.TrimSpace(n.Labels[snapshot.LabelSKUCPU]))
		mem, err2 := strconv.ParseFloat(strings.TrimSpace(n.Labels[snapshot.LabelSKUMemory]), 64)
		if err1 == nil && err2 == nil && cpu > 0 && mem > 0 {
			return shape{VCPU: cpu, MemoryGiB: mem, From: "labels of node " + n.Name}, true
		}
	}
	return shape{}, false
}

// unknownSize is the error result for a pool whose VM size the rule cannot resolve; labels says
// whether node labels were consulted too (they give vCPU and memory, not the family).
func unknownSize(p *snapshot.Pool, what string, labels bool) rule.Result {
	tail := ""
	if labels {
		tail = " and none of its nodes carries sku-cpu/sku-memory labels"
	}
	if p.VMSize == "" {
		return rule.Result{Status: rule.Error, Resource: poolResource(p),
			Message:  "pool " + p.Name + " has no vmSize" + tail + ": cannot judge its " + what,
			Evidence: []rule.Evidence{ev("vmSize", "unset")}}
	}
	return rule.Result{Status: rule.Error, Resource: poolResource(p),
		Message: "VM size " + p.VMSize + " of pool " + p.Name + " is not in syspool's size table (as of " + vmsize.AsOf +
			")" + tail + ": cannot judge its " + what,
		Evidence: []rule.Evidence{ev("vmSize", p.VMSize), ev("vmsizeTable", vmsize.AsOf)}}
}

// formatGiB prints memory without a trailing ".0".
func formatGiB(g float64) string {
	return strconv.FormatFloat(g, 'f', -1, 64)
}

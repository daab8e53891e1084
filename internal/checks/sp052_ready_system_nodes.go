package checks

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp052 = rule.Rule{
	ID:       "SP052",
	Title:    "At least two system nodes are Ready, across zones where the pool is zonal",
	Category: catAvailability,
	Severity: rule.High,
	Rationale: "SP006 judges the node count the System pools are configured to keep; this rule judges the nodes that " +
		"are actually Ready now. With fewer than two Ready system nodes, the next drain, reboot or node failure leaves " +
		"the add-ons without a node (Azure Advisor a9228ae7's floor of two); with all Ready system nodes in one zone " +
		"although the system nodes span several, a zone outage does the same (medium). Nodes count as system nodes by " +
		"their pool's mode, or by the kubernetes.azure.com/mode label for nodes outside the listed pools (Node Auto " +
		"Provisioning's system-surge nodes).",
	Remediation: "Find out why system nodes are not Ready (`kubectl describe nodes -l kubernetes.azure.com/mode=system`); " +
		"add nodes to the System pool when it has fewer than two.",
	Sources: []rule.Source{
		advisor("a9228ae7-4386-41be-b527-acd59fad3c79", "Have at least 2 nodes in your system node pool"),
		srcReliability, srcK8sNodeStatus, srcSystemPools,
	},
	Needs: []snapshot.DataKind{snapshot.KindNodes},
	Params: []rule.Param{
		{Name: "minReadyNodes", Default: 2, Doc: "Ready system nodes required"},
	},
	Check: checkSP052,
}

func checkSP052(c *rule.Context) []rule.Result {
	if res, ok := hostedSkip(c); ok {
		return res
	}
	if !hasSystemNodes(c) {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message: "no System pool or system node in the capture (SP001 reports this)"}}
	}
	want := c.Int("minReadyNodes")
	var ready, notReady, readyZones, allZones []string
	for i := range c.Snap.Nodes {
		n := &c.Snap.Nodes[i]
		if !c.Index.IsSystemNode(n) {
			continue
		}
		zonal := zonalLabel.MatchString(n.Zone)
		if zonal {
			allZones = append(allZones, n.Zone)
		}
		if !n.IsReady() {
			notReady = append(notReady, n.Name)
			continue
		}
		ready = append(ready, n.Name)
		if zonal {
			readyZones = append(readyZones, n.Zone)
		}
	}
	readyZones, allZones = names(readyZones), names(allZones)
	r := rule.Result{Resource: clusterResource(c), Evidence: []rule.Evidence{ev("readySystemNodes", len(ready)),
		ev("notReadySystemNodes", orNone(notReady)), ev("minReadyNodes", want), ev("readyZones", orNone(readyZones)),
		ev("systemNodeZones", orNone(allZones))}}
	describe := kubectl(c, "describe nodes -l "+snapshot.LabelMode+"=system")
	switch {
	case len(ready) < want:
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("only %d of %s Ready, fewer than %d", len(ready),
			plural(len(ready)+len(notReady), "system node is", "system nodes are"), want)
		r.Fix = describe
		if sys := c.Index.SystemPools(); len(ready)+len(notReady) < want && len(sys) > 0 {
			r.Fix = scaleFix(c, sys[0], max(want, 3))
		}
	case len(allZones) >= 2 && len(readyZones) < 2:
		r.Status, r.Severity = rule.Fail, rule.Medium
		r.Message = "every Ready system node is in zone " + strings.Join(readyZones, ", ") + " although the system nodes span " +
			strings.Join(allZones, ", ")
		r.Fix = describe
	default:
		r.Status = rule.Pass
		r.Message = fmt.Sprintf("%s are Ready", plural(len(ready), "system node", "system nodes"))
		if len(readyZones) > 0 {
			r.Message += " in zones " + strings.Join(readyZones, ", ")
		}
	}
	return []rule.Result{r}
}

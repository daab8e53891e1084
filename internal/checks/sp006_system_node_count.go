package checks

import (
	"fmt"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp006 = rule.Rule{
	ID:       "SP006",
	Title:    "System pools keep enough nodes",
	Category: catAvailability,
	Severity: rule.Medium,
	Rationale: "With one system node, a node upgrade, reboot or failure takes CoreDNS and konnectivity down for the whole " +
		"cluster; with two, one surviving node must absorb every add-on during a drain. The sources disagree on the floor: " +
		"the AKS docs and the Well-Architected Framework recommend three system nodes and APRL 7f7ae535 flags minCount < 3, " +
		"while Azure Advisor a9228ae7 and the reliability best practices ask for at least two. syspool counts the nodes the " +
		"pools are guaranteed to keep (minCount when autoscaling, else count) summed over System pools, fails high below " +
		"minNodesHigh and medium below minNodes.",
	Remediation: "Raise the node count (or the autoscaler's minCount) of a System pool until the System pools together " +
		"keep at least three nodes.",
	Sources: []rule.Source{
		srcSystemPools,
		srcWAF,
		aprl("7f7ae535-a5ba-4665-b7e0-c451dbdda01f", "Configure system nodepool count"),
		advisor("a9228ae7-4386-41be-b527-acd59fad3c79", "Have at least 2 nodes in your system node pool"),
		srcReliability,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "minNodes", Default: defaultNodeFloor,
			Doc: "System nodes recommended (docs, WAF, APRL); fewer fails at the rule's severity"},
		{Name: "minNodesHigh", Default: 2,
			Doc: "System nodes below which the failure is high (Advisor's floor)"},
	},
	Check: checkSP006,
}

func checkSP006(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	want, wantHigh := nodeFloor(c), c.Int("minNodesHigh")
	total := 0
	var evidence []rule.Evidence
	var target *snapshot.Pool
	for _, p := range pools {
		n, field, ok := minNodes(p)
		if !ok {
			return []rule.Result{{Status: rule.Error, Resource: poolResource(p),
				Message: "pool " + p.Name + " has no " + field + ": cannot count the nodes it keeps",
				Evidence: []rule.Evidence{ev("enableAutoScaling", p.EnableAutoScaling), ev("count", p.Count),
					ev("minCount", p.MinCount)}}}
		}
		evidence = append(evidence, ev(p.Name+"."+field, n))
		total += n
		// Grow the largest pool: it is the one most likely already sized for the add-ons.
		if target == nil {
			target = p
		} else if tn, _ := target.EffectiveMinNodes(); n > tn {
			target = p
		}
	}
	evidence = append(evidence, ev("systemNodes", total), ev("minNodes", want), ev("minNodesHigh", wantHigh))
	r := rule.Result{Resource: clusterResource(c), Evidence: evidence}
	switch {
	case total < wantHigh:
		r.Status, r.Severity = rule.Fail, rule.High
	case total < want:
		r.Status = rule.Fail
	default:
		r.Status = rule.Pass
		r.Message = fmt.Sprintf("System pools keep %s (recommended: %d)", plural(total, "node", "nodes"), want)
		return []rule.Result{r}
	}
	if r.Severity == rule.High {
		r.Message = fmt.Sprintf("System pools keep only %s, below the floor of %d: one node upgrade or failure "+
			"takes the system add-ons down (%d recommended)", plural(total, "node", "nodes"), wantHigh, want)
	} else {
		r.Message = fmt.Sprintf("System pools keep %s, fewer than the %d recommended", plural(total, "node", "nodes"), want)
	}
	r.Fix = sp006Fix(c, target, want-total)
	return []rule.Result{r}
}

func sp006Fix(c *rule.Context, p *snapshot.Pool, missing int) string {
	n, _ := p.EffectiveMinNodes()
	return scaleFix(c, p, n+missing)
}

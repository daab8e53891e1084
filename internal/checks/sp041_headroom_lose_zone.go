package checks

import (
	"fmt"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp041 = rule.Rule{
	ID:       "SP041",
	Title:    "System pods still fit after losing one availability zone",
	Category: catAvailability,
	Severity: rule.High,
	Rationale: "Spreading a System pool over zones protects the add-ons only if the zones that remain can hold what " +
		"the lost zone ran. A zone outage takes every node in it, of every pool, at once, and no PDB is asked. syspool " +
		"removes, one zone at a time, all nodes in each zone that holds a system node, then re-places every displaced pod " +
		"on the nodes left (system-critical pods first, with taints, affinity, anti-affinity, spread, maxPods and requests " +
		"against allocatable). A zone whose loss leaves kube-system pods without a node fails. A System pool in a single " +
		"zone is SP010's finding and is skipped here. " + stopAfterSystemNote,
	Remediation: "Add system nodes so that each zone's share fits in the others (for three zones, about half again the " +
		"current system load per zone), or use a larger VM size; zones themselves can only be changed with a new pool.",
	Sources: []rule.Source{srcZones, srcReliability, srcWAF, srcSimulation},
	Needs:   headroomNeeds,
	Check:   checkSP041,
}

func checkSP041(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	if res, ok := noReadySystemNode(c); ok {
		return res
	}
	var sysNodes []*snapshot.Node
	for i := range c.Snap.Nodes {
		if n := &c.Snap.Nodes[i]; c.Index.IsSystemNode(n) && n.IsReady() {
			sysNodes = append(sysNodes, n)
		}
	}
	var zones []string
	for _, n := range sysNodes {
		if zonalLabel.MatchString(n.Zone) {
			zones = append(zones, n.Zone)
		}
	}
	zones = names(zones)
	if len(zones) < 2 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message: fmt.Sprintf("the Ready system nodes are in %s: no zone can be lost on its own (SP010 reports System pools outside zones)",
				zoneCount(len(zones))),
			Evidence: []rule.Evidence{ev("zones", orNone(zones))}}}
	}
	var out []rule.Result
	base := simulate.Prepare(c.Snap)
	for _, z := range zones {
		o, err := base.New().Apply(simulate.Scenario{Kind: simulate.LoseZone, Zone: z, StopAfterSystem: true})
		res := rule.Result{Resource: rule.Resource{Kind: "zone", Name: z}}
		if err != nil {
			res.Status, res.Message = rule.Error, "cannot simulate the loss of zone "+z+": "+err.Error()
			out = append(out, res)
			continue
		}
		res.Evidence = outcomeEvidence(o)
		bad := o.UnplacedSystem()
		if len(bad) == 0 {
			res.Status = rule.Pass
			res.Message = fmt.Sprintf("after losing zone %s (%s), %s%s", z,
				plural(len(o.RemovedNodes), "node", "nodes"), displacedFit(o),
				landingNote(c, o))
			out = append(out, res)
			continue
		}
		res.Status = rule.Fail
		res.Message = fmt.Sprintf("after losing zone %s (%s), %s: %s", z,
			plural(len(o.RemovedNodes), "node", "nodes"), findNoNode(len(bad)), unplacedHeadline(bad))
		pool := largestSystemPoolIn(c, pools, z)
		zone := z
		res.Fix = headroomFix(c, base, pool, func(s *simulate.Sim) *simulate.Outcome {
			o, err := s.Apply(simulate.Scenario{Kind: simulate.LoseZone, Zone: zone, StopAfterSystem: true})
			if err != nil {
				return nil
			}
			return o
		})
		out = append(out, res)
	}
	return out
}

// largestSystemPoolIn picks the System pool to grow: the one with the most nodes outside zone z,
// since new nodes spread over the pool's zones and only those outside z survive its loss.
func largestSystemPoolIn(c *rule.Context, pools []*snapshot.Pool, z string) *snapshot.Pool {
	best, bestN := pools[0], -1
	for _, p := range pools {
		k := 0
		for _, n := range c.Index.NodesOf(p.Name) {
			if n.Zone != z {
				k++
			}
		}
		if k > bestN {
			best, bestN = p, k
		}
	}
	return best
}

func zoneCount(n int) string {
	if n == 0 {
		return "no availability zone"
	}
	return plural(n, "zone", "zones")
}

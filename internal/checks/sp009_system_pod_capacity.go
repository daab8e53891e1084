package checks

import (
	"fmt"
	"strconv"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// apiMinMaxPods is the lowest maxPods AKS accepts on any node (10..250, research H-08).
const apiMinMaxPods = 10

var sp009 = rule.Rule{
	ID:       "SP009",
	Title:    "System pools have room for the system pods",
	Category: catCapacity,
	Severity: rule.High,
	Rationale: "AKS requires a System pool to hold at least 30 pods (maxPods × nodes), because the managed add-ons and " +
		"the per-node DaemonSets alone take most of a small pool's pod slots; below that, add-on pods stay Pending after " +
		"an upgrade or a node loss. maxPods below 10 is rejected for any pool and fails critical. maxPods cannot be " +
		"changed on an existing pool; the node count can. Whether AKS checks this per pool with count or minCount is not " +
		"documented (research Q-2): syspool checks each System pool with the nodes it is guaranteed to keep.",
	Remediation: "Raise the pool's node count (or autoscaler minCount) until maxPods × nodes reaches the floor, or add a " +
		"System pool with a higher --max-pods and delete this one.",
	Sources: []rule.Source{srcSystemPools, srcIPPlanning, srcCreatePools},
	Needs:   []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "minPods", Default: 30, Doc: "pods a System pool must hold (maxPods × min nodes), per the AKS docs"},
	},
	Check: checkSP009,
}

func checkSP009(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	want := c.Int("minPods")
	var out []rule.Result
	for _, p := range pools {
		if p.MaxPods == nil {
			out = append(out, rule.Result{Status: rule.Error, Resource: poolResource(p),
				Message: "pool " + p.Name + " has no maxPods: its default depends on the network plugin (30 to 250), " +
					"so its pod capacity is unknown",
				Evidence: []rule.Evidence{ev("maxPods", "unset"), ev("networkPlugin", orUnset(c.Snap.Cluster.NetworkPlugin))}})
			continue
		}
		maxPods := *p.MaxPods
		n, field, ok := minNodes(p)
		if !ok {
			out = append(out, rule.Result{Status: rule.Error, Resource: poolResource(p),
				Message:  "pool " + p.Name + " has no " + field + ": cannot compute its pod capacity",
				Evidence: []rule.Evidence{ev("maxPods", maxPods), ev(field, "unset")}})
			continue
		}
		capacity := maxPods * n
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{
			ev("maxPods", maxPods), ev(field, n), ev("podCapacity", capacity), ev("minPods", want)}}
		switch {
		case maxPods < apiMinMaxPods:
			r.Status, r.Severity = rule.Fail, rule.Critical
			r.Message = fmt.Sprintf("System pool %s has maxPods %d, below the AKS minimum of %d per node",
				p.Name, maxPods, apiMinMaxPods)
			s := specFrom(p)
			mp := want
			s.maxPods = &mp
			r.Fix = replaceFix(c, p, s, retireDelete)
		case capacity < want:
			r.Status = rule.Fail
			need := (want + maxPods - 1) / maxPods
			r.Message = fmt.Sprintf("System pool %s holds %d pods (maxPods %d × %s), fewer than %d; it needs %s",
				p.Name, capacity, maxPods, plural(n, "node", "nodes"), want, plural(need, "node", "nodes"))
			r.Fix = scaleFix(c, p, need)
		default:
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("System pool %s holds %d pods (maxPods %d × %s)",
				p.Name, capacity, maxPods, plural(n, "node", "nodes"))
		}
		out = append(out, r)
	}
	return out
}

// scaleFix raises a pool to n guaranteed nodes: minCount under the autoscaler, count otherwise.
func scaleFix(c *rule.Context, p *snapshot.Pool, n int) string {
	if p.EnableAutoScaling {
		max := n
		if p.MaxCount != nil && *p.MaxCount > max {
			max = *p.MaxCount
		}
		return azNodepool(c, "update", p.Name, "--update-cluster-autoscaler --min-count "+strconv.Itoa(n)+
			" --max-count "+strconv.Itoa(max))
	}
	return azNodepool(c, "scale", p.Name, "--node-count "+strconv.Itoa(n))
}

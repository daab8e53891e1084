package checks

import (
	"fmt"
	"strconv"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp027 = rule.Rule{
	ID:       "SP027",
	Title:    "System pools use the cluster autoscaler with room to grow",
	Category: catCapacity,
	Severity: rule.High,
	Rationale: "CoreDNS, metrics-server and the other add-ons scale with the cluster (the CoreDNS autoscaler adds " +
		"replicas per node and per core); a fixed-size System pool runs out of room exactly when the cluster grows, and " +
		"add-on pods stay Pending. Azure Advisor 70829b1a asks for the autoscaler on System pools and APRL 902c82ff for " +
		"the autoscaler in general (its query only looks at the first pool; syspool judges every System pool). An " +
		"autoscaler whose maxCount equals minCount cannot add a node either. The floor itself (minCount ≥ 3) is SP006's.",
	Remediation: "Enable the autoscaler on the System pool with a maxCount above minCount " +
		"(`az aks nodepool update --enable-cluster-autoscaler --min-count 3 --max-count 5`; the portal's production " +
		"preset uses 2 to 5).",
	Sources: []rule.Source{
		advisor("70829b1a-272b-4728-b418-8f1a56432d33", "Enable Autoscaling for your system node pools"),
		aprl("902c82ff-4910-4b61-942d-0d6ef7f39b67", "Enable the cluster auto-scaler on an existing cluster"),
		psrule("Azure.AKS.AutoScaling", "Enable AKS cluster autoscaler"),
		srcReliability,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "headroomNodes", Default: 2, Doc: "nodes above minCount the fix proposes as maxCount"},
		{Name: "minCount", Default: defaultNodeFloor,
			Doc: "lowest minCount the fix proposes, so that it does not undo SP006 (keep it equal to SP006's minNodes)"},
	},
	Check: checkSP027,
}

func checkSP027(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	headroom, floor := c.Int("headroomNodes"), nodeFloor(c)
	var out []rule.Result
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("enableAutoScaling", p.EnableAutoScaling),
			ev("count", p.Count), ev("minCount", p.MinCount), ev("maxCount", p.MaxCount)}}
		switch {
		case !p.EnableAutoScaling:
			// Start the autoscaler at the nodes the pool has, and no lower than SP006 asks for.
			n := floor
			if p.Count != nil && *p.Count > n {
				n = *p.Count
			}
			r.Status = rule.Fail
			r.Message = "System pool " + p.Name + " has a fixed size: the cluster autoscaler is not enabled"
			r.Fix = azNodepool(c, "update", p.Name, "--enable-cluster-autoscaler --min-count "+strconv.Itoa(n)+
				" --max-count "+strconv.Itoa(n+headroom))
		case p.MinCount == nil || p.MaxCount == nil:
			r.Status = rule.Error
			r.Message = "System pool " + p.Name + " has the autoscaler enabled but no minCount or maxCount in the capture"
		case *p.MaxCount <= *p.MinCount:
			r.Status = rule.Fail
			r.Message = fmt.Sprintf("System pool %s autoscales between %d and %d nodes: it can never add one",
				p.Name, *p.MinCount, *p.MaxCount)
			n := max(*p.MinCount, floor)
			r.Fix = azNodepool(c, "update", p.Name, "--update-cluster-autoscaler --min-count "+strconv.Itoa(n)+
				" --max-count "+strconv.Itoa(n+headroom))
		default:
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("System pool %s autoscales between %d and %d nodes", p.Name, *p.MinCount, *p.MaxCount)
		}
		out = append(out, r)
	}
	return out
}

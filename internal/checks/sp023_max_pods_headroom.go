package checks

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp023 = rule.Rule{
	ID:       "SP023",
	Title:    "Pools allow at least 50 pods per node",
	Category: catCapacity,
	Severity: rule.Low,
	Rationale: "Every node runs a fixed set of DaemonSet pods (kube-proxy, CNI, CSI drivers, monitoring agents), so a low " +
		"maxPods leaves few slots for anything else and makes bin packing poor; on a System pool it also caps how many " +
		"add-on replicas fit. PSRule Azure.AKS.NodeMinPods and Checkov CKV_AZURE_168 recommend at least 50. This is a " +
		"third-party recommendation, not an AKS requirement, hence low. Where it bites most is legacy Azure CNI, whose " +
		"default is 30: Checkov assumes 30 whenever maxPods is unset, which wrongly fails kubenet (110) and CNI Overlay " +
		"(250) clusters; syspool resolves the unset value from the cluster's network plugin and reports an error when the " +
		"plugin does not determine it.",
	Remediation: "maxPods is immutable: add a pool with `--max-pods 50` or more (mind the subnet size with legacy Azure " +
		"CNI, which reserves one IP per possible pod), then delete the old one.",
	Sources: []rule.Source{
		psrule("Azure.AKS.NodeMinPods", "Nodes use a minimum number of pods"),
		checkov("CKV_AZURE_168", "AKSMaxPodsMinimum", "Ensure AKS nodes use a minimum number of 50 pods"),
		srcIPPlanning,
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "minMaxPods", Default: 50, Doc: "maxPods below which a pool fails (PSRule, Checkov: 50)"},
	},
	Check: checkSP023,
}

func checkSP023(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	want := c.Int("minMaxPods")
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("maxPods", p.MaxPods), ev("minMaxPods", want)}}
		n, from := 0, "maxPods"
		if p.MaxPods != nil {
			n = *p.MaxPods
		} else {
			d, why := defaultMaxPods(c)
			r.Evidence = append(r.Evidence, ev("networkPlugin", orUnset(c.Snap.Cluster.NetworkPlugin)),
				ev("networkPluginMode", orUnset(c.Snap.Cluster.NetworkPluginMode)))
			if d == 0 {
				r.Status = rule.Error
				r.Message = "pool " + p.Name + " has no maxPods and " + why
				out = append(out, r)
				continue
			}
			n, from = d, "the default "+why
		}
		if n >= want {
			r.Status = rule.Pass
			r.Message = fmt.Sprintf("pool %s allows %d pods per node (%s)", p.Name, n, from)
			out = append(out, r)
			continue
		}
		r.Status = rule.Fail
		r.Message = fmt.Sprintf("pool %s allows only %d pods per node (%s), fewer than %d", p.Name, n, from, want)
		s := specFor(p)
		s.maxPods = &want
		r.Fix = replaceFix(c, p, s, retireDelete)
		out = append(out, r)
	}
	return out
}

// defaultMaxPods is the maxPods AKS gives a pool that does not set one, from the cluster's
// network plugin (research H-08). It returns 0 with the reason when the capture cannot tell:
// legacy Azure CNI defaults to 30 on a node subnet but 110 with a pod subnet, which the snapshot
// does not record.
func defaultMaxPods(c *rule.Context) (int, string) {
	cl := c.Snap.Cluster
	switch plugin := strings.ToLower(cl.NetworkPlugin); {
	case plugin == "kubenet":
		return 110, "for kubenet"
	case plugin == "azure" && strings.EqualFold(cl.NetworkPluginMode, "overlay"):
		return 250, "for Azure CNI Overlay"
	case plugin == "azure":
		return 0, "Azure CNI without overlay defaults to 30 (node subnet) or 110 (pod subnet), which the capture does not tell apart"
	case plugin == "":
		return 0, "the cluster's network plugin was not captured, so its default is unknown"
	default:
		return 0, "the default for network plugin " + quote(cl.NetworkPlugin) + " is not known to syspool"
	}
}

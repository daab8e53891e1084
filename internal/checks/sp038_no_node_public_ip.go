package checks

import (
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp038 = rule.Rule{
	ID:       "SP038",
	Title:    "Nodes have no public IP addresses",
	Category: catConfiguration,
	Severity: rule.Medium,
	Rationale: "A pool with enableNodePublicIP gives every node its own internet-facing address: the kubelet, SSH and " +
		"whatever a compromised pod binds on the host network become reachable unless NSGs are exactly right, and on a " +
		"System pool that exposes the nodes running the cluster's DNS and API tunnel. Checkov CKV_AZURE_143 and Prowler " +
		"aks_clusters_created_with_private_nodes fail any pool with public node IPs. The API default is off, so an unset " +
		"value passes.",
	Remediation: "Public node IPs cannot be turned off on an existing pool: add a pool without `--enable-node-public-ip` " +
		"and the same settings, move workloads, then delete the old one. Use a load balancer or NAT gateway for traffic.",
	Sources: []rule.Source{
		checkov("CKV_AZURE_143", "AKSNodePublicIpDisabled", "Ensure AKS cluster nodes do not have public IP addresses"),
		{Title: "Prowler aks_clusters_created_with_private_nodes",
			URL: "https://github.com/prowler-cloud/prowler/tree/master/prowler/providers/azure/services/aks"},
		{Title: "AKS docs: Use instance-level public IPs", URL: "https://learn.microsoft.com/azure/aks/use-node-public-ips"},
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP038,
}

func checkSP038(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("enableNodePublicIp", p.EnableNodePublicIP)}}
		if p.EnableNodePublicIP != nil && *p.EnableNodePublicIP {
			r.Status = rule.Fail
			r.Message = p.Mode + " pool " + p.Name + " gives each node a public IP address"
			r.Fix = replaceFix(c, p, specFor(p), retireDelete)
		} else {
			r.Status = rule.Pass
			r.Message = "pool " + p.Name + " gives its nodes no public IP address"
		}
		out = append(out, r)
	}
	return out
}

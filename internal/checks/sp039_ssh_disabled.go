package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp039 = rule.Rule{
	ID:       "SP039",
	Title:    "SSH is disabled on Linux nodes",
	Category: catConfiguration,
	Severity: rule.Low,
	Rationale: "By default the SSH service on AKS nodes accepts the cluster's key from any network that reaches the " +
		"node, including pods; disabling it removes that path to the hosts running the system add-ons, while " +
		"`kubectl debug node` keeps working. Azure Policy 28257686 flags any pool whose securityProfile.sshAccess is " +
		"missing or LocalUser; syspool follows it (unset is LocalUser). EntraId access passes. Disabling SSH is not " +
		"supported on Windows pools, which are skipped.",
	Remediation: "Disable SSH on the pool and reimage its nodes for it to take effect " +
		"(`az aks nodepool update --ssh-access disabled`, then `az aks nodepool upgrade --node-image-only`).",
	Sources: []rule.Source{
		policy("28257686-e9db-403e-b9e2-a5eecbe03da9", "Azure Kubernetes Clusters should disable SSH"),
		{Title: "AKS docs: Manage SSH access on cluster nodes", URL: "https://learn.microsoft.com/azure/aks/manage-ssh-node-access"},
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP039,
}

func checkSP039(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("sshAccess", orDefault(p.SSHAccess, "unset (LocalUser)")),
			ev("osType", orUnset(p.OSType))}}
		switch {
		case p.IsWindows():
			r.Status = rule.Skip
			r.Message = "pool " + p.Name + " runs Windows, where AKS does not support disabling SSH"
		case strings.EqualFold(p.SSHAccess, "Disabled") || strings.EqualFold(p.SSHAccess, "EntraId"):
			r.Status = rule.Pass
			r.Message = "pool " + p.Name + " has SSH access " + p.SSHAccess
		default:
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " accepts SSH with the cluster's key (sshAccess " + orDefault(p.SSHAccess, "unset, which is LocalUser") + ")"
			r.Fix = then(azNodepool(c, "update", p.Name, "--ssh-access disabled"), azNodepool(c, "upgrade", p.Name, "--node-image-only"))
		}
		out = append(out, r)
	}
	return out
}

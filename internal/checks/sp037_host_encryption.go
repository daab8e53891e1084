package checks

import (
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp037 = rule.Rule{
	ID:       "SP037",
	Title:    "Pools encrypt temp disks and caches at the host",
	Category: catConfiguration,
	Severity: rule.Low,
	Rationale: "Without encryption at host, the temp disk and the OS and data disk caches of every node (system nodes " +
		"included, with their add-on secrets and logs) are not encrypted at rest by the VM host; many compliance " +
		"baselines require it. Azure Policy 41425d9f audits (or denies) any agent pool without enableEncryptionAtHost, " +
		"treating a missing value as false, and Checkov CKV_AZURE_227 does the same; syspool follows them. It is a " +
		"security hardening rather than an availability matter, hence low.",
	Remediation: "Host encryption can only be set when a pool is created: register the feature once per subscription " +
		"(`az feature register --namespace Microsoft.Compute --name EncryptionAtHost`), add a pool with " +
		"`--enable-encryption-at-host` and the same settings, then delete the old one.",
	Sources: []rule.Source{
		{Title: "Azure Policy 41425d9f-d1a5-499a-9932-f8ed8453932c: Temp disks and cache for agent node pools should be encrypted at host",
			URL: "https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/Kubernetes/AKS_EncryptionAtHost_Deny.json"},
		checkov("CKV_AZURE_227", "AKSEncryptionAtHostEnabled", "Ensure that the AKS cluster encrypt temp disks, caches, and data flows"),
		{Title: "AKS docs: Host-based encryption", URL: "https://learn.microsoft.com/azure/aks/enable-host-encryption"},
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Check: checkSP037,
}

func checkSP037(c *rule.Context) []rule.Result {
	if len(c.Snap.Pools) == 0 {
		return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c), Message: "the capture lists no agent pool"}}
	}
	var out []rule.Result
	for i := range c.Snap.Pools {
		p := &c.Snap.Pools[i]
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("enableEncryptionAtHost", p.EnableEncryptionAtHost)}}
		if p.EnableEncryptionAtHost != nil && *p.EnableEncryptionAtHost {
			r.Status = rule.Pass
			r.Message = "pool " + p.Name + " encrypts at host"
		} else {
			// Unset is what the API reads as false, and what the policy flags.
			r.Status = rule.Fail
			r.Message = "pool " + p.Name + " does not encrypt its temp disk and disk caches at the host"
			s := specFor(p)
			s.extra = append(s.extra, "--enable-encryption-at-host")
			r.Fix = replaceFix(c, p, s, retireDelete)
		}
		out = append(out, r)
	}
	return out
}

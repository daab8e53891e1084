package live

import (
	"strings"
	"testing"

	"github.com/syspool/syspool/internal/snapshot"
)

func TestMatchContext(t *testing.T) {
	prod := snapshot.Cluster{Name: "aks-prod", ResourceGroup: "rg-prod", SubscriptionID: "sub",
		FQDN: "aks-prod-dns-1a2b3c4d.hcp.westeurope.azmk8s.io", NodeResourceGroup: "MC_rg-prod_aks-prod_westeurope"}
	private := prod
	private.FQDN, private.PrivateFQDN = "", "aks-prod-dns-9z8y.privatelink.westeurope.azmk8s.io"
	node := func(name, rg string) snapshot.Node {
		n := snapshot.Node{Name: name, Labels: map[string]string{}}
		if rg != "" {
			n.Labels[snapshot.LabelCluster] = rg
		}
		return n
	}
	read := snapshot.KindCoverage{Present: true}
	prodNodes := []snapshot.Node{node("n1", "MC_rg-prod_aks-prod_westeurope"), node("n2", "mc_rg-prod_aks-prod_westeurope")}
	stagingNodes := []snapshot.Node{node("s1", "MC_rg-staging_aks-staging_westeurope")}
	tests := []struct {
		name    string
		cluster snapshot.Cluster
		server  string
		nodes   []snapshot.Node
		cov     snapshot.KindCoverage
		want    Verdict
		// evidence holds substrings the evidence must contain.
		evidence []string
	}{
		{name: "fqdn and nodes agree", cluster: prod, server: "https://aks-prod-dns-1a2b3c4d.hcp.westeurope.azmk8s.io:443",
			nodes: prodNodes, cov: read, want: Matched,
			evidence: []string{"is the cluster's fqdn", "2 node(s) carry kubernetes.azure.com/cluster=MC_rg-prod_aks-prod_westeurope"}},
		{name: "fqdn in other case with a trailing dot", cluster: prod, server: "https://AKS-PROD-DNS-1a2b3c4d.hcp.westeurope.azmk8s.io.:443",
			cov: snapshot.KindCoverage{Reason: "forbidden"}, want: Matched, evidence: []string{"is the cluster's fqdn"}},
		{name: "private cluster", cluster: private, server: "https://aks-prod-dns-9z8y.privatelink.westeurope.azmk8s.io:443",
			cov: read, nodes: prodNodes, want: Matched, evidence: []string{"is the cluster's privateFQDN"}},
		{name: "nodes alone settle it behind a proxy", cluster: prod, server: "https://127.0.0.1:6443",
			nodes: prodNodes, cov: read, want: Matched, evidence: []string{"2 node(s) carry"}},
		{name: "another AKS cluster's API server", cluster: prod, server: "https://aks-staging-dns-5e6f.hcp.westeurope.azmk8s.io:443",
			nodes: stagingNodes, cov: read, want: Mismatched,
			evidence: []string{"is another AKS cluster's", "1 node(s) (s1) are in node resource group MC_rg-staging_aks-staging_westeurope, not the cluster's MC_rg-prod_aks-prod_westeurope"}},
		{name: "right API server but another cluster's nodes", cluster: prod, server: "https://aks-prod-dns-1a2b3c4d.hcp.westeurope.azmk8s.io:443",
			nodes: append(append([]snapshot.Node{}, prodNodes...), stagingNodes...), cov: read, want: Mismatched,
			evidence: []string{"not the cluster's", "is the cluster's fqdn"}},
		{name: "no evidence either way", cluster: prod, server: "https://kube.internal.example.com", nodes: []snapshot.Node{node("v1", "")},
			cov: read, want: Unverified, evidence: []string{"neither the cluster's fqdn", "none of the 1 nodes read carries"}},
		{name: "nodes forbidden and a custom name", cluster: prod, server: "https://kube.internal.example.com",
			cov: snapshot.KindCoverage{Reason: "list nodes: forbidden"}, want: Unverified, evidence: []string{"no node could be read"}},
		{name: "Azure side not read", cluster: snapshot.Cluster{Name: "aks-prod"}, server: "https://x.hcp.westeurope.azmk8s.io",
			nodes: stagingNodes, cov: read, want: Unverified, evidence: []string{"was not read from Azure"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MatchContext(tt.cluster, tt.server, tt.nodes, tt.cov)
			if m.Verdict != tt.want {
				t.Errorf("verdict = %s, want %s (%s)", m.Verdict, tt.want, m)
			}
			got := strings.Join(m.Evidence, "; ")
			for _, e := range tt.evidence {
				if !strings.Contains(got, e) {
					t.Errorf("evidence %q lacks %q", got, e)
				}
			}
		})
	}
}

package live

import (
	"fmt"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/collect/kube"
	"github.com/syspool/syspool/internal/snapshot"
)

// Verdict says whether the kube context is the cluster read from Azure.
type Verdict int

const (
	// Unverified: nothing confirms or contradicts it (the Azure side was not read, the server is
	// reached through a name of its own, no node could be read).
	Unverified Verdict = iota
	// Matched: some evidence confirms it and none contradicts it.
	Matched
	// Mismatched: some evidence says the context is another cluster.
	Mismatched
)

func (v Verdict) String() string {
	switch v {
	case Matched:
		return "matched"
	case Mismatched:
		return "mismatched"
	}
	return "unverified"
}

// Match is the outcome of comparing a kube context with the cluster ARM describes.
type Match struct {
	Verdict Verdict
	// Evidence lists what confirmed or contradicted the match, or why there was none.
	Evidence []string
}

func (m Match) String() string {
	return m.Verdict.String() + ": " + strings.Join(m.Evidence, "; ")
}

// MatchContext compares the API server a kube context points at, and the nodes read through it,
// with the managed cluster read from ARM. Two independent signals, either of which settles it:
//
//   - the API server host is the cluster's fqdn or privateFQDN (what az aks get-credentials and
//     kubelogin write into a kubeconfig); a host under azmk8s.io that is neither belongs to
//     another AKS cluster;
//   - AKS writes the node resource group into the kubernetes.azure.com/cluster label of every
//     node, so nodes carrying another value are another cluster's.
//
// Any contradiction wins over any confirmation: a context that reaches this cluster's API server
// but lists another cluster's nodes is not something to audit.
func MatchContext(cl snapshot.Cluster, server string, nodes []snapshot.Node, nodesCov snapshot.KindCoverage) Match {
	if cl.FQDN == "" && cl.PrivateFQDN == "" && cl.NodeResourceGroup == "" {
		return Match{Verdict: Unverified, Evidence: []string{"the managed cluster was not read from Azure, so there is nothing to compare the kube context with"}}
	}
	var agree, disagree, none []string
	host := normHost(kube.ServerHost(server))
	switch {
	case host != "" && (host == normHost(cl.FQDN) || host == normHost(cl.PrivateFQDN)):
		which := "fqdn"
		if host == normHost(cl.PrivateFQDN) {
			which = "privateFQDN"
		}
		agree = append(agree, fmt.Sprintf("the API server %s is the cluster's %s", host, which))
	case strings.HasSuffix(host, ".azmk8s.io"):
		disagree = append(disagree, fmt.Sprintf("the API server %s is another AKS cluster's (this cluster's fqdn is %s%s)",
			host, orNone(cl.FQDN), privateSuffix(cl.PrivateFQDN)))
	default:
		none = append(none, fmt.Sprintf("the API server %s is neither the cluster's fqdn %s%s (a custom DNS name or a proxy?)",
			orNone(host), orNone(cl.FQDN), privateSuffix(cl.PrivateFQDN)))
	}

	labelled := map[string][]string{}
	for _, n := range nodes {
		if v := n.Labels[snapshot.LabelCluster]; v != "" {
			labelled[v] = append(labelled[v], n.Name)
		}
	}
	nrg := cl.NodeResourceGroup
	switch {
	case !nodesCov.Present && nodesCov.Reason != "":
		none = append(none, "no node could be read to compare node resource groups: "+nodesCov.Reason)
	case len(labelled) == 0:
		none = append(none, fmt.Sprintf("none of the %d nodes read carries the %s label", len(nodes), snapshot.LabelCluster))
	case nrg == "":
		none = append(none, "the cluster's node resource group is unknown")
	default:
		values := make([]string, 0, len(labelled))
		for v := range labelled {
			values = append(values, v)
		}
		sort.Strings(values)
		var same int
		for _, v := range values {
			if strings.EqualFold(v, nrg) {
				same += len(labelled[v])
				continue
			}
			disagree = append(disagree, fmt.Sprintf("%d node(s) (%s) are in node resource group %s, not the cluster's %s",
				len(labelled[v]), abbreviate(labelled[v], 3), v, nrg))
		}
		if same > 0 {
			agree = append(agree, fmt.Sprintf("%d node(s) carry %s=%s, the cluster's node resource group", same, snapshot.LabelCluster, nrg))
		}
	}
	switch {
	case len(disagree) > 0:
		return Match{Verdict: Mismatched, Evidence: append(disagree, agree...)}
	case len(agree) > 0:
		return Match{Verdict: Matched, Evidence: agree}
	}
	return Match{Verdict: Unverified, Evidence: none}
}

func normHost(h string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".") }

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func privateSuffix(private string) string {
	if private == "" {
		return ""
	}
	return " nor its privateFQDN " + private
}

func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

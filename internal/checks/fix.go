package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/shell"
)

// Placeholders stand in for identity the snapshot does not carry. They are spelled like the az
// documentation spells them so a reader sees at once what to fill in.
const (
	phSubscription  = "<subscription>"
	phResourceGroup = "<resource-group>"
	phCluster       = "<cluster>"
)

// clusterIdentity returns the subscription, resource group and name of the cluster, from the
// explicit fields first and the ARM ID second (offline captures often keep only the ID).
func clusterIdentity(c *rule.Context) (sub, rg, name string) {
	cl := c.Snap.Cluster
	sub, rg, name = cl.SubscriptionID, cl.ResourceGroup, cl.Name
	// /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>
	parts := strings.Split(strings.Trim(cl.ID, "/"), "/")
	for i := 0; i+1 < len(parts); i += 2 {
		switch strings.ToLower(parts[i]) {
		case "subscriptions":
			if sub == "" {
				sub = parts[i+1]
			}
		case "resourcegroups":
			if rg == "" {
				rg = parts[i+1]
			}
		case "managedclusters":
			if name == "" {
				name = parts[i+1]
			}
		}
	}
	return orPlaceholder(sub, phSubscription), orPlaceholder(rg, phResourceGroup), orPlaceholder(name, phCluster)
}

func orPlaceholder(v, ph string) string {
	if v == "" {
		return ph
	}
	return shellQuote(v)
}

// azAKS renders `az aks <verb>` for the cluster, e.g. azAKS(c, "update", "") reconciles it.
func azAKS(c *rule.Context, verb, args string) string {
	sub, rg, name := clusterIdentity(c)
	return join("az aks", verb, "--subscription", sub, "-g", rg, "-n", name, args)
}

// azNodepool renders `az aks nodepool <verb>` for one pool of the cluster, e.g.
// azNodepool(c, "update", "sys", "--update-cluster-autoscaler --min-count 3 --max-count 5").
func azNodepool(c *rule.Context, verb, pool, args string) string {
	sub, rg, name := clusterIdentity(c)
	return join("az aks nodepool", verb, "--subscription", sub, "-g", rg, "--cluster-name", name,
		"-n", shellQuote(pool), args)
}

// kubectl renders a kubectl command against the context the snapshot was collected with, so the
// command cannot land on whatever cluster the reader's current context points at.
func kubectl(c *rule.Context, args string) string {
	if ctx := c.Snap.Provenance.Identity.KubeContext; ctx != "" {
		return join("kubectl --context", shellQuote(ctx), args)
	}
	return join("kubectl", args)
}

// then chains commands that must run in order.
func then(cmds ...string) string { return strings.Join(cmds, " && ") }

func join(parts ...string) string { return shell.Join(parts...) }

func shellQuote(v string) string { return shell.Quote(v) }

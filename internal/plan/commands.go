package plan

import (
	"sort"
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/shell"
	"github.com/syspool/syspool/internal/snapshot"
)

// Placeholders stand in for identity a capture does not carry, spelled as the az docs spell
// them, so a reader sees at once what to fill in before running anything.
const (
	phSubscription  = "<subscription>"
	phResourceGroup = "<resource-group>"
	phCluster       = "<cluster>"
)

// identityOf reads the cluster's identity from its fields, then from its ARM ID (offline captures
// often keep only the ID), and the kube context the capture was made with.
func identityOf(s *snapshot.Snapshot) Identity {
	c := s.Cluster
	id := Identity{Subscription: c.SubscriptionID, ResourceGroup: c.ResourceGroup, Name: c.Name,
		KubeContext: s.Provenance.Identity.KubeContext, Location: c.Location}
	parts := strings.Split(strings.Trim(c.ID, "/"), "/")
	for i := 0; i+1 < len(parts); i += 2 {
		switch strings.ToLower(parts[i]) {
		case "subscriptions":
			id.Subscription = first(id.Subscription, parts[i+1])
		case "resourcegroups":
			id.ResourceGroup = first(id.ResourceGroup, parts[i+1])
		case "managedclusters":
			id.Name = first(id.Name, parts[i+1])
		}
	}
	id.Subscription = first(id.Subscription, phSubscription)
	id.ResourceGroup = first(id.ResourceGroup, phResourceGroup)
	id.Name = first(id.Name, phCluster)
	return id
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cmds renders commands for one cluster.
type cmds struct{ id Identity }

func (c cmds) q(v string) string {
	if strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">") {
		return v // a placeholder to fill in, not a value to quote
	}
	return shellQuote(v)
}

// aks renders `az aks <verb>` against the cluster.
func (c cmds) aks(verb string, args ...string) string {
	return join(append([]string{"az aks", verb, "--subscription", c.q(c.id.Subscription), "-g", c.q(c.id.ResourceGroup),
		"-n", c.q(c.id.Name)}, args...)...)
}

// nodepool renders `az aks nodepool <verb>` for one pool of the cluster.
func (c cmds) nodepool(verb, pool string, args ...string) string {
	return join(append([]string{"az aks nodepool", verb, "--subscription", c.q(c.id.Subscription), "-g",
		c.q(c.id.ResourceGroup), "--cluster-name", c.q(c.id.Name), "-n", shellQuote(pool)}, args...)...)
}

// nodepoolList renders `az aks nodepool list` for the cluster.
func (c cmds) nodepoolList(args ...string) string {
	return join(append([]string{"az aks nodepool list --subscription", c.q(c.id.Subscription), "-g",
		c.q(c.id.ResourceGroup), "--cluster-name", c.q(c.id.Name)}, args...)...)
}

// kubectl pins the context the capture was made with, so a command cannot land on whatever
// cluster the reader's current context points at.
func (c cmds) kubectl(args ...string) string {
	if c.id.KubeContext != "" {
		return join(append([]string{"kubectl --context", shellQuote(c.id.KubeContext)}, args...)...)
	}
	return join(append([]string{"kubectl"}, args...)...)
}

// poolState is the read-only gate every pool change waits for.
func (c cmds) poolState(pool string) string {
	return c.nodepool("show", pool, `--query "{state:provisioningState, power:powerState.code, count:count, mode:mode, version:currentOrchestratorVersion}" -o table`)
}

func poolSelector(pool string) string {
	return "-l " + snapshot.LabelAgentPool + "=" + shellQuote(pool)
}

func join(parts ...string) string { return shell.Join(parts...) }

func shellQuote(v string) string { return shell.Quote(v) }

func taintList(ts []snapshot.Taint) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ",")
}

// addArgs renders the flags of `az aks nodepool add` for spec.
func addArgs(spec PoolSpec) []string {
	a := []string{"--mode " + spec.Mode}
	if spec.OSType != "" {
		a = append(a, "--os-type "+spec.OSType)
	}
	if spec.OSSKU != "" {
		a = append(a, "--os-sku "+shellQuote(spec.OSSKU))
	}
	a = append(a, "--node-vm-size "+shellQuote(spec.VMSize))
	if spec.Autoscale {
		a = append(a, "--enable-cluster-autoscaler --min-count "+strconv.Itoa(spec.MinCount)+" --max-count "+strconv.Itoa(spec.MaxCount))
	}
	a = append(a, "--node-count "+strconv.Itoa(spec.Count))
	if len(spec.Zones) > 0 {
		a = append(a, "--zones "+strings.Join(spec.Zones, " "))
	}
	if spec.MaxPods > 0 {
		a = append(a, "--max-pods "+strconv.Itoa(spec.MaxPods))
	}
	if spec.Taints != nil && len(*spec.Taints) > 0 {
		a = append(a, "--node-taints "+shellQuote(taintList(*spec.Taints)))
	}
	if len(spec.Labels) > 0 {
		keys := make([]string, 0, len(spec.Labels))
		for k := range spec.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kv := make([]string, len(keys))
		for i, k := range keys {
			kv[i] = shellQuote(k + "=" + spec.Labels[k])
		}
		a = append(a, "--labels "+strings.Join(kv, " "))
	}
	if spec.KubernetesVersion != "" {
		a = append(a, "--kubernetes-version "+shellQuote(spec.KubernetesVersion))
	}
	if spec.Spot {
		a = append(a, "--priority Spot --eviction-policy Delete --spot-max-price -1")
	}
	if spec.MaxSurge != "" {
		a = append(a, "--max-surge "+shellQuote(spec.MaxSurge))
	}
	if spec.MaxUnavailable != "" {
		a = append(a, "--max-unavailable "+shellQuote(spec.MaxUnavailable))
	}
	return a
}

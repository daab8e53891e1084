package checks

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Categories group rules in reports and in the catalog.
const (
	catAvailability  = "availability"
	catIsolation     = "isolation"
	catCapacity      = "capacity"
	catHealth        = "health"
	catConfiguration = "configuration"
)

// nsKubeSystem is where AKS runs its managed add-ons.
const nsKubeSystem = "kube-system"

// taintCriticalAddonsOnly is the taint AKS documents for a dedicated system pool; AKS add-ons
// tolerate it and AKS accepts it on System pools as the one hard taint allowed there.
const taintCriticalAddonsOnly = "CriticalAddonsOnly"

// recommendedSystemVMSize is what fixes propose for a new System pool: 4 vCPU and 16 GiB with a
// local disk for an ephemeral OS disk, meeting the docs' 4 vCPU floor. Rules that size a
// pool let the policy choose another through their own parameter.
const recommendedSystemVMSize = "Standard_D4ds_v5"

func clusterResource(c *rule.Context) rule.Resource {
	name := c.Snap.Cluster.Name
	if name == "" {
		name = "cluster"
	}
	return rule.Resource{Kind: "cluster", Name: name}
}

func poolResource(p *snapshot.Pool) rule.Resource {
	return rule.Resource{Kind: "pool", Name: p.Name, Pool: p.Name}
}

func nodeResource(n *snapshot.Node) rule.Resource {
	return rule.Resource{Kind: "node", Name: n.Name, Pool: n.Pool}
}

// ev is one piece of evidence; values print with fmt's %v so ints, bools and lists read plainly.
func ev(field string, value any) rule.Evidence {
	switch v := value.(type) {
	case []string:
		return rule.Evidence{Field: field, Value: strings.Join(v, ",")}
	case *int:
		if v == nil {
			return rule.Evidence{Field: field, Value: "unset"}
		}
		return rule.Evidence{Field: field, Value: strconv.Itoa(*v)}
	case *bool:
		if v == nil {
			return rule.Evidence{Field: field, Value: "unset"}
		}
		return rule.Evidence{Field: field, Value: strconv.FormatBool(*v)}
	}
	return rule.Evidence{Field: field, Value: fmt.Sprint(value)}
}

// hostedSkip is the answer of every pool-level System rule on an AKS Automatic cluster whose
// system pool AKS runs out of sight: the agent pool list does not include it (research S-01).
func hostedSkip(c *rule.Context) ([]rule.Result, bool) {
	if !c.Snap.Cluster.HostedSystemPool {
		return nil, false
	}
	return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
		Message:  "AKS manages the system pool of this Automatic cluster (hostedSystemProfile enabled): it is not among the agent pools",
		Evidence: []rule.Evidence{ev("cluster.hostedSystemPool", true)}}}, true
}

// systemPools returns the System pools to judge, or the results to return instead: a skip for a
// hosted system pool, and a skip pointing at SP001 when there is no System pool at all (SP001
// reports that once; repeating it in every rule would only add noise).
func systemPools(c *rule.Context) ([]*snapshot.Pool, []rule.Result) {
	if res, ok := hostedSkip(c); ok {
		return nil, res
	}
	pools := c.Index.SystemPools()
	if len(pools) == 0 {
		return nil, []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
			Message:  "no System pool among the agent pools to judge (SP001 reports this)",
			Evidence: []rule.Evidence{ev("systemPools", 0), ev("pools", len(c.Snap.Pools))}}}
	}
	return pools, nil
}

// clusterStoppedSkip answers pool-state rules on a stopped cluster: `az aks stop` stops every pool
// on purpose, which is not the pool-level stop these rules are about.
func clusterStoppedSkip(c *rule.Context) ([]rule.Result, bool) {
	if !c.Snap.Cluster.Stopped() {
		return nil, false
	}
	return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
		Message:  "the whole cluster is stopped (az aks stop): pool power states follow the cluster",
		Evidence: []rule.Evidence{ev("cluster.powerState", c.Snap.Cluster.PowerState)}}}, true
}

// minNodes is Pool.EffectiveMinNodes with the field it came from, for evidence.
func minNodes(p *snapshot.Pool) (n int, field string, ok bool) {
	n, ok = p.EffectiveMinNodes()
	if p.EnableAutoScaling {
		return n, "minCount", ok
	}
	return n, "count", ok
}

func isCriticalAddonsOnly(t snapshot.Taint) bool {
	// AKS and Terraform compare this key case-insensitively (research S-07).
	return strings.EqualFold(t.Key, taintCriticalAddonsOnly)
}

// keepsPodsOff reports whether a taint's effect keeps untolerating pods off the node;
// PreferNoSchedule only discourages the scheduler.
func keepsPodsOff(t snapshot.Taint) bool {
	return strings.EqualFold(t.Effect, "NoSchedule") || strings.EqualFold(t.Effect, "NoExecute")
}

// dedicatingTaint returns the CriticalAddonsOnly taint that makes a pool dedicated, if any.
func dedicatingTaint(taints []snapshot.Taint) (snapshot.Taint, bool) {
	for _, t := range taints {
		if isCriticalAddonsOnly(t) && keepsPodsOff(t) {
			return t, true
		}
	}
	return snapshot.Taint{}, false
}

func taintList(taints []snapshot.Taint) string {
	s := make([]string, len(taints))
	for i, t := range taints {
		s[i] = t.String()
	}
	return strings.Join(s, ",")
}

// nodeTaintsArg renders --node-taints; the flag replaces the whole list, so callers pass every
// taint the pool should keep.
func nodeTaintsArg(taints []snapshot.Taint) string {
	if len(taints) == 0 {
		return `--node-taints ""`
	}
	return "--node-taints " + shellQuote(taintList(taints))
}

// names returns the sorted, de-duplicated names.
func names(in []string) []string {
	set := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !set[s] {
			set[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func poolNames(pools []*snapshot.Pool) []string {
	out := make([]string, len(pools))
	for i, p := range pools {
		out[i] = p.Name
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// intOrPercent parses a Kubernetes int-or-percent string as AKS and PDBs write it ("1", "33%").
// ok is false for an empty or malformed value, which callers report rather than guess.
func intOrPercent(s string) (n int, percent, ok bool) {
	s = strings.TrimSpace(s)
	percent = strings.HasSuffix(s, "%")
	n, err := strconv.Atoi(strings.TrimSuffix(s, "%"))
	if err != nil || n < 0 {
		return 0, false, false
	}
	return n, percent, true
}

// clusterVersion is the Kubernetes version the control plane runs: currentKubernetesVersion, or
// the requested kubernetesVersion (which may be a minor alias such as "1.35") when the capture
// lacks the current one. field names which it was, for evidence.
func clusterVersion(c *rule.Context) (raw, field string) {
	if v := c.Snap.Cluster.CurrentKubernetesVersion; v != "" {
		return v, "currentKubernetesVersion"
	}
	return c.Snap.Cluster.KubernetesVersion, "kubernetesVersion"
}

// poolVersion is the version a pool's nodes run, with the same fallback as clusterVersion.
func poolVersion(p *snapshot.Pool) (raw, field string) {
	if p.CurrentOrchestratorVersion != "" {
		return p.CurrentOrchestratorVersion, "currentOrchestratorVersion"
	}
	return p.OrchestratorVersion, "orchestratorVersion"
}

// poolsWithNodes returns the listed pools that have captured nodes, in snapshot order, for rules
// that compare a pool with its nodes; ok is false when there is none (the caller skips).
func poolsWithNodes(c *rule.Context) (pools []*snapshot.Pool, ok bool) {
	for i := range c.Snap.Pools {
		if p := &c.Snap.Pools[i]; len(c.Index.NodesOf(p.Name)) > 0 {
			pools = append(pools, p)
		}
	}
	return pools, len(pools) > 0
}

// noPoolNodes is the skip of those rules when no captured node belongs to a listed pool.
func noPoolNodes(c *rule.Context) []rule.Result {
	return []rule.Result{{Status: rule.Skip, Resource: clusterResource(c),
		Message:  "no captured node belongs to a listed agent pool",
		Evidence: []rule.Evidence{ev("nodes", len(c.Snap.Nodes)), ev("pools", len(c.Snap.Pools))}}}
}

// defaultNodeFloor is the number of System nodes AKS recommends: SP006's minNodes default.
const defaultNodeFloor = 3

// nodeFloor is the fewest nodes a fix may leave a System pool with, so that one rule's fix never
// undoes another's: the rule's own minNodes (SP006) or minCount (SP027) when it declares one (a
// policy keeps them equal), else the documented default.
func nodeFloor(c *rule.Context) int {
	for _, name := range []string{"minNodes", "minCount"} {
		if c.Has(name) {
			return c.Int(name)
		}
	}
	return defaultNodeFloor
}

package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

// The steps every plan shares. Each mutating or cost-impacting step has a gate (with the
// read-only command that shows it holds), a validation and a rollback; read-only steps change
// nothing and need neither.

func (b *builder) preflight() {
	b.step(Step{
		Title: "Confirm the target cluster and record its current state",
		Class: ReadOnly,
		Commands: []string{
			b.c.aks("show", `--query "{name:name, state:provisioningState, power:powerState.code, version:currentKubernetesVersion}" -o table`),
			b.c.nodepoolList(`--query "[].{name:name, mode:mode, state:provisioningState, power:powerState.code, count:count, vmSize:vmSize, version:currentOrchestratorVersion}" -o table`),
			b.c.kubectl("get nodes -L " + snapshot.LabelAgentPool + "," + snapshot.LabelMode + "," + snapshot.LabelZone),
			b.c.kubectl("get pods -n kube-system -o wide"),
			b.c.kubectl("get pdb -A"),
		},
		Gate: &Check{Description: "the cluster is the one this plan was made for and is idle",
			Commands: []string{b.c.aks("show", `--query "{name:name, state:provisioningState, power:powerState.code}" -o table`)},
			Expect:   fmt.Sprintf("name %s, state Succeeded, power Running; every pool Succeeded (no operation in progress)", b.c.id.Name),
			Requires: []Condition{{Kind: ClusterSucceeded}}},
		Rollback: "nothing to undo (read-only)",
	})
}

// final re-captures the cluster and runs syspool check on it, so the change ticket closes with
// the same evidence it opened with.
func (b *builder) final() {
	d := b.opts.Recheck
	b.step(Step{
		Title: "Capture the cluster again and re-run syspool check",
		Class: ReadOnly,
		Commands: []string{
			"mkdir -p " + shellQuote(d),
			b.c.aks("show", "-o json > "+shellQuote(d+"/az-aks-show.json")),
			b.c.nodepoolList("-o json > " + shellQuote(d+"/az-aks-nodepool-list.json")),
			b.c.kubectl("get nodes -o json > " + shellQuote(d+"/kubectl-get-nodes.json")),
			b.c.kubectl("get pods,pdb,deploy,ds -A -o json > " + shellQuote(d+"/kubectl-get-workloads-A.json")),
			"syspool check " + shellQuote(d+"/"),
		},
		Rollback: "nothing to undo (read-only)",
	})
}

// quotaCheck is the gate of a step that adds nodes: the region must have vCPU quota for them.
func (b *builder) quotaCheck(spec PoolSpec, nodes int) Check {
	need := "the vCPUs of " + strconv.Itoa(nodes) + " × " + spec.VMSize
	family := "its VM family"
	if sz, ok := vmsize.Lookup(spec.VMSize); ok {
		need = fmt.Sprintf("%d vCPUs (%d × %s, %d vCPU each)", nodes*sz.VCPU, nodes, spec.VMSize, sz.VCPU)
		family = "the " + sz.Series + " family"
	}
	loc := first(b.c.id.Location, "<location>")
	return Check{Description: "the subscription has vCPU quota for the new nodes in " + loc,
		Commands: []string{join("az vm list-usage --subscription", b.c.q(b.c.id.Subscription), "--location", b.c.q(loc), "-o table")},
		Expect:   fmt.Sprintf("%s and Total Regional vCPUs each have at least %s free (Limit − CurrentValue)", family, need),
		Requires: []Condition{{Kind: ClusterSucceeded}, {Kind: Quota, Pool: spec.Name}}}
}

// poolReady is the check that a pool is up: Succeeded, Running, every node Ready.
func (b *builder) poolReady(pool string, nodes int) Check {
	return Check{Description: "pool " + pool + " is Succeeded and Running with every node Ready",
		Commands: []string{b.c.poolState(pool),
			b.c.kubectl("wait --for=condition=Ready node " + poolSelector(pool) + " --timeout=15m"),
			b.c.kubectl("get nodes " + poolSelector(pool) + " -o wide")},
		Expect: fmt.Sprintf("state Succeeded, power Running, count %d; %d node(s) named aks-%s-* Ready (\"condition met\" for each)",
			nodes, nodes, pool),
		Requires: []Condition{{Kind: PoolSucceeded, Pool: pool}, {Kind: NodesReady, Pool: pool}}}
}

// addPool adds the pool of spec and simulates its nodes.
func (b *builder) addPool(spec PoolSpec) int {
	q := b.quotaCheck(spec, spec.Count)
	ready := b.poolReady(spec.Name, spec.Count)
	zones := "no zones"
	if len(spec.Zones) > 0 {
		zones = "zones " + strings.Join(spec.Zones, ", ")
	}
	n := b.step(Step{
		Title:    fmt.Sprintf("Add %s pool %s: %d × %s, %s", spec.Mode, spec.Name, spec.Count, spec.VMSize, zones),
		Class:    CostImpacting,
		Commands: []string{b.c.nodepool("add", spec.Name, addArgs(spec)...)},
		Gate:     &q,
		Validate: &ready,
		Rollback: b.c.nodepool("delete", spec.Name),
		Duration: b.opts.Durations.NodesReady(),
		Effect:   Effect{Kind: AddPool, Pool: spec.Name, Mode: spec.Mode},
	})
	o := b.apply(simulate.Scenario{Kind: simulate.AddPool, NewPool: &simulate.PoolSpec{Name: spec.Name, Mode: spec.Mode,
		VMSize: spec.VMSize, Count: spec.Count, Zones: spec.Zones, Taints: deref(spec.Taints), Labels: spec.Labels,
		MaxPods: spec.MaxPods, OSType: spec.OSType, Spot: spec.Spot}})
	if o != nil {
		st := &b.p.Steps[n-1]
		st.Added = o.AddedNodes
		if len(o.AddedNodes) > 0 {
			a := o.AddedNodes[0]
			st.Notes = append(st.Notes, fmt.Sprintf("each new node: %s CPU, %s memory, %d pods allocatable (%s); DaemonSets take %s CPU, %s memory, %d pods",
				simulate.FormatCPU(a.Allocatable.MilliCPU), simulate.FormatMemory(a.Allocatable.MemoryBytes), a.Allocatable.Pods,
				a.AllocatableFrom, simulate.FormatCPU(a.DaemonSetRequests.MilliCPU), simulate.FormatMemory(a.DaemonSetRequests.MemoryBytes),
				a.DaemonSetRequests.Pods))
		}
	}
	return n
}

// cordon stops new pods landing on pool old. requires names what must hold first (the receiving
// pool is up).
func (b *builder) cordon(old string, gate Check) int {
	return b.step(Step{
		Title:    "Cordon every node of pool " + old,
		Class:    Mutating,
		Commands: []string{b.c.kubectl("cordon " + poolSelector(old))},
		Gate:     &gate,
		Validate: &Check{Description: "no node of " + old + " takes new pods",
			Commands: []string{b.c.kubectl("get nodes " + poolSelector(old))},
			Expect:   "every node shows STATUS Ready,SchedulingDisabled"},
		Rollback: b.c.kubectl("uncordon " + poolSelector(old)),
		Duration: cordonEstimate,
		Effect:   Effect{Kind: CordonPool, Pool: old},
	})
}

// drains adds one drain step per node of pool old, in the order the simulation drained them,
// with what it predicts for each.
func (b *builder) drains(old string, timeout int, o *simulate.Outcome) {
	nodes := b.ix.NodesOf(old)
	names := make([]string, 0, len(nodes))
	for _, n := range nodes {
		names = append(names, n.Name)
	}
	sort.Strings(names)
	for i, node := range names {
		pdbs := b.pdbsOnNode(node)
		expectPDB := "no PDB selects a pod on this node"
		if len(pdbs) > 0 {
			expectPDB = "ALLOWED DISRUPTIONS is at least 1 for " + strings.Join(pdbs, ", ")
		}
		n := b.step(Step{
			Title: "Drain node " + node,
			Class: Mutating,
			Commands: []string{b.c.kubectl(fmt.Sprintf("drain %s --ignore-daemonsets --delete-emptydir-data --timeout=%dm",
				shellQuote(node), timeout))},
			Gate: &Check{Description: "the PDBs of the pods on " + node + " allow an eviction",
				Commands: []string{b.c.kubectl("get pdb -A"),
					b.c.kubectl("drain " + shellQuote(node) + " --ignore-daemonsets --delete-emptydir-data --dry-run=server")},
				Expect:   expectPDB + "; the dry run lists every pod as evicted, none refused",
				Requires: []Condition{{Kind: PDBsAllow}}},
			Validate: &Check{Description: "only DaemonSet pods are left on " + node + " and nothing is Pending",
				Commands: []string{b.c.kubectl("get pods -A -o wide --field-selector spec.nodeName=" + shellQuote(node)),
					b.c.kubectl("get pods -A --field-selector status.phase=Pending")},
				Expect:   "only DaemonSet pods on the node; \"No resources found\" for Pending pods",
				Requires: []Condition{{Kind: NoPending}}},
			Rollback: b.c.kubectl("uncordon "+shellQuote(node)) + "  # evicted pods stay where they were re-created",
			Duration: b.opts.Durations.Drain(timeout),
			Effect:   Effect{Kind: DrainNode, Pool: old, Node: node},
		})
		if o != nil && i < len(o.Batches) {
			b.attach(n, o.Batches[i])
		}
	}
}

// pdbsOnNode names the PDBs that select a pod on node.
func (b *builder) pdbsOnNode(node string) []string {
	var out []string
	for _, d := range b.s.PDBs {
		for _, p := range b.ix.PodsOn(node) {
			if p.Namespace == d.Namespace && !p.IsDaemonSetPod() && matches(d.Selector, p.Labels) {
				out = append(out, d.Namespace+"/"+d.Name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// matches is a small matchLabels test for naming PDBs in gates; the simulation does the real
// selector matching through apimachinery.
func matches(sel snapshot.LabelSelector, lbls map[string]string) bool {
	if len(sel.MatchExpressions) > 0 {
		return true // name it: a gate that lists one PDB too many costs a glance
	}
	for k, v := range sel.MatchLabels {
		if lbls[k] != v {
			return false
		}
	}
	return true
}

// systemPodsOn is the gate before a System pool is deleted or demoted: the pool that replaces it
// is up and runs the kube-system Deployment pods, and nothing is Pending.
func (b *builder) systemPodsOn(pool, old string, nodes int, workloads []string) Check {
	expect := fmt.Sprintf("state Succeeded, power Running; %d node(s) aks-%s-* Ready; ", nodes, pool)
	if len(workloads) > 0 {
		expect += "the pods of " + strings.Join(workloads, ", ") + " are Running on aks-" + pool + "-* nodes"
	} else {
		expect += "the kube-system Deployment pods are Running on aks-" + pool + "-* nodes"
	}
	expect += "; no kube-system Deployment pod is left on aks-" + old + "-*; no Pending pod"
	return Check{Description: "pool " + pool + " is up and runs the kube-system pods",
		Commands: []string{b.c.poolState(pool), b.c.kubectl("get nodes " + poolSelector(pool)),
			b.c.kubectl("get pods -n kube-system -o wide"), b.c.kubectl("get pods -A --field-selector status.phase=Pending")},
		Expect: expect,
		Requires: []Condition{{Kind: PoolSucceeded, Pool: pool}, {Kind: NodesReady, Pool: pool},
			{Kind: SystemPodsOn, Pool: pool}, {Kind: NoPending}}}
}

// systemWorkloadsOn lists, as kubectl spells them, the kube-system workloads (not DaemonSets) of
// the pods on pool's nodes in the capture.
func (b *builder) systemWorkloadsOn(pool string) []string {
	set := map[string]bool{}
	for _, n := range b.ix.NodesOf(pool) {
		for _, p := range b.ix.PodsOn(n.Name) {
			if p.Namespace != snapshot.NamespaceKubeSystem || p.IsDaemonSetPod() || p.IsFinished() {
				continue
			}
			w := p.Workload
			if w.Name == "" {
				w = p.Owner
			}
			if w.Name != "" && w.Kind != "Node" {
				set[strings.ToLower(w.Kind)+"/"+w.Name] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func deref(ts *[]snapshot.Taint) []snapshot.Taint {
	if ts == nil {
		return nil
	}
	return *ts
}

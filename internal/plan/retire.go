package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

// deletePool deletes old once gate holds. Deleting is the one step with no way back: the rollback
// is the command that recreates the pool as it was.
func (b *builder) deletePool(old *snapshot.Pool, gate Check) int {
	return b.step(Step{
		Title:    "Delete pool " + old.Name,
		Class:    Mutating,
		Commands: []string{b.c.nodepool("delete", old.Name)},
		Gate:     &gate,
		Validate: &Check{Description: "pool " + old.Name + " and its nodes are gone",
			Commands: []string{b.c.nodepoolList(`--query "[].{name:name, mode:mode, state:provisioningState}" -o table`),
				b.c.kubectl("get nodes " + poolSelector(old.Name))},
			Expect: old.Name + " is not listed; \"No resources found\" for its nodes"},
		Rollback: "irreversible; recreate the pool as it was with: " + b.c.nodepool("add", old.Name, addArgs(recreateSpec(old))...),
		Duration: b.opts.Durations.Delete(),
		Effect:   Effect{Kind: DeletePool, Pool: old.Name},
	})
}

// recreateSpec is the `az aks nodepool add` spec of an existing pool, for rollbacks.
func recreateSpec(p *snapshot.Pool) PoolSpec {
	spec := PoolSpec{Name: p.Name, Mode: p.Mode, VMSize: p.VMSize, Zones: p.Zones, OSType: p.OSType, OSSKU: p.OSSKU,
		Spot: p.IsSpot(), MaxSurge: p.Upgrade.MaxSurge, KubernetesVersion: first(p.CurrentOrchestratorVersion, p.OrchestratorVersion)}
	if n, ok := p.EffectiveMinNodes(); ok {
		spec.Count = n
	}
	if p.EnableAutoScaling && p.MinCount != nil && p.MaxCount != nil {
		spec.Autoscale, spec.MinCount, spec.MaxCount = true, *p.MinCount, *p.MaxCount
	}
	if p.MaxPods != nil {
		spec.MaxPods = *p.MaxPods
	}
	var ts []snapshot.Taint
	for _, t := range p.Taints {
		if !strings.HasPrefix(t.Key, "kubernetes.azure.com/") {
			ts = append(ts, t)
		}
	}
	spec.Taints = &ts
	return spec
}

// demote moves only the kube-system Deployment pods off old (rollout restart once it is
// cordoned, which PDBs do not gate and which keeps the old pod until the new one runs), then makes
// old a User pool and lets applications back on it. Applications are never evicted.
func (b *builder) demote(old *snapshot.Pool, spec PoolSpec, workloads []string) {
	var restart, status []string
	for _, w := range workloads {
		if strings.HasPrefix(w, "deployment/") || strings.HasPrefix(w, "statefulset/") {
			restart = append(restart, w)
			status = append(status, b.c.kubectl("-n kube-system rollout status "+w+" --timeout=10m"))
		} else {
			b.warn("kube-system %s on pool %s is not a Deployment or StatefulSet: restart cannot move it; it stays on %s", w, old.Name, old.Name)
		}
	}
	ready := b.poolReady(spec.Name, spec.Count)
	if len(restart) > 0 {
		n := b.step(Step{
			Title:    fmt.Sprintf("Restart the kube-system workloads on %s so they start on %s", old.Name, spec.Name),
			Class:    Mutating,
			Commands: append([]string{b.c.kubectl("-n kube-system rollout restart " + strings.Join(restart, " "))}, status...),
			Gate:     &ready,
			Validate: &Check{Description: "the restarted pods run on " + spec.Name,
				Commands: []string{b.c.kubectl("get pods -n kube-system -o wide")},
				Expect:   "the pods of " + strings.Join(restart, ", ") + " are Running on aks-" + spec.Name + "-* nodes",
				Requires: []Condition{{Kind: SystemPodsOn, Pool: spec.Name}}},
			Rollback: b.c.kubectl("uncordon "+poolSelector(old.Name)) + "  # restarted pods stay where they started",
			Duration: simulate.Estimate{Min: b.opts.Durations.DrainMin, Max: b.opts.Durations.NodeReadyMax, Model: "rollouts"},
			Effect:   Effect{Kind: MovePods, Pool: old.Name},
		})
		if o := b.apply(simulate.Scenario{Kind: simulate.RestartSystemPods, Pool: old.Name}); o != nil {
			for _, bt := range o.Batches {
				b.attach(n, bt)
			}
		}
	}
	gate := b.systemPodsOn(spec.Name, old.Name, spec.Count, restart)
	args := []string{"--mode User"}
	rollback := b.c.nodepool("update", old.Name, "--mode System")
	cmds := []string{b.c.nodepool("update", old.Name, args...)}
	if _, has := criticalTaint(old.Taints); has {
		// CriticalAddonsOnly is reserved for System pools (research R-03); keep the rest.
		var keep []snapshot.Taint
		for _, t := range old.Taints {
			if !strings.EqualFold(t.Key, "CriticalAddonsOnly") && !strings.HasPrefix(t.Key, "kubernetes.azure.com/") {
				keep = append(keep, t)
			}
		}
		cmds = append(cmds, b.c.nodepool("update", old.Name, "--node-taints "+shellQuote(taintList(keep))))
		rollback = b.c.nodepool("update", old.Name, "--mode System --node-taints "+shellQuote(taintList(old.Taints)))
	}
	b.step(Step{
		Title:    "Make " + old.Name + " a User pool",
		Class:    Mutating,
		Commands: cmds,
		Gate:     &gate,
		Validate: &Check{Description: old.Name + " is a User pool",
			Commands: []string{b.c.poolState(old.Name)},
			Expect:   "mode User, state Succeeded"},
		Rollback: rollback,
		Duration: updateEstimate,
		Effect:   Effect{Kind: SetMode, Pool: old.Name, Mode: snapshot.ModeUser},
	})
	b.step(Step{
		Title:    "Uncordon " + old.Name + " for application pods",
		Class:    Mutating,
		Commands: []string{b.c.kubectl("uncordon " + poolSelector(old.Name))},
		Gate: &Check{Description: old.Name + " is a User pool now",
			Commands: []string{b.c.poolState(old.Name)},
			Expect:   "mode User, state Succeeded", Requires: []Condition{{Kind: PoolSucceeded, Pool: old.Name}}},
		Validate: &Check{Description: "its nodes take pods again",
			Commands: []string{b.c.kubectl("get nodes " + poolSelector(old.Name))},
			Expect:   "every node Ready, without SchedulingDisabled"},
		Rollback: b.c.kubectl("cordon " + poolSelector(old.Name)),
		Duration: cordonEstimate,
		Effect:   Effect{Kind: Uncordon, Pool: old.Name},
	})
}

func criticalTaint(ts []snapshot.Taint) (snapshot.Taint, bool) {
	for _, t := range ts {
		if strings.EqualFold(t.Key, "CriticalAddonsOnly") {
			return t, true
		}
	}
	return snapshot.Taint{}, false
}

// Healthy reports whether pool p serves system pods now: Succeeded, Running (or no power state
// in the capture), Linux, not Spot, with at least one Ready, schedulable node. The safety test
// uses the same definition.
func Healthy(ix *snapshot.Index, p *snapshot.Pool) bool {
	if p.ProvisioningState != "Succeeded" || (p.PowerState != "" && p.PowerState != "Running") || p.IsSpot() || p.IsWindows() {
		return false
	}
	for _, n := range ix.NodesOf(p.Name) {
		if n.IsReady() && !n.Unschedulable {
			return true
		}
	}
	return false
}

// healthySystemPools returns the healthy System pools other than except, most Ready nodes first.
func healthySystemPools(s *snapshot.Snapshot, ix *snapshot.Index, except string) []*snapshot.Pool {
	var out []*snapshot.Pool
	for i := range s.Pools {
		p := &s.Pools[i]
		if p.IsSystem() && p.Name != except && Healthy(ix, p) {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return readyNodes(ix, out[i].Name) > readyNodes(ix, out[j].Name) })
	return out
}

func readyNodes(ix *snapshot.Index, pool string) int {
	k := 0
	for _, n := range ix.NodesOf(pool) {
		if n.IsReady() {
			k++
		}
	}
	return k
}

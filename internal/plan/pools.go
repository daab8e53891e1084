package plan

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

// defaultMaxSurge is what new System pools get unless told otherwise: the AKS docs recommend 33%
// for production pools (DOC-ROLL).
const defaultMaxSurge = "33%"

// add plans a new pool. Nothing moves: the docs say system pods do not move to a new System pool
// until their nodes go away, which is what replace is for.
func (b *builder) add() {
	spec := b.req.New
	if spec.Mode == "" {
		spec.Mode = snapshot.ModeUser
	}
	if spec.OSType == "" {
		spec.OSType = "Linux"
	}
	if spec.Count == 0 && !spec.Autoscale {
		spec.Count = 3
	}
	if spec.Autoscale && spec.Count < spec.MinCount {
		spec.Count = spec.MinCount
	}
	if spec.MaxSurge == "" && spec.Mode == snapshot.ModeSystem {
		spec.MaxSurge = defaultMaxSurge
	}
	b.p.Request.New = spec
	b.p.Title = fmt.Sprintf("Add %s pool %s (%d × %s%s) to %s", spec.Mode, spec.Name, spec.Count, spec.VMSize, zonesText(spec.Zones), b.c.id.Name)
	if why := validateSpec(b.s, spec); len(why) > 0 {
		b.refuse(why...)
		return
	}
	b.preflight()
	b.addPool(spec)
	if spec.Mode == snapshot.ModeSystem {
		b.warn("kube-system pods do not move to a new System pool by themselves; they move when their nodes are drained " +
			"(syspool plan replace does that)")
	}
	b.final()
}

// specFor fills the new pool's spec from the pool it replaces: what the request leaves out keeps
// the old pool's value, except what AKS refuses on a System pool (Spot) or recommends (maxSurge).
func (b *builder) specFor(old *snapshot.Pool) PoolSpec {
	spec := b.req.New
	spec.Name = first(spec.Name, successorName(b.s, old.Name))
	spec.Mode = first(spec.Mode, old.Mode)
	spec.VMSize = first(spec.VMSize, old.VMSize)
	spec.OSType = first(spec.OSType, first(old.OSType, "Linux"))
	spec.OSSKU = first(spec.OSSKU, old.OSSKU)
	spec.KubernetesVersion = first(spec.KubernetesVersion, first(old.CurrentOrchestratorVersion, old.OrchestratorVersion))
	if spec.Count == 0 {
		if n, ok := old.EffectiveMinNodes(); ok && n > 0 {
			spec.Count = n
		} else {
			spec.Count = 3
		}
	}
	if !spec.Autoscale && old.EnableAutoScaling {
		// keep the autoscaler, with the new count as its floor
		spec.Autoscale = true
		spec.MinCount, spec.MaxCount = spec.Count, spec.Count
		if old.MaxCount != nil && *old.MaxCount > spec.Count {
			spec.MaxCount = *old.MaxCount
		}
	}
	if len(spec.Zones) == 0 {
		spec.Zones = old.Zones
	}
	if spec.Taints == nil {
		var ts []snapshot.Taint
		for _, t := range old.Taints {
			if !strings.HasPrefix(t.Key, "kubernetes.azure.com/") { // AKS adds these itself
				ts = append(ts, t)
			}
		}
		spec.Taints = &ts
	}
	if spec.MaxPods == 0 && old.MaxPods != nil {
		spec.MaxPods = *old.MaxPods
	}
	if spec.Labels == nil {
		spec.Labels = old.Labels
	}
	if spec.Mode != snapshot.ModeSystem {
		spec.Spot = spec.Spot || old.IsSpot()
	}
	spec.MaxSurge = first(spec.MaxSurge, old.Upgrade.MaxSurge)
	if spec.MaxSurge == "" && spec.Mode == snapshot.ModeSystem {
		spec.MaxSurge = defaultMaxSurge
	}
	return spec
}

// successorName derives a free, valid name for the replacement of pool: "<name>v2" (the name cut
// to ten characters), then v3 and on.
func successorName(s *snapshot.Snapshot, pool string) string {
	base := strings.ToLower(pool)
	if len(base) > 10 {
		base = base[:10]
	}
	for i := 2; i < 10; i++ {
		name := fmt.Sprintf("%sv%d", base, i)
		if _, taken := findPool(s, name); !taken {
			return name
		}
	}
	return base + "v9"
}

// replace plans resize and replace: add the new pool, move the pods, then delete or demote the
// old one. The old pool is touched only after the new one is verified up, and it is deleted or
// demoted only after the kube-system pods run on the new one.
func (b *builder) replace() {
	old, _ := findPool(b.s, b.req.Pool)
	spec := b.specFor(old)
	b.p.Request.New = spec
	retire := b.req.Retire
	switch {
	case b.req.Action == Resize && b.req.New.VMSize == "":
		b.refuse("resize needs the new VM size")
	case b.req.Action == Resize && strings.EqualFold(b.req.New.VMSize, old.VMSize):
		b.refuse(fmt.Sprintf("pool %s already runs %s: nothing to resize", old.Name, old.VMSize))
	case old.IsSystem() && spec.Mode != snapshot.ModeSystem:
		b.refuse(fmt.Sprintf("the replacement of System pool %s must be a System pool: a User pool would leave the system pods "+
			"without one (to retire %s without a replacement, plan remove)", old.Name, old.Name))
	case retire == RetireDemote && !old.IsSystem():
		b.refuse("only a System pool can be demoted (to a User pool); pool " + old.Name + " is " + old.Mode)
	case retire != RetireDelete && retire != RetireDemote:
		b.refuse(fmt.Sprintf("retire %q is not valid (valid: %s, %s)", retire, RetireDelete, RetireDemote))
	}
	verb := "then delete " + old.Name
	if retire == RetireDemote {
		verb = "then make " + old.Name + " a User pool"
	}
	if b.req.Action == Resize {
		b.p.Title = fmt.Sprintf("Resize %s pool %s from %s to %s (new pool %s, %d node(s)%s), %s", old.Mode, old.Name, old.VMSize,
			spec.VMSize, spec.Name, spec.Count, zonesText(spec.Zones), verb)
	} else {
		b.p.Title = fmt.Sprintf("Replace %s pool %s (%s) with %s (%d × %s%s), %s", old.Mode, old.Name, old.VMSize, spec.Name,
			spec.Count, spec.VMSize, zonesText(spec.Zones), verb)
	}
	b.refuse(validateSpec(b.s, spec)...)
	if len(b.p.Refused) > 0 {
		return
	}
	if old.IsSystem() {
		b.warnStrays()
	}
	b.preflight()
	b.addPool(spec)
	b.cordon(old.Name, b.poolReady(spec.Name, spec.Count))
	workloads := b.systemWorkloadsOn(old.Name)
	if retire == RetireDemote {
		b.demote(old, spec, workloads)
	} else {
		b.drains(old.Name, drainTimeout(old), b.apply(simulate.Scenario{Kind: simulate.DrainPool, Pool: old.Name}))
		b.hintHomeless(old, true)
		gate := b.systemPodsOn(spec.Name, old.Name, spec.Count, workloads)
		if !old.IsSystem() {
			gate = b.nothingPending()
		}
		b.deletePool(old, gate)
	}
	b.final()
}

// remove plans the removal of a pool. A System pool goes only when another System pool is healthy
// now (AKS refuses to delete the last one: "There has to be at least one system agent pool"),
// and only after that pool runs the kube-system pods.
func (b *builder) remove() {
	old, _ := findPool(b.s, b.req.Pool)
	b.p.Title = fmt.Sprintf("Remove %s pool %s (%s) from %s", old.Mode, old.Name, old.VMSize, b.c.id.Name)
	var gate Check
	cordonGate := b.nothingPending()
	if old.IsSystem() {
		others := healthySystemPools(b.s, b.ix, old.Name)
		if len(others) == 0 {
			b.refuse(b.noOtherSystemPool(old))
			return
		}
		recv := others[0]
		ready := readyNodes(b.ix, recv.Name)
		cordonGate = b.poolReady(recv.Name, ready)
		gate = b.systemPodsOn(recv.Name, old.Name, ready, b.systemWorkloadsOn(old.Name))
	} else {
		gate = b.nothingPending()
	}
	b.preflight()
	b.cordon(old.Name, cordonGate)
	b.drains(old.Name, drainTimeout(old), b.apply(simulate.Scenario{Kind: simulate.DrainPool, Pool: old.Name}))
	b.hintHomeless(old, false)
	b.deletePool(old, gate)
	b.final()
}

// noOtherSystemPool explains why a System pool cannot go.
func (b *builder) noOtherSystemPool(old *snapshot.Pool) string {
	var others []string
	for _, p := range b.s.Pools {
		if p.IsSystem() && p.Name != old.Name {
			others = append(others, fmt.Sprintf("%s (%s, %s, %d Ready node(s))", p.Name, orUnknown(p.ProvisioningState),
				orUnknown(p.PowerState), readyNodes(b.ix, p.Name)))
		}
	}
	if len(others) == 0 {
		return "pool " + old.Name + " is the last System pool: AKS requires one (\"There has to be at least one system agent pool\", " +
			docSystemPools + "); plan a replace instead"
	}
	return "no other System pool is healthy (Succeeded, Running, with a Ready node): " + strings.Join(others, "; ") +
		"; repair one or plan a replace first"
}

// warnStrays names kube-system workloads running on User pools: replacing a System pool does not
// touch them, and they are the ones a later change to that User pool takes down.
func (b *builder) warnStrays() {
	for _, p := range b.s.Pools {
		if p.IsSystem() {
			continue
		}
		if ws := b.systemWorkloadsOn(p.Name); len(ws) > 0 {
			b.warn("kube-system %s run on User pool %s and this plan does not move them; once the new System pool is up, taint %s "+
				"or restart them (%s) so they land on it", strings.Join(ws, ", "), p.Name, p.Name,
				b.c.kubectl("-n kube-system rollout restart "+strings.Join(ws, " ")))
		}
	}
}

// hintHomeless says what to do when the drains leave application pods without a node: the usual
// cause is a System pool that also ran the applications, with no User pool to take them.
func (b *builder) hintHomeless(old *snapshot.Pool, replacing bool) {
	apps := 0
	for _, st := range b.p.Steps {
		for _, u := range st.Unplaced {
			if !u.Pod.System() {
				apps++
			}
		}
	}
	if apps == 0 {
		return
	}
	msg := fmt.Sprintf("%d application pod(s) find no node once %s is drained: add room for them first "+
		"(syspool plan add --mode User, or scale a User pool)", apps, old.Name)
	if replacing && old.IsSystem() {
		msg += ", or keep " + old.Name + " for them with --retire demote"
	}
	b.warn("%s", msg)
}

func (b *builder) nothingPending() Check {
	return Check{Description: "no pod is Pending",
		Commands: []string{b.c.kubectl("get pods -A --field-selector status.phase=Pending")},
		Expect:   "No resources found", Requires: []Condition{{Kind: NoPending}}}
}

func drainTimeout(p *snapshot.Pool) int {
	if d := p.Upgrade.DrainTimeoutInMinutes; d != nil && *d > 0 {
		return *d
	}
	return 30
}

func zonesText(z []string) string {
	if len(z) == 0 {
		return ""
	}
	return ", zones " + strings.Join(z, ", ")
}

func orUnknown(s string) string { return first(s, "unknown") }

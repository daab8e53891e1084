package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

// upgrade plans a surge upgrade of one pool, to a Kubernetes version or to the latest node image.
// AKS does the cordon, drain and reimage itself; the plan gates it on the budgets the simulation
// says it will need and estimates its length from the pool's surge and drain settings.
func (b *builder) upgrade() {
	p, _ := findPool(b.s, b.req.Pool)
	target := b.req.KubernetesVersion
	cur := first(p.CurrentOrchestratorVersion, p.OrchestratorVersion)
	cp := first(b.s.Cluster.CurrentKubernetesVersion, b.s.Cluster.KubernetesVersion)
	if b.req.NodeImageOnly {
		b.p.Title = fmt.Sprintf("Upgrade the node image of %s pool %s (now %s)", p.Mode, p.Name, orUnknown(p.NodeImageVersion))
	} else {
		b.p.Title = fmt.Sprintf("Upgrade %s pool %s from Kubernetes %s to %s", p.Mode, p.Name, orUnknown(cur), target)
	}
	switch {
	case b.req.NodeImageOnly && target != "":
		b.refuse("give a Kubernetes version or ask for the node image only, not both (az aks nodepool upgrade takes one)")
	case !b.req.NodeImageOnly && target == "":
		b.refuse("give the target Kubernetes version, or ask for the node image only")
	case !b.req.NodeImageOnly && cur != "" && compareVersions(target, cur) < 0:
		b.refuse(fmt.Sprintf("pool %s runs %s: AKS does not downgrade a node pool to %s (replace the pool with one at that version instead)",
			p.Name, cur, target))
	case !b.req.NodeImageOnly && cur != "" && compareVersions(target, cur) == 0:
		b.refuse(fmt.Sprintf("pool %s already runs %s: upgrade the node image only, or give a newer version", p.Name, cur))
	case !b.req.NodeImageOnly && cp != "" && compareVersions(target, cp) > 0:
		b.refuse(fmt.Sprintf("the control plane runs %s: a node pool cannot be newer; upgrade the control plane first with %s",
			cp, b.c.aks("upgrade", "--control-plane-only --kubernetes-version "+shellQuote(target))))
	}
	if o := b.req.Upgrade.MaxUnavailable; p.IsSystem() && o != "" && o != "0" {
		b.refuse("maxUnavailable cannot be set on a System pool (\"You can't set max unavailable on system node pools\", " + docRolling + ")")
	}
	nodes := len(b.ix.NodesOf(p.Name))
	if nodes == 0 {
		if n, ok := p.EffectiveMinNodes(); ok {
			nodes = n
		}
	}
	up, err := simulate.ResolveUpgrade(p, nodes, &b.req.Upgrade)
	if err != nil {
		b.refuse(err.Error())
	}
	if len(b.p.Refused) > 0 {
		return
	}
	b.preflight()
	if args := settingsArgs(b.req.Upgrade); len(args) > 0 {
		b.step(Step{
			Title:    "Set the upgrade settings of " + p.Name,
			Class:    Mutating,
			Commands: []string{b.c.nodepool("update", p.Name, args...)},
			Gate: &Check{Description: "pool " + p.Name + " is idle", Commands: []string{b.c.poolState(p.Name)},
				Expect: "state Succeeded", Requires: []Condition{{Kind: PoolSucceeded, Pool: p.Name}}},
			Validate: &Check{Description: "the settings took",
				Commands: []string{b.c.nodepool("show", p.Name, `--query upgradeSettings -o json`)},
				Expect:   strings.Join(args, ", ")},
			Rollback: b.c.nodepool("update", p.Name, settingsArgs(previousSettings(p))...),
			Duration: updateEstimate,
			Effect:   Effect{Kind: UpdatePool, Pool: p.Name},
		})
	}
	verb := "--kubernetes-version " + shellQuote(target)
	expect := "state Succeeded, version " + target
	if b.req.NodeImageOnly {
		verb = "--node-image-only"
		expect = "state Succeeded; nodeImageVersion newer than " + orUnknown(p.NodeImageVersion)
	}
	gate := Check{Description: "the control plane is at the target and the PDBs allow the evictions",
		Commands: []string{b.c.aks("show", `--query "{state:provisioningState, version:currentKubernetesVersion}" -o table`),
			b.c.kubectl("get pdb -A")},
		Expect: fmt.Sprintf("state Succeeded, version %s or newer; ALLOWED DISRUPTIONS at least 1 for %s", first(target, orUnknown(cp)),
			orList(b.pdbsOnPool(p.Name), "every PDB")),
		Requires: []Condition{{Kind: ClusterSucceeded}, {Kind: ControlPlaneAt}, {Kind: PDBsAllow}}}
	n := b.step(Step{
		Title: fmt.Sprintf("Surge-upgrade pool %s (%d surge node(s), %d batch(es) of %d; surge nodes are billed while they run)",
			p.Name, up.Surge, up.Batches, up.BatchSize),
		Class:    Mutating,
		Commands: []string{b.c.nodepool("upgrade", p.Name, verb)},
		Gate:     &gate,
		Validate: &Check{Description: "every node of " + p.Name + " is upgraded and Ready",
			Commands: []string{b.c.poolState(p.Name), b.c.kubectl("get nodes " + poolSelector(p.Name) + " -L " + snapshot.LabelNodeImage),
				b.c.kubectl("get pods -A --field-selector status.phase=Pending")},
			Expect:   expect + "; every node Ready; no Pending pod",
			Requires: []Condition{{Kind: PoolSucceeded, Pool: p.Name}, {Kind: NodesReady, Pool: p.Name}, {Kind: NoPending}}},
		Rollback: upgradeRollback(b.req.NodeImageOnly, up, cur),
		Duration: b.opts.Durations.SurgeUpgrade(up),
		Effect:   Effect{Kind: UpgradePool, Pool: p.Name},
		Upgrade:  &up,
		Notes:    up.Explain,
	})
	if o := b.apply(simulate.Scenario{Kind: simulate.SurgeUpgrade, Pool: p.Name, Upgrade: &b.req.Upgrade}); o != nil {
		for i, bt := range o.Batches {
			b.attach(n, bt)
			st := &b.p.Steps[n-1]
			note := fmt.Sprintf("batch %d: drain %s", i+1, strings.Join(bt.Nodes, ", "))
			if len(bt.Added) > 0 {
				note = "surge " + strings.Join(bt.Added, ", ") + "; " + note
			}
			switch {
			case bt.Stopped:
				note += ": blocked, the upgrade stops here"
			case bt.Quarantined:
				note += ": blocked, the node stays cordoned (Quarantined) and the upgrade goes on"
			default:
				note += fmt.Sprintf(": %d pod(s) move", len(bt.Placements))
			}
			st.Notes = append(st.Notes, note)
		}
	}
	b.final()
}

// upgradeRollback says what can be undone: nothing in place. AKS neither downgrades a pool nor
// rolls a node image back; a stopped upgrade resumes on the next PUT (DOC-ROLL).
func upgradeRollback(imageOnly bool, up simulate.UpgradePlan, cur string) string {
	s := "AKS does not downgrade a node pool or roll a node image back. If a drain stalls past " +
		strconv.Itoa(up.DrainTimeoutMinutes) + " minutes the upgrade stops (undrainableNodeBehavior " + up.UndrainableNodeBehavior +
		"): fix the blocker and run the same command again, a new PUT resumes it."
	if imageOnly {
		return s
	}
	return s + " To go back to " + orUnknown(cur) + ", replace the pool with one at that version " +
		"(syspool plan replace --kubernetes-version " + orUnknown(cur) + ")"
}

func settingsArgs(u simulate.UpgradeSettings) []string {
	var a []string
	if u.MaxSurge != "" {
		a = append(a, "--max-surge "+shellQuote(u.MaxSurge))
	}
	if u.DrainTimeoutInMinutes > 0 {
		a = append(a, "--drain-timeout "+strconv.Itoa(u.DrainTimeoutInMinutes))
	}
	if u.NodeSoakDurationInMinutes > 0 {
		a = append(a, "--node-soak-duration "+strconv.Itoa(u.NodeSoakDurationInMinutes))
	}
	if u.UndrainableNodeBehavior != "" {
		a = append(a, "--undrainable-node-behavior "+shellQuote(u.UndrainableNodeBehavior))
	}
	return a
}

func previousSettings(p *snapshot.Pool) simulate.UpgradeSettings {
	u := simulate.UpgradeSettings{MaxSurge: first(p.Upgrade.MaxSurge, "10%"),
		UndrainableNodeBehavior: first(p.Upgrade.UndrainableNodeBehavior, "Schedule"), DrainTimeoutInMinutes: 30}
	if d := p.Upgrade.DrainTimeoutInMinutes; d != nil {
		u.DrainTimeoutInMinutes = *d
	}
	if d := p.Upgrade.NodeSoakDurationInMinutes; d != nil {
		u.NodeSoakDurationInMinutes = *d
	}
	return u
}

// pdbsOnPool names the PDBs selecting a pod on a node of pool.
func (b *builder) pdbsOnPool(pool string) []string {
	set := map[string]bool{}
	var out []string
	for _, n := range b.ix.NodesOf(pool) {
		for _, d := range b.pdbsOnNode(n.Name) {
			if !set[d] {
				set[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

func orList(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, ", ")
}

// compareVersions compares "1.35.8" and "v1.36" numerically, part by part; missing parts are 0.
func compareVersions(a, b string) int {
	pa := strings.Split(strings.TrimPrefix(a, "v"), ".")
	pb := strings.Split(strings.TrimPrefix(b, "v"), ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		x, y := part(pa, i), part(pb, i)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// part is the i-th numeric part of a version, 0 when missing or not a number ("1.36" is "1.36.0").
func part(parts []string, i int) int {
	if i >= len(parts) {
		return 0
	}
	n, err := strconv.Atoi(parts[i])
	if err != nil {
		return 0
	}
	return n
}

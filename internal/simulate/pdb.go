package simulate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/syspool/syspool/internal/snapshot"
)

// budget is one PDB with what is left of it. allowed and healthy go down as pods that find no
// node are evicted or lost; they are never restored within a simulation, because such a pod stays
// Pending.
type budget struct {
	ref, ns                             string
	sel                                 labels.Selector
	healthy, desired, expected, allowed int
	// spec is "minAvailable 1" or "maxUnavailable 25%"; from says whether the figures are the PDB's
	// status or computed here.
	spec, from string
	// unhealthy are the selected pods that were not healthy in the capture, found on first use
	// (see Sim.unhealthyOf).
	unhealthy     []string
	unhealthyDone bool
}

// prepareBudgets resolves every PDB. The PDB's status is the authority when the capture has
// one; without it, the figures are computed the way the disruption controller does, from the pods
// in the snapshot. Which pods a budget selects is worked out only when it matters (budgetsOf,
// unhealthyOf): matching every PDB's selector against its namespace's pods for every Sim was
// O(PDBs × pods per namespace), most of a 150,000-pod cluster's simulation time, for the few
// pods a scenario moves.
func (b *Base) prepareBudgets(assume func(string)) []budget {
	out := make([]budget, 0, len(b.snap.PDBs))
	for i := range b.snap.PDBs {
		d := &b.snap.PDBs[i]
		bu := budget{ref: d.Namespace + "/" + d.Name, ns: d.Namespace}
		sel, ok := selector(d.Selector)
		if !ok {
			assume("the selector of PDB " + bu.ref + " does not parse; it selects no pods")
		}
		bu.sel = sel
		switch {
		case d.MinAvailable != "":
			bu.spec = "minAvailable " + d.MinAvailable
		case d.MaxUnavailable != "":
			bu.spec = "maxUnavailable " + d.MaxUnavailable
		default:
			bu.spec = "no minAvailable or maxUnavailable"
		}
		if d.ExpectedPods > 0 || d.CurrentHealthy > 0 || d.DesiredHealthy > 0 {
			bu.healthy, bu.desired, bu.expected, bu.allowed = int(d.CurrentHealthy), int(d.DesiredHealthy),
				int(d.ExpectedPods), int(d.DisruptionsAllowed)
			bu.from = "PDB status"
		} else {
			bu.computeFrom(d, b.selected(&bu, b.pods))
			assume("PDB " + bu.ref + " has no status in the capture; its budget is computed from the captured pods")
		}
		out = append(out, bu)
	}
	return out
}

// selected returns the pods of all (the Base's pods or a Sim's copies of them) that bu selects
// among those running when the snapshot was captured (a PDB selects pods of its own namespace
// only), in snapshot order.
func (b *Base) selected(bu *budget, all []pod) []*pod {
	var out []*pod
	for _, k := range b.nsPods[bu.ns] {
		if p := &all[k]; bu.sel.Matches(labels.Set(p.p.Labels)) {
			out = append(out, p)
		}
	}
	return out
}

// budgetsOf returns the PDBs that select p, in PDB order. Pods the simulation made (DaemonSet pods
// of new nodes) have none: no budget counted them.
func (s *Sim) budgetsOf(p *pod) []*budget {
	if !p.budgetsDone {
		p.budgetsDone = true
		for _, b := range s.nsBudgets[p.p.Namespace] {
			if b.sel.Matches(labels.Set(p.p.Labels)) {
				p.budgets = append(p.budgets, b)
			}
		}
	}
	return p.budgets
}

// unhealthyOf lists the pods b selects that were not healthy (not Ready, or terminating) in the
// capture.
func (s *Sim) unhealthyOf(b *budget) []string {
	if !b.unhealthyDone {
		b.unhealthyDone = true
		for _, p := range s.base.selected(b, s.all) {
			if !p.p.Ready || p.p.Terminating {
				b.unhealthy = append(b.unhealthy, p.p.Namespace+"/"+p.p.Name)
			}
		}
	}
	return b.unhealthy
}

// computeFrom fills the figures from the spec and the selected pods, rounding percentages up as
// the disruption controller does (intstr.GetScaledValueFromIntOrPercent with roundUp).
func (b *budget) computeFrom(d *snapshot.PDB, matched []*pod) {
	b.expected = len(matched)
	for _, p := range matched {
		if p.p.Ready && !p.p.Terminating {
			b.healthy++
		}
	}
	switch {
	case d.MinAvailable != "":
		b.desired = scaled(d.MinAvailable, b.expected)
	case d.MaxUnavailable != "":
		b.desired = max(0, b.expected-scaled(d.MaxUnavailable, b.expected))
	}
	b.allowed = max(0, b.healthy-b.desired)
	b.from = "computed from the captured pods"
}

// scaled resolves an int-or-percent against total, rounding up.
func scaled(v string, total int) int {
	if pct, ok := strings.CutSuffix(strings.TrimSpace(v), "%"); ok {
		f, err := strconv.ParseFloat(pct, 64)
		if err != nil {
			return 0
		}
		return int(math.Ceil(f * float64(total) / 100))
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0
	}
	return n
}

// arithmetic spells out a budget: "minAvailable 1: 2 healthy of 2 expected, 1 desired, 1 allowed".
func (b *budget) arithmetic() string {
	return fmt.Sprintf("%s: %d healthy of %d expected, %d desired, %d disruption(s) allowed (%s)",
		b.spec, b.healthy, b.expected, b.desired, b.allowed, b.from)
}

func (s *Sim) blocker(b *budget, kind BlockerKind, pods []*pod, needed int) Blocker {
	bl := Blocker{Kind: kind, PDB: b.ref, Healthy: b.healthy, Desired: b.desired, Expected: b.expected,
		Allowed: b.allowed, Needed: needed, Unhealthy: s.unhealthyOf(b)}
	for _, p := range pods {
		bl.Pods = append(bl.Pods, p.ref().String())
	}
	return bl
}

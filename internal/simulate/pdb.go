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
	ref                                 string
	sel                                 labels.Selector
	healthy, desired, expected, allowed int
	// spec is "minAvailable 1" or "maxUnavailable 25%"; from says whether the figures are the PDB's
	// status or computed here.
	spec, from string
	// unhealthy are the selected pods that were not healthy in the capture.
	unhealthy []string
}

// newBudgets resolves every PDB and links it to the pods it selects. The PDB's status is the
// authority when the capture has one; without it, the figures are computed the way the disruption
// controller does, from the pods in the snapshot.
func newBudgets(s *Sim) []*budget {
	var out []*budget
	// A PDB selects pods of its own namespace only: group the running pods by namespace once, in
	// node then pod order, instead of walking every pod of the cluster per PDB.
	byNS := map[string][]*pod{}
	for _, n := range s.nodes {
		for _, p := range n.pods {
			byNS[p.p.Namespace] = append(byNS[p.p.Namespace], p)
		}
	}
	for i := range s.snap.PDBs {
		d := &s.snap.PDBs[i]
		b := &budget{ref: d.Namespace + "/" + d.Name}
		sel, ok := selector(d.Selector)
		if !ok {
			s.assume("the selector of PDB " + b.ref + " does not parse; it selects no pods")
		}
		b.sel = sel
		var matched []*pod
		for _, p := range byNS[d.Namespace] {
			if sel.Matches(labels.Set(p.p.Labels)) {
				matched = append(matched, p)
				p.budgets = append(p.budgets, b)
				if !p.p.Ready || p.p.Terminating {
					b.unhealthy = append(b.unhealthy, p.p.Namespace+"/"+p.p.Name)
				}
			}
		}
		switch {
		case d.MinAvailable != "":
			b.spec = "minAvailable " + d.MinAvailable
		case d.MaxUnavailable != "":
			b.spec = "maxUnavailable " + d.MaxUnavailable
		default:
			b.spec = "no minAvailable or maxUnavailable"
		}
		if d.ExpectedPods > 0 || d.CurrentHealthy > 0 || d.DesiredHealthy > 0 {
			b.healthy, b.desired, b.expected, b.allowed = int(d.CurrentHealthy), int(d.DesiredHealthy),
				int(d.ExpectedPods), int(d.DisruptionsAllowed)
			b.from = "PDB status"
		} else {
			b.computeFrom(d, matched)
			s.assume("PDB " + b.ref + " has no status in the capture; its budget is computed from the captured pods")
		}
		out = append(out, b)
	}
	return out
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

func (b *budget) blocker(kind BlockerKind, pods []*pod, needed int) Blocker {
	bl := Blocker{Kind: kind, PDB: b.ref, Healthy: b.healthy, Desired: b.desired, Expected: b.expected,
		Allowed: b.allowed, Needed: needed, Unhealthy: b.unhealthy}
	for _, p := range pods {
		bl.Pods = append(bl.Pods, p.ref().String())
	}
	return bl
}

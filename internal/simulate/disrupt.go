package simulate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// disruption is how pods leave their nodes.
type disruption int

const (
	// evict is voluntary: the eviction API, PDBs apply, the nodes stay (cordoned).
	evict disruption = iota
	// lose is involuntary: the nodes fail or are deleted outright, PDBs are only reported on.
	lose
	// restart is a rollout restart: the new pod is made before the old one goes (PDBs do not
	// apply), so a pod that finds no node keeps running where it was and the rollout stalls.
	restart
)

// disrupt moves the pods off batch (all of them except DaemonSet and static pods, or only
// those in only when it is not nil), re-places them on the other nodes, and applies the budgets.
// away gives the reason the batch's nodes cannot take pods back.
func (s *Sim) disrupt(batch []*node, only []*pod, how disruption) Batch {
	b := Batch{}
	away := map[*node]string{}
	for _, n := range batch {
		b.Nodes = append(b.Nodes, n.name)
		if only == nil {
			if how == evict {
				n.setCordoned(true)
				away[n] = "node is being drained"
			} else {
				away[n] = ""
			}
		}
	}
	moving := only
	if moving == nil {
		for _, n := range batch {
			for _, p := range n.pods {
				if !p.ds && p.p.Owner.Kind != "Node" {
					moving = append(moving, p)
				}
			}
		}
	}
	// With stopAfterSystem, only the pods up to the last kube-system pod in placement order are
	// re-placed: placement is greedy and never revisits a pod, so the pods after it cannot take
	// room from any kube-system pod. They are split off before sorting (losing a zone displaces
	// tens of thousands of them), unbound and counted.
	var rest []*pod
	if s.stopAfterSystem {
		moving, rest = afterSystem(moving)
	}
	sortForPlacement(moving)

	held := map[*pod]bool{}
	if how == evict {
		b.Blockers = append(b.Blockers, s.holdUnevictable(moving, held)...)
	}
	from := map[*pod]*node{}
	var evicted []*pod
	for _, p := range moving {
		if held[p] {
			continue
		}
		from[p] = p.node
		s.unbind(p)
		switch {
		case p.p.Terminating:
			// already on its way out; its controller has made a replacement
		case p.p.Owner.Name == "":
			b.Lost = append(b.Lost, p.ref())
		default:
			evicted = append(evicted, p)
		}
	}
	// every pod of rest sorts after every pod of moving: its bare pods are lost after theirs
	var restLost []*pod
	for _, p := range rest {
		s.unbind(p)
		switch {
		case p.p.Terminating:
		case p.p.Owner.Name == "":
			restLost = append(restLost, p)
		default:
			b.NotReplaced++
		}
	}
	sortForPlacement(restLost)
	for _, p := range restLost {
		b.Lost = append(b.Lost, p.ref())
	}
	pl := s.newPlacer(away)
	failed := map[*pod]Unplaced{}
	for _, p := range evicted {
		if n := pl.placeOne(p); n == nil {
			failed[p] = pl.explain(p, from[p].name)
			if how == restart {
				s.bind(p, from[p])
			}
		}
	}
	b.Blockers = append(b.Blockers, s.settleBudgets(evicted, failed, from, held, how)...)
	for _, p := range evicted {
		if held[p] {
			continue
		}
		if u, ok := failed[p]; ok {
			b.Unplaced = append(b.Unplaced, u)
		} else {
			b.Placements = append(b.Placements, Placement{Pod: p.ref(), From: from[p].name, To: p.node.name, ToPool: p.node.pool})
		}
	}
	return b
}

// afterSystem splits off the pods that sortForPlacement puts after every kube-system pod: those
// outside kube-system whose priority is not above the lowest of the kube-system pods' (at equal
// priority, kube-system goes first). Without a kube-system pod, that is all of them.
func afterSystem(ps []*pod) (keep, rest []*pod) {
	lowest, found := int32(0), false
	for _, p := range ps {
		if p.p.Namespace == snapshot.NamespaceKubeSystem && (!found || p.prio < lowest) {
			lowest, found = p.prio, true
		}
	}
	for _, p := range ps {
		if p.p.Namespace == snapshot.NamespaceKubeSystem || (found && p.prio > lowest) {
			keep = append(keep, p)
		} else {
			rest = append(rest, p)
		}
	}
	return keep, rest
}

// holdUnevictable keeps on their nodes the pods the eviction API refuses outright: pods selected
// by several PDBs, and pods whose PDB allows no disruption now.
func (s *Sim) holdUnevictable(moving []*pod, held map[*pod]bool) []Blocker {
	var out []Blocker
	multi := map[string][]*pod{}
	var multiKeys []string
	zero := map[*budget][]*pod{}
	var zeroOrder []*budget
	for _, p := range moving {
		bus := s.budgetsOf(p)
		switch {
		case len(bus) > 1:
			refs := make([]string, len(bus))
			for i, bu := range bus {
				refs[i] = bu.ref
			}
			sort.Strings(refs)
			k := strings.Join(refs, ",")
			if _, ok := multi[k]; !ok {
				multiKeys = append(multiKeys, k)
			}
			multi[k] = append(multi[k], p)
			held[p] = true
		case len(bus) == 1 && bus[0].allowed <= 0:
			bu := bus[0]
			if _, ok := zero[bu]; !ok {
				zeroOrder = append(zeroOrder, bu)
			}
			zero[bu] = append(zero[bu], p)
			held[p] = true
		}
	}
	for _, k := range multiKeys {
		bl := Blocker{Kind: BlockMultiplePDBs, PDBs: strings.Split(k, ",")}
		for _, p := range multi[k] {
			bl.Pods = append(bl.Pods, p.ref().String())
		}
		bl.Message = fmt.Sprintf("%s selected by %d PDBs (%s): the eviction API refuses such pods (HTTP 500), so the drain "+
			"cannot finish; make exactly one PDB select them", strings.Join(bl.Pods, ", "), len(bl.PDBs), strings.Join(bl.PDBs, ", "))
		out = append(out, bl)
	}
	for _, bu := range zeroOrder {
		bl := s.blocker(bu, BlockPDB, zero[bu], 1)
		bl.Message = fmt.Sprintf("PDB %s allows 0 disruptions (%s): eviction of %s is refused until more of its pods "+
			"are healthy, so the drain waits until it times out", bu.ref, bu.arithmetic(), strings.Join(bl.Pods, ", "))
		out = append(out, bl)
	}
	return out
}

// settleBudgets applies each budget to the evicted pods it selects. A voluntary batch that needs
// more disruptions than a budget has left is blocked by it: its pods go back to their nodes. The
// pods that find no node use their disruptions up for good.
func (s *Sim) settleBudgets(evicted []*pod, failed map[*pod]Unplaced, from map[*pod]*node,
	held map[*pod]bool, how disruption) []Blocker {
	var out []Blocker
	// Group the evicted pods by their one budget in a single pass, keeping evicted order within
	// each group: walking every evicted pod once per budget was O(budgets × evicted) per batch,
	// which dominated losing a zone at 1,000 nodes (thousands of PDBs × thousands of pods).
	byBudget := map[*budget][]*pod{}
	for _, p := range evicted {
		if bus := s.budgetsOf(p); len(bus) == 1 {
			byBudget[bus[0]] = append(byBudget[bus[0]], p)
		}
	}
	for _, bu := range s.budgets {
		mine := byBudget[bu]
		if len(mine) == 0 {
			continue
		}
		placed, unplaced := 0, 0
		for _, p := range mine {
			if _, ok := failed[p]; ok {
				unplaced++
			} else {
				placed++
			}
		}
		needed := unplaced
		if placed > 0 {
			needed++
		}
		switch {
		case how == evict && needed > bu.allowed:
			bl := s.blocker(bu, BlockPDB, mine, needed)
			bl.Message = fmt.Sprintf("PDB %s allows %d disruption(s) but this batch needs %d: %d of its pods would find no "+
				"node and keep their disruption for good, plus one to move the others (%s)",
				bu.ref, bu.allowed, needed, unplaced, bu.arithmetic())
			out = append(out, bl)
			for _, p := range mine {
				if p.node != nil {
					s.unbind(p)
				}
				s.bind(p, from[p])
				held[p] = true
			}
		case unplaced > 0 && how != restart:
			before := bu.arithmetic()
			bu.healthy -= unplaced
			bu.allowed = max(0, bu.healthy-bu.desired)
			if how == lose && bu.healthy < bu.desired {
				bl := s.blocker(bu, ViolatedPDB, mine, needed)
				bl.Message = fmt.Sprintf("PDB %s would fall to %d healthy, below the %d it requires: %d of its pods find no node (before: %s)",
					bu.ref, bu.healthy, bu.desired, unplaced, before)
				out = append(out, bl)
			}
		}
	}
	return out
}

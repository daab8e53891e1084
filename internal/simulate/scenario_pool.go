package simulate

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"

	"github.com/syspool/syspool/internal/snapshot"
)

// addPool synthesizes the nodes of a new pool; nothing moves.
func (s *Sim) addPool(sc Scenario) (*Outcome, error) {
	spec := sc.NewPool
	if spec == nil || spec.Name == "" {
		return nil, fmt.Errorf("add-pool needs a pool spec with a name")
	}
	if _, exists := s.pools[spec.Name]; exists {
		return nil, fmt.Errorf("pool %q already exists", spec.Name)
	}
	if spec.Count < 1 {
		return nil, fmt.Errorf("pool %q: count %d: a new pool here needs at least one node", spec.Name, spec.Count)
	}
	nodes, err := s.synthesize(*spec, spec.Count, "new", nil)
	if err != nil {
		return nil, fmt.Errorf("pool %s: %w", spec.Name, err)
	}
	p := snapshot.Pool{Name: spec.Name, Mode: spec.Mode, VMSize: spec.VMSize, Count: &spec.Count, Zones: spec.Zones,
		Taints: spec.Taints, OSType: spec.OSType, ProvisioningState: "Succeeded", PowerState: "Running"}
	if spec.Spot {
		p.ScaleSetPriority = "Spot"
	}
	mp := int(nodes[0].alloc.Pods)
	p.MaxPods = &mp
	s.pools[spec.Name] = &p
	o := &Outcome{Summary: fmt.Sprintf("add %s pool %s: %d × %s in zones %s", spec.Mode, spec.Name, spec.Count, spec.VMSize,
		orDash(strings.Join(spec.Zones, ",")))}
	for _, n := range nodes {
		o.AddedNodes = append(o.AddedNodes, n.info())
	}
	return o, nil
}

// scalePool grows a pool with nodes like its first node, or shrinks it by draining and deleting
// the nodes with the highest names (VMSS scale-in removes the highest instance IDs unless zones
// need balancing; zone balance is not modelled).
func (s *Sim) scalePool(sc Scenario) (*Outcome, error) {
	if err := s.knownPool(sc.Pool); err != nil {
		return nil, err
	}
	nodes := s.poolNodes(sc.Pool)
	cur := len(nodes)
	o := &Outcome{Summary: fmt.Sprintf("scale pool %s from %d to %d node(s)", sc.Pool, cur, sc.Count)}
	switch {
	case sc.Count < 0:
		return nil, fmt.Errorf("scale pool %s to %d: a count cannot be negative", sc.Pool, sc.Count)
	case sc.Count > cur:
		if cur == 0 {
			return nil, fmt.Errorf("pool %s has no captured node to copy new nodes from", sc.Pool)
		}
		spec := specOf(s.pools[sc.Pool], sc.Pool, nodes)
		added, err := s.synthesize(spec, sc.Count-cur, "scale", nodes[0])
		if err != nil {
			return nil, err
		}
		for _, n := range added {
			o.AddedNodes = append(o.AddedNodes, n.info())
		}
	case sc.Count < cur:
		gone := nodes[sc.Count:]
		b := s.disrupt(gone, nil, evict)
		o.Batches = []Batch{b}
		if len(b.Blockers) == 0 {
			for _, n := range gone {
				s.removeNode(n)
				o.RemovedNodes = append(o.RemovedNodes, n.name)
			}
		}
	}
	if p, ok := s.pools[sc.Pool]; ok {
		c := sc.Count
		p.Count = &c
	}
	return o, nil
}

// specOf rebuilds the spec of an existing pool for new nodes like its others.
func specOf(p *snapshot.Pool, name string, nodes []*node) PoolSpec {
	spec := PoolSpec{Name: name}
	if p != nil {
		spec.Mode, spec.VMSize, spec.Zones, spec.OSType, spec.Spot = p.Mode, p.VMSize, p.Zones, p.OSType, p.IsSpot()
		spec.Taints = p.Taints
		if p.MaxPods != nil {
			spec.MaxPods = *p.MaxPods
		}
	}
	if len(nodes) > 0 {
		spec.Taints = nodes[0].taints
		if spec.VMSize == "" {
			spec.VMSize = nodes[0].labels[snapshot.LabelInstanceType]
		}
		if len(spec.Zones) == 0 {
			for _, n := range nodes {
				if m := zonalRe.FindStringSubmatch(n.zone); m != nil {
					spec.Zones = appendUnique(spec.Zones, strings.TrimPrefix(n.zone, m[1]+"-"))
				}
			}
		}
	}
	if spec.Spot {
		// synthesize adds the Spot taint itself
		var ts []snapshot.Taint
		for _, t := range spec.Taints {
			if t != spotTaint {
				ts = append(ts, t)
			}
		}
		spec.Taints = ts
	}
	return spec
}

// changeTaints replaces the taints of every node of the pool. Pods that do not tolerate a new
// NoExecute taint are evicted by the taint manager, which does not consult PDBs; pods that do not
// tolerate a new NoSchedule taint stay but could not come back after a restart (Stranded).
func (s *Sim) changeTaints(sc Scenario) (*Outcome, error) {
	if err := s.knownPool(sc.Pool); err != nil {
		return nil, err
	}
	nodes := s.poolNodes(sc.Pool)
	o := &Outcome{Summary: fmt.Sprintf("set the taints of pool %s to %s on its %d node(s)", sc.Pool, orDash(taintList(sc.Taints)), len(nodes))}
	var evicted []*pod
	var stranded []PodRef
	noExec := func(t *corev1.Taint) bool { return t.Effect == corev1.TaintEffectNoExecute }
	for _, n := range nodes {
		n.setTaints(sc.Taints)
		s.changed()
		for _, p := range append([]*pod(nil), n.pods...) {
			if _, bad := corev1helpers.FindMatchingUntoleratedTaint(discard, n.core.Spec.Taints, p.sched().core.Spec.Tolerations, noExec, false); bad {
				if p.ds {
					s.unbind(p) // the DaemonSet controller does not recreate it on a node it cannot run on
					continue
				}
				evicted = append(evicted, p)
				continue
			}
			if _, bad := corev1helpers.FindMatchingUntoleratedTaint(discard, n.core.Spec.Taints, p.sched().core.Spec.Tolerations, doNotSchedule, false); bad && !p.ds {
				stranded = append(stranded, p.ref())
			}
		}
	}
	if p, ok := s.pools[sc.Pool]; ok {
		p.Taints = append([]snapshot.Taint(nil), sc.Taints...)
	}
	if len(evicted) > 0 || len(stranded) > 0 {
		var b Batch
		if len(evicted) > 0 {
			b = s.disrupt(nodes, evicted, lose)
		} else {
			// disrupt with no pods to move would move every pod of the nodes (nil means all)
			for _, n := range nodes {
				b.Nodes = append(b.Nodes, n.name)
			}
		}
		b.Stranded = stranded
		o.Batches = []Batch{b}
	}
	return o, nil
}

func taintList(ts []snapshot.Taint) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ",")
}

func orDash(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func appendUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

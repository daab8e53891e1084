package kube

import (
	"hash/maphash"
	"maps"
	"slices"

	"github.com/syspool/syspool/internal/snapshot"
)

// interner makes the converted objects of one collection share equal strings, label maps and
// toleration lists, as the offline reader does with its own (internal/collect/files/intern.go,
// unexported). A decoded page gives every pod its own copy of its namespace, node name, label
// keys and values and tolerations; replicas carry the same ones, so without sharing the snapshot
// holds 150,000 copies of "kube-system" and of each workload's labels. Shared maps and slices
// are read-only, as everything in a snapshot is once it is built.
type interner struct {
	strs map[string]string
	maps map[uint64][]map[string]string
	tols map[uint64][][]snapshot.Toleration
	seed maphash.Seed
	keys []string // scratch for sorting a map's keys
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, maps: map[uint64][]map[string]string{},
		tols: map[uint64][][]snapshot.Toleration{}, seed: maphash.MakeSeed()}
}

func (in *interner) str(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in.strs[s]; ok {
		return c
	}
	in.strs[s] = s
	return s
}

// labels returns the shared map equal to m (nil for an empty one).
func (in *interner) labels(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	in.keys = in.keys[:0]
	for k := range m {
		in.keys = append(in.keys, k)
	}
	slices.Sort(in.keys)
	var h maphash.Hash
	h.SetSeed(in.seed)
	for _, k := range in.keys {
		h.WriteString(k)
		h.WriteByte(0)
		h.WriteString(m[k])
		h.WriteByte(0)
	}
	sum := h.Sum64()
	for _, c := range in.maps[sum] {
		if maps.Equal(c, m) {
			return c
		}
	}
	c := make(map[string]string, len(m))
	for _, k := range in.keys {
		c[in.str(k)] = in.str(m[k])
	}
	in.maps[sum] = append(in.maps[sum], c)
	return c
}

// tolerations returns the shared list equal to ts, in the same order.
func (in *interner) tolerations(ts []snapshot.Toleration) []snapshot.Toleration {
	if len(ts) == 0 {
		return ts
	}
	var h maphash.Hash
	h.SetSeed(in.seed)
	for _, t := range ts {
		for _, s := range []string{t.Key, t.Operator, t.Value, t.Effect} {
			h.WriteString(s)
			h.WriteByte(0)
		}
		if t.TolerationSeconds != nil {
			maphash.WriteComparable(&h, *t.TolerationSeconds)
		}
		h.WriteByte(1)
	}
	sum := h.Sum64()
	for _, c := range in.tols[sum] {
		if slices.EqualFunc(c, ts, equalToleration) {
			return c
		}
	}
	c := slices.Clone(ts)
	for i := range c {
		c[i].Key, c[i].Operator, c[i].Value, c[i].Effect = in.str(c[i].Key), in.str(c[i].Operator), in.str(c[i].Value), in.str(c[i].Effect)
	}
	in.tols[sum] = append(in.tols[sum], c)
	return c
}

func equalToleration(a, b snapshot.Toleration) bool {
	if a.Key != b.Key || a.Operator != b.Operator || a.Value != b.Value || a.Effect != b.Effect {
		return false
	}
	if a.TolerationSeconds == nil || b.TolerationSeconds == nil {
		return a.TolerationSeconds == b.TolerationSeconds
	}
	return *a.TolerationSeconds == *b.TolerationSeconds
}

// pod shares what p has in common with the pods converted before it.
func (in *interner) pod(p *snapshot.Pod) {
	p.Namespace, p.NodeName = in.str(p.Namespace), in.str(p.NodeName)
	p.Labels, p.NodeSelector = in.labels(p.Labels), in.labels(p.NodeSelector)
	p.Owner.Kind, p.Owner.Name = in.str(p.Owner.Kind), in.str(p.Owner.Name)
	p.Workload.Kind, p.Workload.Name = in.str(p.Workload.Kind), in.str(p.Workload.Name)
	p.Phase, p.PriorityClassName = in.str(p.Phase), in.str(p.PriorityClassName)
	p.WaitingReason = in.str(p.WaitingReason)
	p.Tolerations = in.tolerations(p.Tolerations)
}

// node shares the label keys and values of n (its map is its own: a node's hostname and name
// labels make every map different).
func (in *interner) node(n *snapshot.Node) {
	if len(n.Labels) > 0 {
		m := make(map[string]string, len(n.Labels))
		for k, v := range n.Labels {
			m[in.str(k)] = in.str(v)
		}
		n.Labels = m
	}
	n.ModeLabel, n.Zone, n.InstanceType = in.str(n.ModeLabel), in.str(n.Zone), in.str(n.InstanceType)
	n.NodeImageVersion, n.KubeletVersion, n.OS = in.str(n.NodeImageVersion), in.str(n.KubeletVersion), in.str(n.OS)
}

// workload shares the namespace, node selector and tolerations of w.
func (in *interner) workload(w *snapshot.Workload) {
	w.Kind, w.Namespace = in.str(w.Kind), in.str(w.Namespace)
	w.NodeSelector, w.Tolerations = in.labels(w.NodeSelector), in.tolerations(w.Tolerations)
}

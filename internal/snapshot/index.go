package snapshot

import (
	"sort"
	"strings"
)

// Label keys AKS puts on every node (reserved; see docs/aks-rules research §8.1).
const (
	LabelAgentPool       = "kubernetes.azure.com/agentpool"
	LabelAgentPoolLegacy = "agentpool"
	LabelMode            = "kubernetes.azure.com/mode"
	LabelCluster         = "kubernetes.azure.com/cluster"
	LabelNodeImage       = "kubernetes.azure.com/node-image-version"
	LabelInstanceType    = "node.kubernetes.io/instance-type"
	LabelInstanceTypeOld = "beta.kubernetes.io/instance-type"
	LabelZone            = "topology.kubernetes.io/zone"
	LabelZoneOld         = "failure-domain.beta.kubernetes.io/zone"
	LabelSKUCPU          = "kubernetes.azure.com/sku-cpu"
	LabelSKUMemory       = "kubernetes.azure.com/sku-memory"
	LabelOS              = "kubernetes.io/os"
	LabelPodTemplateHash = "pod-template-hash"
	// LabelKarpenterNodePool names the Node Auto Provisioning (Karpenter) NodePool of a node.
	LabelKarpenterNodePool = "karpenter.sh/nodepool"
)

// Index gives constant-time lookups over a snapshot. Build it once per run, after Join.
type Index struct {
	s           *Snapshot
	poolByName  map[string]*Pool
	nodeByName  map[string]*Node
	nodesByPool map[string][]*Node
	podsByNode  map[string][]*Pod
}

// NewIndex indexes s. The index holds pointers into s; do not append to s's slices afterwards.
func NewIndex(s *Snapshot) *Index {
	ix := &Index{
		s:           s,
		poolByName:  make(map[string]*Pool, len(s.Pools)),
		nodeByName:  make(map[string]*Node, len(s.Nodes)),
		nodesByPool: make(map[string][]*Node),
		podsByNode:  make(map[string][]*Pod),
	}
	for i := range s.Pools {
		ix.poolByName[s.Pools[i].Name] = &s.Pools[i]
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		ix.nodeByName[n.Name] = n
		ix.nodesByPool[n.Pool] = append(ix.nodesByPool[n.Pool], n)
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.NodeName != "" {
			ix.podsByNode[p.NodeName] = append(ix.podsByNode[p.NodeName], p)
		}
	}
	return ix
}

// Snapshot returns the indexed snapshot.
func (ix *Index) Snapshot() *Snapshot { return ix.s }

// Pool returns the pool named name.
func (ix *Index) Pool(name string) (*Pool, bool) {
	p, ok := ix.poolByName[name]
	return p, ok
}

// Node returns the node named name.
func (ix *Index) Node(name string) (*Node, bool) {
	n, ok := ix.nodeByName[name]
	return n, ok
}

// NodesOf returns the nodes joined to pool name ("" gives the nodes that joined no pool).
func (ix *Index) NodesOf(pool string) []*Node { return ix.nodesByPool[pool] }

// PodsOn returns the pods bound to node name.
func (ix *Index) PodsOn(node string) []*Pod { return ix.podsByNode[node] }

// SystemPools returns the System pools in snapshot order.
func (ix *Index) SystemPools() []*Pool {
	var out []*Pool
	for i := range ix.s.Pools {
		if ix.s.Pools[i].IsSystem() {
			out = append(out, &ix.s.Pools[i])
		}
	}
	return out
}

// UserPools returns the pools that are not System pools.
func (ix *Index) UserPools() []*Pool {
	var out []*Pool
	for i := range ix.s.Pools {
		if !ix.s.Pools[i].IsSystem() {
			out = append(out, &ix.s.Pools[i])
		}
	}
	return out
}

// IsSystemNode reports whether node n belongs to a System pool. Nodes that joined no known pool
// fall back to the kubernetes.azure.com/mode label, which AKS writes in lower case.
func (ix *Index) IsSystemNode(n *Node) bool {
	if p, ok := ix.poolByName[n.Pool]; ok {
		return p.IsSystem()
	}
	return strings.EqualFold(n.ModeLabel, "system")
}

// PoolOfNode returns the pool name of the node named name, or "" when unknown.
func (ix *Index) PoolOfNode(name string) string {
	if n, ok := ix.nodeByName[name]; ok {
		return n.Pool
	}
	return ""
}

// Zones returns the distinct zones of nodes, sorted; nodes without a zone label are ignored.
func Zones(nodes []*Node) []string {
	set := map[string]bool{}
	for _, n := range nodes {
		if n.Zone != "" {
			set[n.Zone] = true
		}
	}
	out := make([]string, 0, len(set))
	for z := range set {
		out = append(out, z)
	}
	sort.Strings(out)
	return out
}

package simulate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

// PoolSpec is a pool the simulation adds, as `az aks nodepool add` would create it.
type PoolSpec struct {
	Name   string `json:"name"`
	Mode   string `json:"mode"`
	VMSize string `json:"vmSize"`
	Count  int    `json:"count"`
	// Zones are zone numbers ("1", "2", "3"); nodes are spread over them round-robin.
	Zones  []string          `json:"zones,omitempty"`
	Taints []snapshot.Taint  `json:"taints,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	// MaxPods 0 means the network plugin's default.
	MaxPods int    `json:"maxPods,omitempty"`
	OSType  string `json:"osType,omitempty"`
	Spot    bool   `json:"spot,omitempty"`
}

// perNodeLabels differ from node to node or pool to pool; the rest of the labels every node
// shares (kubernetes.azure.com/cluster, topology.kubernetes.io/region, kubernetes.io/arch, ...)
// are copied onto synthesized nodes, because AKS add-ons select on some of them.
var perNodeLabels = []string{
	snapshot.LabelAgentPool, snapshot.LabelAgentPoolLegacy, snapshot.LabelMode, snapshot.LabelInstanceType,
	snapshot.LabelInstanceTypeOld, snapshot.LabelZone, snapshot.LabelZoneOld, snapshot.LabelNodeImage,
	snapshot.LabelSKUCPU, snapshot.LabelSKUMemory, "kubernetes.io/hostname", "kubernetes.azure.com/scalesetpriority",
	"kubernetes.azure.com/priority", "kubernetes.azure.com/os-sku", "kubernetes.azure.com/os-sku-effective",
	"kubernetes.azure.com/os-sku-requested", "kubernetes.azure.com/upgrade-status",
}

// spotTaint is the taint AKS puts on every Spot node (research §8.2).
var spotTaint = snapshot.Taint{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: "NoSchedule"}

var zonalRe = regexp.MustCompile(`^(.+)-[0-9]+$`)

// region returns the prefix of zone labels ("westeurope" of "westeurope-2").
func (s *Sim) region() string {
	for _, n := range s.nodes {
		if m := zonalRe.FindStringSubmatch(n.zone); m != nil {
			return m[1]
		}
	}
	return strings.ToLower(strings.ReplaceAll(s.snap.Cluster.Location, " ", ""))
}

// commonLabels returns the labels every existing node carries with the same value, minus the
// per-node ones.
func (s *Sim) commonLabels() map[string]string {
	var out map[string]string
	for _, n := range s.nodes {
		if n.synthetic {
			continue
		}
		if out == nil {
			out = copyMap(n.labels)
			continue
		}
		for k, v := range out {
			if n.labels[k] != v {
				delete(out, k)
			}
		}
	}
	if out == nil {
		out = map[string]string{}
	}
	for _, k := range perNodeLabels {
		delete(out, k)
	}
	return out
}

// defaultMaxPods is the network plugin's default maxPods (research H-08: Azure CNI 30, kubenet
// 110, Azure CNI Overlay and pod subnet 250/110); unknown plugins get the smallest, 30.
func (s *Sim) defaultMaxPods() int {
	c := s.snap.Cluster
	switch {
	case strings.EqualFold(c.NetworkPluginMode, "overlay"):
		return 250
	case strings.EqualFold(c.NetworkPlugin, "kubenet"):
		return 110
	case strings.EqualFold(c.NetworkPlugin, "azure"):
		return 30
	}
	s.assume("the network plugin is unknown: new pools without --max-pods are taken to get 30 pods per node")
	return 30
}

// allocatableFor finds the allocatable of a new node of spec: copied from an existing node of the
// same VM size and maxPods when the capture has one (it includes what the OS keeps), computed from
// the size table and the AKS reservations otherwise.
func (s *Sim) allocatableFor(spec PoolSpec, maxPods int) (snapshot.Resources, string, error) {
	for _, n := range s.nodes {
		if !n.synthetic && strings.EqualFold(n.labels[snapshot.LabelInstanceType], spec.VMSize) &&
			n.alloc.Pods == int64(maxPods) && n.alloc.MilliCPU > 0 {
			return n.alloc, "copied from node " + n.name + " (same VM size and maxPods)", nil
		}
	}
	sz, ok := vmsize.Lookup(spec.VMSize)
	if !ok {
		return snapshot.Resources{}, "", fmt.Errorf("VM size %q is not in syspool's size table (as of %s) and no captured node has it: "+
			"cannot size its nodes", spec.VMSize, vmsize.AsOf)
	}
	version := s.snap.Cluster.CurrentKubernetesVersion
	if version == "" {
		version = s.snap.Cluster.KubernetesVersion
	}
	res, how := AllocatableFor(sz, maxPods, version, strings.EqualFold(spec.OSType, "Windows"))
	s.assume("nodes of " + spec.VMSize + " are sized from the VM size table minus the AKS reservations; real nodes report " +
		"a little less because the OS reserves some too")
	return res, how, nil
}

// synthesize adds count nodes of spec, named aks-<pool>-<tag>-<i>, spread over the zones, with
// the DaemonSet pods that would run on them. template, when not nil, gives labels and allocatable.
func (s *Sim) synthesize(spec PoolSpec, count int, tag string, template *node) ([]*node, error) {
	maxPods := spec.MaxPods
	if maxPods == 0 && template != nil {
		maxPods = int(template.alloc.Pods)
	}
	if maxPods == 0 {
		maxPods = s.defaultMaxPods()
	}
	var alloc snapshot.Resources
	var from string
	if template != nil {
		alloc, from = template.alloc, "copied from node "+template.name+" (same pool)"
	} else {
		var err error
		if alloc, from, err = s.allocatableFor(spec, maxPods); err != nil {
			return nil, err
		}
	}
	alloc.Pods = int64(maxPods)
	base := s.commonLabels()
	if template != nil {
		base = copyMap(template.labels)
	}
	taints := append([]snapshot.Taint(nil), spec.Taints...)
	if spec.Spot {
		taints = append(taints, spotTaint)
	}
	zones := append([]string(nil), spec.Zones...)
	sort.Strings(zones)
	region := s.region()
	var out []*node
	for i := 0; i < count; i++ {
		name := fmt.Sprintf("aks-%s-%s-%d", spec.Name, tag, i)
		for s.byName[name] != nil {
			name += "x"
		}
		l := copyMap(base)
		for k, v := range spec.Labels {
			l[k] = v
		}
		zone := "0" // a non-zonal node carries its fault domain number
		if len(zones) > 0 {
			zone = zones[i%len(zones)]
			if region != "" {
				zone = region + "-" + zone
			}
		}
		os := "linux"
		if strings.EqualFold(spec.OSType, "Windows") {
			os = "windows"
		}
		l[snapshot.LabelAgentPool], l[snapshot.LabelAgentPoolLegacy] = spec.Name, spec.Name
		l[snapshot.LabelMode] = strings.ToLower(spec.Mode)
		l[snapshot.LabelInstanceType] = spec.VMSize
		l[snapshot.LabelZone] = zone
		l[snapshot.LabelOS] = os
		l["kubernetes.io/hostname"] = name
		if spec.Spot {
			l["kubernetes.azure.com/scalesetpriority"] = "spot"
		}
		n := &node{name: name, pool: spec.Name, zone: zone, labels: l, taints: taints, alloc: alloc,
			podsKnown: true, ready: true, synthetic: true, from: from}
		s.addNode(n)
		s.addDaemonSets(n)
		out = append(out, n)
	}
	return out, nil
}

// info describes a synthesized node for an outcome.
func (n *node) info() NodeInfo {
	ni := NodeInfo{Name: n.name, Pool: n.pool, Zone: n.zone, Allocatable: n.alloc, AllocatableFrom: n.from}
	for _, p := range n.pods {
		if p.ds {
			ni.DaemonSetRequests.MilliCPU += p.p.Requests.MilliCPU
			ni.DaemonSetRequests.MemoryBytes += p.p.Requests.MemoryBytes
			ni.DaemonSetRequests.Pods++
		}
	}
	return ni
}

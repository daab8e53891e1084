package files

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	resourcehelper "k8s.io/component-helpers/resource"

	"github.com/syspool/syspool/internal/snapshot"
)

// kindStatefulSets counts StatefulSets in provenance. No rule needs them as a kind of their own
// yet, so they have no coverage entry; they join Snapshot.Workloads with the others.
const kindStatefulSets snapshot.DataKind = "statefulsets"

// kubeKindsRead is listed in the note about ignored objects.
const kubeKindsRead = "Nodes, Pods, PodDisruptionBudgets, Deployments, DaemonSets and StatefulSets"

// apiGroup returns the group of an apiVersion ("" for the core group's "v1").
func apiGroup(apiVersion string) string {
	if g, _, ok := strings.Cut(apiVersion, "/"); ok {
		return g
	}
	return ""
}

// kubeKind is one of the kinds syspool reads, by kind and API group.
type kubeKind int

const (
	kindOther kubeKind = iota
	kindNode
	kindPod
	kindPDB
	kindDeployment
	kindDaemonSet
	kindStatefulSet
)

func kubeKindOf(kind, apiVersion string) kubeKind {
	group := apiGroup(apiVersion)
	switch {
	case kind == "Node" && group == "":
		return kindNode
	case kind == "Pod" && group == "":
		return kindPod
	case kind == "PodDisruptionBudget" && group == "policy":
		// policy/v1beta1 has the same shape for everything read here.
		return kindPDB
	case kind == "Deployment" && (group == "apps" || group == "extensions"):
		return kindDeployment
	case kind == "DaemonSet" && (group == "apps" || group == "extensions"):
		return kindDaemonSet
	case kind == "StatefulSet" && group == "apps":
		return kindStatefulSet
	}
	return kindOther
}

// decoded is one object of a kind syspool reads, converted.
type decoded struct {
	kind     kubeKind
	typ      narrowType // as the whole object says
	node     snapshot.Node
	pod      snapshot.Pod
	pdb      snapshot.PDB
	workload snapshot.Workload
}

// decodeAs decodes an object of kind k with unmarshal (encoding/json on the exact path, the faster
// decoder of fastlist.go on the other) into its narrow type and converts it.
func decodeAs(k kubeKind, unmarshal func(any) error) (decoded, error) {
	d := decoded{kind: k}
	switch k {
	case kindNode:
		var n narrowNode
		if err := unmarshal(&n); err != nil {
			return d, err
		}
		d.typ, d.node = n.narrowType, convertNode(n.toAPI())
	case kindPod:
		var p narrowPod
		if err := unmarshal(&p); err != nil {
			return d, err
		}
		d.typ, d.pod = p.narrowType, convertPod(p.toAPI())
	case kindPDB:
		var p narrowPDB
		if err := unmarshal(&p); err != nil {
			return d, err
		}
		d.typ, d.pdb = p.narrowType, convertPDB(p.toAPI())
	case kindDeployment, kindDaemonSet, kindStatefulSet:
		var w narrowWorkload
		if err := unmarshal(&w); err != nil {
			return d, err
		}
		d.typ = w.narrowType
		switch k {
		case kindDeployment:
			d.workload = ConvertDeployment(w.deployment())
		case kindDaemonSet:
			d.workload = ConvertDaemonSet(w.daemonSet())
		default:
			d.workload = ConvertStatefulSet(w.statefulSet())
		}
	}
	return d, nil
}

// add hands a decoded object to the builder.
func (b *builder) add(o object, d decoded) {
	switch d.kind {
	case kindNode:
		b.addNode(o, d.node)
	case kindPod:
		b.addPod(o, d.pod)
	case kindPDB:
		b.addPDB(o, d.pdb)
	case kindDeployment:
		b.addWorkload(o, d.workload, snapshot.KindDeployments)
	case kindDaemonSet:
		b.addWorkload(o, d.workload, snapshot.KindDaemonSets)
	case kindStatefulSet:
		b.addWorkload(o, d.workload, kindStatefulSets)
	}
}

// kubeObject converts one Kubernetes object. Kinds syspool does not read are counted, not refused:
// `kubectl get all` or a namespace dump is a fine input.
func (b *builder) kubeObject(o object, kind, apiVersion string) error {
	k := kubeKindOf(kind, apiVersion)
	if k == kindOther {
		o.r.src.ignore(kind)
		return nil
	}
	// what names the object in error messages only. It is built on error: reading the name
	// unmarshalled the whole item a second time, which cost about a fifth of decoding a pods list.
	what := func() string {
		ns, name := o.kubeName()
		return fmt.Sprintf("%s%s %s", o.where(), strings.ToLower(kind), qualified(ns, name))
	}
	d, err := decodeAs(k, func(v any) error { return json.Unmarshal(o.raw, v) })
	if err != nil {
		return o.decodeKubeError(err, what)
	}
	b.add(o, d)
	return nil
}

func qualified(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// replicas applies the API default of 1 for an unset replica count.
func replicas(r *int32) int32 {
	if r == nil {
		return 1
	}
	return *r
}

// kubeName reads metadata leniently, for messages about an object that may not decode.
func (o object) kubeName() (ns, name string) {
	var head struct {
		Metadata struct {
			Name      json.RawMessage `json:"name"`
			Namespace json.RawMessage `json:"namespace"`
		} `json:"metadata"`
	}
	if json.Unmarshal(o.raw, &head) != nil {
		return "", ""
	}
	ns, _ = stringValue(head.Metadata.Namespace)
	name, _ = stringValue(head.Metadata.Name)
	return ns, name
}

// decodeKubeError turns an error of decoding o into an InputError. A quantity that does not parse
// fails deep inside apimachinery with a message naming neither the field nor the value, so it is
// looked up here.
func (o object) decodeKubeError(err error, what func() string) error {
	w := what()
	err = o.decodeError(err, w)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return err
	}
	if path, val, ok := findBadQuantity(o.raw); ok {
		e := o.errorf(val, "%s: %s: quantity %q does not parse; expected a Kubernetes quantity such as 250m, 2, 512Mi or 1.5Gi",
			w, path, val)
		e.Err = err
		return e
	}
	return err
}

// resourceMaps are the keys under which Kubernetes objects hold quantities.
var resourceMaps = map[string]bool{
	"requests": true, "limits": true, "capacity": true, "allocatable": true, "overhead": true,
	"allocatedResources": true,
}

// findBadQuantity walks a raw object for the first quantity that does not parse.
func findBadQuantity(raw []byte) (path, value string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return "", "", false
	}
	return walkQuantities(v, "", false)
}

func walkQuantities(v any, path string, inResources bool) (string, string, bool) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if inResources {
				if t[k] == nil {
					continue // null is an unset quantity
				}
				s := fmt.Sprint(t[k])
				if _, err := resource.ParseQuantity(s); err != nil {
					return p, s, true
				}
				continue
			}
			if p, s, ok := walkQuantities(t[k], p, resourceMaps[k]); ok {
				return p, s, true
			}
		}
	case []any:
		for i, e := range t {
			if p, s, ok := walkQuantities(e, path+"["+strconv.Itoa(i)+"]", false); ok {
				return p, s, true
			}
		}
	}
	return "", "", false
}

func convertNode(n *corev1.Node) snapshot.Node {
	sn := snapshot.Node{
		Name:          n.Name,
		Labels:        mapOrNil(n.Labels),
		ModeLabel:     n.Labels[snapshot.LabelMode],
		Unschedulable: n.Spec.Unschedulable,
		Capacity:      resources(n.Status.Capacity),
		Allocatable:   resources(n.Status.Allocatable),
		Zone:          firstLabel(n.Labels, snapshot.LabelZone, snapshot.LabelZoneOld),
		InstanceType:  firstLabel(n.Labels, snapshot.LabelInstanceType, snapshot.LabelInstanceTypeOld),
		// AKS writes the image on the node; ARM's nodeImageVersion is the pool's target.
		NodeImageVersion: n.Labels[snapshot.LabelNodeImage],
		KubeletVersion:   n.Status.NodeInfo.KubeletVersion,
		OS:               firstNonEmpty(n.Labels[snapshot.LabelOS], n.Status.NodeInfo.OperatingSystem),
		// apimachinery decodes times into the local zone; UTC keeps snapshots machine-independent.
		CreatedAt: n.CreationTimestamp.UTC(),
	}
	for _, t := range n.Spec.Taints {
		sn.Taints = append(sn.Taints, snapshot.Taint{Key: t.Key, Value: t.Value, Effect: string(t.Effect)})
	}
	for _, c := range n.Status.Conditions {
		switch {
		case c.Type == corev1.NodeReady:
			sn.Ready = string(c.Status)
		case c.Status == corev1.ConditionTrue:
			// Every other node condition (the pressures, NetworkUnavailable, and the problem
			// detector's KernelDeadlock and the like) reports trouble when it is True.
			sn.Conditions = append(sn.Conditions, string(c.Type))
		}
	}
	return sn
}

func resources(l corev1.ResourceList) snapshot.Resources {
	return snapshot.Resources{
		MilliCPU:    l.Cpu().MilliValue(),
		MemoryBytes: l.Memory().Value(),
		Pods:        l.Pods().Value(),
	}
}

func firstLabel(labels map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := labels[k]; v != "" {
			return v
		}
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func convertPod(p *corev1.Pod) snapshot.Pod {
	// The scheduler's own arithmetic: containers summed, init containers as a running maximum
	// (sidecars added in), pod-level resources and overhead applied.
	reqs := resourcehelper.PodRequests(p, resourcehelper.PodResourcesOptions{})
	return convertPodRequests(p, snapshot.Resources{MilliCPU: reqs.Cpu().MilliValue(), MemoryBytes: reqs.Memory().Value()})
}

// convertPodRequests converts p whose requests were computed already (the fast path reuses those
// of an identical replica).
func convertPodRequests(p *corev1.Pod, requests snapshot.Resources) snapshot.Pod {
	sp := snapshot.Pod{
		Namespace:         p.Namespace,
		Name:              p.Name,
		NodeName:          p.Spec.NodeName,
		Labels:            mapOrNil(p.Labels),
		Phase:             string(p.Status.Phase),
		PriorityClassName: p.Spec.PriorityClassName,
		Tolerations:       tolerations(p.Spec.Tolerations),
		NodeSelector:      mapOrNil(p.Spec.NodeSelector),
		CreatedAt:         p.CreationTimestamp.UTC(),
		Terminating:       p.DeletionTimestamp != nil,
	}
	for _, ref := range p.OwnerReferences {
		if ref.Controller != nil && *ref.Controller {
			sp.Owner = snapshot.Owner{Kind: ref.Kind, Name: ref.Name}
			break
		}
	}
	if a := p.Spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		for _, t := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
			sp.RequiredNodeAffinity = append(sp.RequiredNodeAffinity, snapshot.NodeSelectorTerm{
				MatchExpressions: requirements(t.MatchExpressions),
				MatchFields:      requirements(t.MatchFields),
			})
		}
	}
	schedulingConstraints(&sp, &p.Spec)
	sp.Requests = requests
	for _, c := range p.Status.Conditions {
		switch {
		case c.Type == corev1.PodReady:
			sp.Ready = c.Status == corev1.ConditionTrue
		case c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse:
			sp.Unschedulable = firstNonEmpty(c.Message, c.Reason, "not scheduled")
		}
	}
	for _, statuses := range [][]corev1.ContainerStatus{p.Status.ContainerStatuses, p.Status.InitContainerStatuses} {
		for _, cs := range statuses {
			sp.Restarts = max(sp.Restarts, cs.RestartCount)
			if sp.WaitingReason == "" && cs.State.Waiting != nil {
				sp.WaitingReason = cs.State.Waiting.Reason
			}
		}
	}
	return sp
}

func tolerations(ts []corev1.Toleration) []snapshot.Toleration {
	var out []snapshot.Toleration
	for _, t := range ts {
		out = append(out, snapshot.Toleration{
			Key: t.Key, Operator: string(t.Operator), Value: t.Value, Effect: string(t.Effect),
			TolerationSeconds: t.TolerationSeconds,
		})
	}
	return out
}

func requirements(rs []corev1.NodeSelectorRequirement) []snapshot.Requirement {
	var out []snapshot.Requirement
	for _, r := range rs {
		out = append(out, snapshot.Requirement{Key: r.Key, Operator: string(r.Operator), Values: sliceOrNil(r.Values)})
	}
	return out
}

func workload(kind, ns, name string, spec *corev1.PodSpec) snapshot.Workload {
	return snapshot.Workload{
		Kind: kind, Namespace: ns, Name: name,
		NodeSelector: mapOrNil(spec.NodeSelector),
		Tolerations:  tolerations(spec.Tolerations),
	}
}

func convertPDB(p *policyv1.PodDisruptionBudget) snapshot.PDB {
	pdb := snapshot.PDB{
		Namespace:          p.Namespace,
		Name:               p.Name,
		Labels:             mapOrNil(p.Labels),
		CurrentHealthy:     p.Status.CurrentHealthy,
		DesiredHealthy:     p.Status.DesiredHealthy,
		DisruptionsAllowed: p.Status.DisruptionsAllowed,
		ExpectedPods:       p.Status.ExpectedPods,
	}
	if p.Spec.MinAvailable != nil {
		pdb.MinAvailable = p.Spec.MinAvailable.String()
	}
	if p.Spec.MaxUnavailable != nil {
		pdb.MaxUnavailable = p.Spec.MaxUnavailable.String()
	}
	if sel := labelSelector(p.Spec.Selector); sel != nil {
		pdb.Selector = *sel
	}
	return pdb
}

func labelSelector(s *metav1.LabelSelector) *snapshot.LabelSelector {
	if s == nil {
		return nil
	}
	out := &snapshot.LabelSelector{MatchLabels: mapOrNil(s.MatchLabels)}
	for _, r := range s.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions,
			snapshot.Requirement{Key: r.Key, Operator: string(r.Operator), Values: sliceOrNil(r.Values)})
	}
	return out
}

// schedulingConstraints copies the hard pod-to-pod rules the what-if simulation honours: required
// anti-affinity and DoNotSchedule topology spread (ScheduleAnyway is kept so consumers can say so).
func schedulingConstraints(sp *snapshot.Pod, spec *corev1.PodSpec) {
	if a := spec.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			term := snapshot.PodAffinityTerm{TopologyKey: t.TopologyKey, Namespaces: sliceOrNil(t.Namespaces),
				NamespaceSelector: labelSelector(t.NamespaceSelector)}
			if sel := labelSelector(t.LabelSelector); sel != nil {
				term.LabelSelector = *sel
			}
			sp.RequiredAntiAffinity = append(sp.RequiredAntiAffinity, term)
		}
	}
	for _, c := range spec.TopologySpreadConstraints {
		tc := snapshot.TopologySpreadConstraint{MaxSkew: c.MaxSkew, TopologyKey: c.TopologyKey,
			WhenUnsatisfiable: string(c.WhenUnsatisfiable), LabelSelector: labelSelector(c.LabelSelector),
			MinDomains: c.MinDomains, MatchLabelKeys: sliceOrNil(c.MatchLabelKeys)}
		if c.NodeAffinityPolicy != nil {
			tc.NodeAffinityPolicy = string(*c.NodeAffinityPolicy)
		}
		if c.NodeTaintsPolicy != nil {
			tc.NodeTaintsPolicy = string(*c.NodeTaintsPolicy)
		}
		sp.TopologySpread = append(sp.TopologySpread, tc)
	}
}

package gen

import (
	"fmt"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Who writes what, per kind: the entries a LIST shows on objects of a real AKS cluster.

// fieldSet returns the field set under key with the sentinels replaced by r; in fresh mode it
// computes from the real object (compute decides which) and replaces nothing.
func (c *Cluster) fieldSet(key string, r replacer, compute func() ([]byte, error)) ([]byte, error) {
	c.fieldsOnce.Do(func() {
		if c.fields == nil {
			c.fields = newFieldCache()
		}
	})
	if c.fields.fresh {
		return compute()
	}
	b, err := c.fields.lookup(key, compute)
	if err != nil {
		return nil, err
	}
	return r.apply(b), nil
}

// podParts splits a pod into what its controller wrote and what the kubelet (or scheduler) wrote.
// The scheduler's binding sets spec.nodeName without a managed-fields entry of its own.
func podParts(p *corev1.Pod) (ctrl, status *corev1.Pod) {
	spec := p.Spec
	spec.NodeName = ""
	ctrl = &corev1.Pod{TypeMeta: p.TypeMeta, ObjectMeta: metav1.ObjectMeta{GenerateName: p.GenerateName, Labels: p.Labels,
		Annotations: p.Annotations, OwnerReferences: p.OwnerReferences}, Spec: spec}
	return ctrl, &corev1.Pod{TypeMeta: p.TypeMeta, Status: p.Status}
}

func (c *Cluster) podManagedFields(i int, p *corev1.Pod, r replacer) ([]metav1.ManagedFieldsEntry, error) {
	pp := &c.Pods[i]
	key := "pod " + c.Workloads[pp.Workload].shape + " state=" + strconv.Itoa(int(pp.State))
	var sentinel *corev1.Pod
	source := func() (*corev1.Pod, error) {
		if c.fields.fresh {
			return p, nil
		}
		var err error
		if sentinel == nil {
			sentinel, err = c.pod(i, true)
		}
		return sentinel, err
	}
	ctrl, err := c.fieldSet(key+" controller", r, func() ([]byte, error) {
		src, err := source()
		if err != nil {
			return nil, err
		}
		part, _ := podParts(src)
		return c.fields.set(part, "metadata", "spec")
	})
	if err != nil {
		return nil, err
	}
	status, err := c.fieldSet(key+" status", r, func() ([]byte, error) {
		src, err := source()
		if err != nil {
			return nil, err
		}
		_, part := podParts(src)
		return c.fields.set(part, "status")
	})
	if err != nil {
		return nil, err
	}
	statusManager := "kubelet"
	if pp.State == Pending {
		statusManager = "kube-scheduler"
	}
	return sortEntries([]metav1.ManagedFieldsEntry{
		entry("kube-controller-manager", "v1", "", pp.Created, ctrl),
		entry(statusManager, "v1", "status", lastTransition(p.Status.Conditions), status),
	}), nil
}

func lastTransition(cs []corev1.PodCondition) time.Time {
	var t time.Time
	for _, c := range cs {
		if c.LastTransitionTime.After(t) {
			t = c.LastTransitionTime.Time
		}
	}
	return t
}

// nodeParts splits a node into what the kubelet registered, what kube-controller-manager added
// (pod CIDR, TTL annotation, and the taints of an unreachable node) and the kubelet's status.
func nodeParts(n *corev1.Node, notReady bool) (kubelet, kcm, status *corev1.Node) {
	ann := map[string]string{}
	for k, v := range n.Annotations {
		if k != "node.alpha.kubernetes.io/ttl" {
			ann[k] = v
		}
	}
	kubelet = &corev1.Node{TypeMeta: n.TypeMeta, ObjectMeta: metav1.ObjectMeta{Labels: n.Labels, Annotations: ann},
		Spec: corev1.NodeSpec{ProviderID: n.Spec.ProviderID}}
	kcm = &corev1.Node{TypeMeta: n.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"node.alpha.kubernetes.io/ttl": n.Annotations["node.alpha.kubernetes.io/ttl"]}},
		Spec:       corev1.NodeSpec{PodCIDR: n.Spec.PodCIDR, PodCIDRs: n.Spec.PodCIDRs}}
	// Taints are an atomic list: whoever wrote them last owns all of them.
	if notReady {
		kcm.Spec.Taints = n.Spec.Taints
	} else {
		kubelet.Spec.Taints = n.Spec.Taints
	}
	return kubelet, kcm, &corev1.Node{TypeMeta: n.TypeMeta, Status: n.Status}
}

func (c *Cluster) nodeManagedFields(i int, n *corev1.Node) ([]metav1.ManagedFieldsEntry, error) {
	plan := c.Nodes[i]
	key := "node pool=" + plan.Pool.Name + " notReady=" + strconv.FormatBool(plan.NotReady)
	r := replacer{podCIDRSentinel, plan.PodCIDR.String()}
	var sentinel *corev1.Node
	part := func(which int) func() ([]byte, error) {
		return func() ([]byte, error) {
			src := n
			if !c.fields.fresh {
				if sentinel == nil {
					var err error
					if sentinel, err = c.node(i, true); err != nil {
						return nil, err
					}
				}
				src = sentinel
			}
			kubelet, kcm, status := nodeParts(src, plan.NotReady)
			switch which {
			case 0:
				return c.fields.set(kubelet, "metadata", "spec")
			case 1:
				return c.fields.set(kcm, "metadata", "spec")
			}
			return c.fields.set(status, "status")
		}
	}
	var sets [3][]byte
	for which, name := range []string{" kubelet", " kcm", " status"} {
		b, err := c.fieldSet(key+name, r, part(which))
		if err != nil {
			return nil, err
		}
		sets[which] = b
	}
	return sortEntries([]metav1.ManagedFieldsEntry{
		entry("kubelet", "v1", "", plan.Created, sets[0]),
		entry("kube-controller-manager", "v1", "", plan.Created.Add(31*time.Second), sets[1]),
		entry("kubelet", "v1", "status", n.Status.Conditions[len(n.Status.Conditions)-1].LastHeartbeatTime.Time, sets[2]),
	}), nil
}

// workloadManagedFields: the deployer (helm, or AKS's addon manager through kubectl) wrote labels,
// annotations and spec; kube-controller-manager wrote the revision annotation and the status.
func (c *Cluster) workloadManagedFields(w *Workload, obj metav1.Object, meta metav1.TypeMeta, spec, status any) ([]metav1.ManagedFieldsEntry, error) {
	if !c.ManagedFields {
		return nil, nil
	}
	ann := map[string]string{}
	for k, v := range obj.GetAnnotations() {
		if k != revisionAnnotation {
			ann[k] = v
		}
	}
	var deployer, revision, st any
	switch s := spec.(type) {
	case appsv1.DeploymentSpec:
		deployer = &appsv1.Deployment{TypeMeta: meta, ObjectMeta: metav1.ObjectMeta{Labels: obj.GetLabels(), Annotations: ann}, Spec: s}
		revision = &appsv1.Deployment{TypeMeta: meta, ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{revisionAnnotation: "1"}}}
		st = &appsv1.Deployment{TypeMeta: meta, Status: status.(appsv1.DeploymentStatus)}
	case appsv1.DaemonSetSpec:
		deployer = &appsv1.DaemonSet{TypeMeta: meta, ObjectMeta: metav1.ObjectMeta{Labels: obj.GetLabels(), Annotations: ann}, Spec: s}
		st = &appsv1.DaemonSet{TypeMeta: meta, Status: status.(appsv1.DaemonSetStatus)}
	case policyv1.PodDisruptionBudgetSpec:
		deployer = &policyv1.PodDisruptionBudget{TypeMeta: meta, ObjectMeta: metav1.ObjectMeta{Labels: obj.GetLabels(), Annotations: ann}, Spec: s}
		st = &policyv1.PodDisruptionBudget{TypeMeta: meta, Status: status.(policyv1.PodDisruptionBudgetStatus)}
	}
	// Zero counts are omitted from a status, so which counts are zero is part of the shape.
	key := fmt.Sprintf("%s %s ready=%t complete=%t", meta.Kind, w.shape, w.ready > 0, w.ready == w.Replicas)
	if meta.Kind == "PodDisruptionBudget" {
		key += " " + pdbShape(spec.(policyv1.PodDisruptionBudgetSpec))
	}
	created := obj.GetCreationTimestamp().Time
	es := []metav1.ManagedFieldsEntry{}
	add := func(manager, sub string, t time.Time, o any, parts ...string) error {
		b, err := c.fieldSet(key+" "+manager+" "+sub+" "+parts[len(parts)-1], nil, func() ([]byte, error) {
			return c.fields.set(o.(runtime.Object), parts...)
		})
		if err != nil {
			return err
		}
		es = append(es, entry(manager, meta.APIVersion, sub, t, b))
		return nil
	}
	if err := add(w.Manager, "", created, deployer, "metadata", "spec"); err != nil {
		return nil, err
	}
	if revision != nil {
		if err := add("kube-controller-manager", "", created.Add(time.Second), revision, "metadata"); err != nil {
			return nil, err
		}
	}
	if err := add("kube-controller-manager", "status", c.statusTime(w, created), st, "status"); err != nil {
		return nil, err
	}
	return sortEntries(es), nil
}

// statusTime is when a controller last wrote the workload's status: after its newest pod started.
func (c *Cluster) statusTime(w *Workload, created time.Time) time.Time {
	t := created.Add(90 * time.Second)
	if w.newestPod.After(t) {
		t = w.newestPod.Add(40 * time.Second)
	}
	return t
}

const revisionAnnotation = "deployment.kubernetes.io/revision"

func pdbShape(s policyv1.PodDisruptionBudgetSpec) string {
	if s.MinAvailable != nil {
		return "minAvailable"
	}
	return "maxUnavailable"
}

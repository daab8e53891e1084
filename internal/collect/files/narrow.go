package files

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The narrow types below mirror the Kubernetes API types field for field, but only the fields the
// converters read. Decoding into them instead of corev1.Pod is what keeps a 150,000-pod list cheap:
// env, volumes, probes, images and managed fields are checked for JSON syntax and skipped, never
// turned into Go values. Every field kept has the API type's own Go type and JSON name, so a value
// the API type would refuse is refused here too, with the same message; toAPI then hands the
// converters the API object they already know, and live collection (which gets API objects from
// client-go) and files still share one conversion.

// narrowType is read again by the fast path, which picks the narrow type from a quick look at the
// first members and must agree with what a decode of the whole object says.
type narrowType struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

type narrowMeta struct {
	Name              string                  `json:"name"`
	Namespace         string                  `json:"namespace"`
	Labels            map[string]string       `json:"labels"`
	OwnerReferences   []metav1.OwnerReference `json:"ownerReferences"`
	CreationTimestamp metav1.Time             `json:"creationTimestamp"`
	DeletionTimestamp *metav1.Time            `json:"deletionTimestamp"`
}

func (m *narrowMeta) toAPI() metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: m.Name, Namespace: m.Namespace, Labels: m.Labels, OwnerReferences: m.OwnerReferences,
		CreationTimestamp: m.CreationTimestamp, DeletionTimestamp: m.DeletionTimestamp,
	}
}

type narrowContainer struct {
	Name          string                         `json:"name"`
	Resources     corev1.ResourceRequirements    `json:"resources"`
	RestartPolicy *corev1.ContainerRestartPolicy `json:"restartPolicy"`
}

// containersToAPI converts cs, appending to out (which may be reused storage).
func containersToAPI(out []corev1.Container, cs []narrowContainer) []corev1.Container {
	if cs == nil {
		return nil
	}
	for _, c := range cs {
		out = append(out, corev1.Container{Name: c.Name, Resources: c.Resources, RestartPolicy: c.RestartPolicy})
	}
	return out
}

type narrowContainerStatus struct {
	RestartCount int32 `json:"restartCount"`
	State        struct {
		Waiting *corev1.ContainerStateWaiting `json:"waiting"`
	} `json:"state"`
}

// containerStatusesToAPI converts cs, appending to out (which may be reused storage).
func containerStatusesToAPI(out []corev1.ContainerStatus, cs []narrowContainerStatus) []corev1.ContainerStatus {
	if cs == nil {
		return nil
	}
	for _, c := range cs {
		out = append(out, corev1.ContainerStatus{RestartCount: c.RestartCount, State: corev1.ContainerState{Waiting: c.State.Waiting}})
	}
	return out
}

type podConditionLite struct {
	Type    corev1.PodConditionType `json:"type"`
	Status  corev1.ConditionStatus  `json:"status"`
	Reason  string                  `json:"reason"`
	Message string                  `json:"message"`
}

type narrowPod struct {
	narrowType
	Metadata narrowMeta      `json:"metadata"`
	Spec     narrowPodSpec   `json:"spec"`
	Status   narrowPodStatus `json:"status"`
}

type narrowPodSpec struct {
	narrowPodScheduling
	narrowPodRequests
}

// narrowPodScheduling is what of a pod's spec the scheduler's predicates read.
type narrowPodScheduling struct {
	NodeName                  string                            `json:"nodeName"`
	PriorityClassName         string                            `json:"priorityClassName"`
	Tolerations               []corev1.Toleration               `json:"tolerations"`
	NodeSelector              map[string]string                 `json:"nodeSelector"`
	Affinity                  *corev1.Affinity                  `json:"affinity"`
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints"`
}

// narrowPodRequests is what of a pod's spec resourcehelper.PodRequests reads.
type narrowPodRequests struct {
	Containers     []narrowContainer            `json:"containers"`
	InitContainers []narrowContainer            `json:"initContainers"`
	Overhead       corev1.ResourceList          `json:"overhead"`
	Resources      *corev1.ResourceRequirements `json:"resources"`
}

type narrowPodStatus struct {
	Phase                 corev1.PodPhase         `json:"phase"`
	Conditions            []podConditionLite      `json:"conditions"`
	ContainerStatuses     []narrowContainerStatus `json:"containerStatuses"`
	InitContainerStatuses []narrowContainerStatus `json:"initContainerStatuses"`
}

func (n *narrowPod) toAPI() *corev1.Pod {
	p := &corev1.Pod{}
	n.toAPIInto(p)
	return p
}

// toAPIInto fills p, which it clears first: the fast path reuses one Pod per goroutine, since the
// converter copies what it keeps.
func (n *narrowPod) toAPIInto(p *corev1.Pod) {
	containers, initContainers := p.Spec.Containers[:0], p.Spec.InitContainers[:0]
	conditions := p.Status.Conditions[:0]
	statuses, initStatuses := p.Status.ContainerStatuses[:0], p.Status.InitContainerStatuses[:0]
	*p = corev1.Pod{ObjectMeta: n.Metadata.toAPI()}
	s := &n.Spec
	p.Spec = corev1.PodSpec{
		NodeName: s.NodeName, PriorityClassName: s.PriorityClassName, Tolerations: s.Tolerations,
		NodeSelector: s.NodeSelector, Affinity: s.Affinity, TopologySpreadConstraints: s.TopologySpreadConstraints,
		Containers: containersToAPI(containers, s.Containers), InitContainers: containersToAPI(initContainers, s.InitContainers),
		Overhead: s.Overhead, Resources: s.Resources,
	}
	p.Status.Phase = n.Status.Phase
	if n.Status.Conditions != nil {
		for _, c := range n.Status.Conditions {
			conditions = append(conditions, corev1.PodCondition{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message})
		}
		p.Status.Conditions = conditions
	}
	p.Status.ContainerStatuses = containerStatusesToAPI(statuses, n.Status.ContainerStatuses)
	p.Status.InitContainerStatuses = containerStatusesToAPI(initStatuses, n.Status.InitContainerStatuses)
}

type narrowNode struct {
	narrowType
	Metadata narrowMeta `json:"metadata"`
	Spec     struct {
		Unschedulable bool           `json:"unschedulable"`
		Taints        []corev1.Taint `json:"taints"`
	} `json:"spec"`
	Status struct {
		Capacity    corev1.ResourceList `json:"capacity"`
		Allocatable corev1.ResourceList `json:"allocatable"`
		NodeInfo    struct {
			KubeletVersion  string `json:"kubeletVersion"`
			OperatingSystem string `json:"operatingSystem"`
		} `json:"nodeInfo"`
		Conditions []struct {
			Type   corev1.NodeConditionType `json:"type"`
			Status corev1.ConditionStatus   `json:"status"`
		} `json:"conditions"`
	} `json:"status"`
}

func (n *narrowNode) toAPI() *corev1.Node {
	out := &corev1.Node{ObjectMeta: n.Metadata.toAPI()}
	out.Spec.Unschedulable = n.Spec.Unschedulable
	out.Spec.Taints = n.Spec.Taints
	out.Status.Capacity = n.Status.Capacity
	out.Status.Allocatable = n.Status.Allocatable
	out.Status.NodeInfo.KubeletVersion = n.Status.NodeInfo.KubeletVersion
	out.Status.NodeInfo.OperatingSystem = n.Status.NodeInfo.OperatingSystem
	for _, c := range n.Status.Conditions {
		out.Status.Conditions = append(out.Status.Conditions, corev1.NodeCondition{Type: c.Type, Status: c.Status})
	}
	return out
}

type narrowPDB struct {
	narrowType
	Metadata narrowMeta `json:"metadata"`
	Spec     struct {
		MinAvailable   *intstr.IntOrString   `json:"minAvailable"`
		MaxUnavailable *intstr.IntOrString   `json:"maxUnavailable"`
		Selector       *metav1.LabelSelector `json:"selector"`
	} `json:"spec"`
	Status struct {
		CurrentHealthy     int32 `json:"currentHealthy"`
		DesiredHealthy     int32 `json:"desiredHealthy"`
		DisruptionsAllowed int32 `json:"disruptionsAllowed"`
		ExpectedPods       int32 `json:"expectedPods"`
	} `json:"status"`
}

func (n *narrowPDB) toAPI() *policyv1.PodDisruptionBudget {
	p := &policyv1.PodDisruptionBudget{ObjectMeta: n.Metadata.toAPI()}
	p.Spec.MinAvailable, p.Spec.MaxUnavailable, p.Spec.Selector = n.Spec.MinAvailable, n.Spec.MaxUnavailable, n.Spec.Selector
	p.Status.CurrentHealthy, p.Status.DesiredHealthy = n.Status.CurrentHealthy, n.Status.DesiredHealthy
	p.Status.DisruptionsAllowed, p.Status.ExpectedPods = n.Status.DisruptionsAllowed, n.Status.ExpectedPods
	return p
}

// narrowWorkload covers Deployments, DaemonSets and StatefulSets: the fields each reads are
// disjoint or typed alike in all three.
type narrowWorkload struct {
	narrowType
	Metadata narrowMeta `json:"metadata"`
	Spec     struct {
		Replicas *int32 `json:"replicas"`
		Template struct {
			Spec struct {
				NodeSelector map[string]string   `json:"nodeSelector"`
				Tolerations  []corev1.Toleration `json:"tolerations"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
	Status struct {
		ReadyReplicas          int32 `json:"readyReplicas"`
		DesiredNumberScheduled int32 `json:"desiredNumberScheduled"`
		NumberReady            int32 `json:"numberReady"`
	} `json:"status"`
}

func (n *narrowWorkload) podSpec() corev1.PodSpec {
	return corev1.PodSpec{NodeSelector: n.Spec.Template.Spec.NodeSelector, Tolerations: n.Spec.Template.Spec.Tolerations}
}

func (n *narrowWorkload) deployment() *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: n.Metadata.toAPI()}
	d.Spec.Replicas, d.Spec.Template.Spec = n.Spec.Replicas, n.podSpec()
	d.Status.ReadyReplicas = n.Status.ReadyReplicas
	return d
}

func (n *narrowWorkload) daemonSet() *appsv1.DaemonSet {
	d := &appsv1.DaemonSet{ObjectMeta: n.Metadata.toAPI()}
	d.Spec.Template.Spec = n.podSpec()
	d.Status.DesiredNumberScheduled, d.Status.NumberReady = n.Status.DesiredNumberScheduled, n.Status.NumberReady
	return d
}

func (n *narrowWorkload) statefulSet() *appsv1.StatefulSet {
	s := &appsv1.StatefulSet{ObjectMeta: n.Metadata.toAPI()}
	s.Spec.Replicas, s.Spec.Template.Spec = n.Spec.Replicas, n.podSpec()
	s.Status.ReadyReplicas = n.Status.ReadyReplicas
	return s
}

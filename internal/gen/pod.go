package gen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Pod builds pod i of the plan as the API server returns it. The result shares read-only parts
// (slices, maps, pointers) with the plan and with other pods: callers must not modify it (DeepCopy
// it first).
func (c *Cluster) Pod(i int) *corev1.Pod {
	return must(c.pod(i, false))
}

// Sentinels for the per-pod values that appear in managed field paths (see apiAccessSentinel).
const (
	uidSentinel   = "00000000-0000-4000-8000-000000000000"
	podIPSentinel = "192.0.2.1" // TEST-NET-1: never a cluster address
)

// pod builds pod i; with sentinel set, the per-pod values that appear in managed field paths are
// sentinels and the pod has no managed fields (it is what they are computed from).
func (c *Cluster) pod(i int, sentinel bool) (*corev1.Pod, error) {
	pp := &c.Pods[i]
	w := c.Workloads[pp.Workload]
	var node *NodePlan
	if pp.Node >= 0 {
		node = c.Nodes[pp.Node]
	}
	k := c.key(tagSuffix, int(pp.Workload), int(pp.Replica))
	apiAccess := "kube-api-access-" + suffix(k, 5)
	ownerUID, ip := w.OwnerUID, pp.IP.String()
	real := replacer{uidSentinel, ownerUID, apiAccessSentinel, apiAccess, podIPSentinel, ip}
	if sentinel {
		apiAccess, ownerUID, ip = apiAccessSentinel, uidSentinel, podIPSentinel
	}

	p := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:              pp.Name,
			GenerateName:      w.OwnerName + "-",
			Namespace:         w.Namespace,
			UID:               types.UID(c.uid(tagMisc, int(pp.Workload), 1000+int(pp.Replica))),
			ResourceVersion:   c.resourceVersion(pp.Created, int(pp.Workload)*7+int(pp.Replica)),
			Generation:        1,
			CreationTimestamp: metav1.NewTime(pp.Created),
			Labels:            c.podLabels(w, pp),
			Annotations:       w.Template.Annotations,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: ownerAPIVersion(w.OwnerKind), Kind: w.OwnerKind,
				Name: w.OwnerName, UID: types.UID(ownerUID), Controller: ptr(true), BlockOwnerDeletion: ptr(true)}},
		},
		Spec: w.podSpec,
	}
	s := &p.Spec
	if node != nil {
		s.NodeName = node.Name
	}
	// Per-pod parts of the spec get fresh slices; everything else stays shared with the workload.
	if w.apiToken {
		s.Volumes = slices.Clone(s.Volumes)
		s.Volumes[len(s.Volumes)-1].Name = apiAccess
		s.InitContainers = withAPIAccessMount(s.InitContainers, apiAccess)
		s.Containers = withAPIAccessMount(s.Containers, apiAccess)
	}
	switch w.Kind {
	case kindDaemonSet:
		// The DaemonSet controller pins each pod to its node by replacing the required node affinity.
		a := *s.Affinity
		na := *a.NodeAffinity
		na.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn,
				Values: []string{node.Name}}}}}}
		a.NodeAffinity = &na
		s.Affinity = &a
	case kindStatefulSet:
		p.GenerateName = ""
		s.Hostname, s.Subdomain = pp.Name, w.Name
		s.Volumes = append(s.Volumes, corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-" + pp.Name}}})
	}
	p.Status = c.podStatus(p, pp, node, ip)
	if !sentinel && c.ManagedFields {
		mf, err := c.podManagedFields(i, p, real)
		if err != nil {
			return nil, err
		}
		p.ManagedFields = mf
	}
	return p, nil
}

func ownerAPIVersion(kind string) string {
	if kind == kindJob {
		return "batch/v1"
	}
	return "apps/v1"
}

func withAPIAccessMount(cs []corev1.Container, name string) []corev1.Container {
	if len(cs) == 0 {
		return cs
	}
	cs = slices.Clone(cs)
	for i := range cs {
		m := slices.Clone(cs[i].VolumeMounts)
		m[len(m)-1].Name = name
		cs[i].VolumeMounts = m
	}
	return cs
}

// resourceVersion is a plausible etcd revision: it grows with the object's creation time.
func (c *Cluster) resourceVersion(t time.Time, n int) string {
	return strconv.FormatInt(t.Sub(epoch).Milliseconds()/4+int64(n%1000), 10)
}

func (c *Cluster) podLabels(w *Workload, pp *PodPlan) map[string]string {
	l := make(map[string]string, len(w.Template.Labels)+4)
	for k, v := range w.Template.Labels {
		l[k] = v
	}
	if pp.Node >= 0 {
		// The PodTopologyLabels admission plugin (beta, on by default since Kubernetes 1.35)
		// copies the node's region and zone onto the pods bound to it.
		n := c.Nodes[pp.Node]
		l["topology.kubernetes.io/region"] = c.Region
		l["topology.kubernetes.io/zone"] = n.Zone
	}
	switch w.Kind {
	case kindDeployment:
		l["pod-template-hash"] = w.Hash
	case kindDaemonSet:
		l["controller-revision-hash"] = w.Hash
		l["pod-template-generation"] = "1"
	case kindStatefulSet:
		l["controller-revision-hash"] = w.Name + "-" + w.Hash
		l["statefulset.kubernetes.io/pod-name"] = pp.Name
		l["apps.kubernetes.io/pod-index"] = strconv.Itoa(int(pp.Replica))
	case kindJob:
		l["batch.kubernetes.io/controller-uid"] = w.UID
		l["batch.kubernetes.io/job-name"] = w.Name
		l["controller-uid"] = w.UID
		l["job-name"] = w.Name
	}
	return l
}

func condition(t corev1.PodConditionType, ok bool, at time.Time) corev1.PodCondition {
	s := corev1.ConditionFalse
	if ok {
		s = corev1.ConditionTrue
	}
	return corev1.PodCondition{Type: t, Status: s, LastTransitionTime: metav1.NewTime(at)}
}

func (c *Cluster) podStatus(p *corev1.Pod, pp *PodPlan, node *NodePlan, ip string) corev1.PodStatus {
	s := corev1.PodStatus{QOSClass: qosClass(&p.Spec)}
	created := pp.Created
	if pp.State == Pending {
		s.Phase = corev1.PodPending
		cond := condition(corev1.PodScheduled, false, created)
		cond.Reason = corev1.PodReasonUnschedulable
		cond.Message = fmt.Sprintf("0/%d nodes are available: %d Insufficient memory, %d node(s) didn't match Pod's node affinity/selector. "+
			"preemption: 0/%d nodes are available: %d No preemption victims found for incoming pod.",
			len(c.Nodes), c.Workloads[pp.Workload].Pool.Count, len(c.Nodes)-c.Workloads[pp.Workload].Pool.Count, len(c.Nodes), len(c.Nodes))
		s.Conditions = []corev1.PodCondition{cond}
		return s
	}
	started := created.Add(2 * time.Second)
	ready := started.Add(time.Duration(8+int(c.key(tagMisc, int(pp.Workload), int(pp.Replica))%40)) * time.Second)
	s.StartTime = ptr(metav1.NewTime(created))
	s.HostIP = node.IP.String()
	s.HostIPs = []corev1.HostIP{{IP: s.HostIP}}
	s.PodIP = ip
	s.PodIPs = []corev1.PodIP{{IP: ip}}
	s.Phase = corev1.PodRunning
	k := c.key(tagContainerID, int(pp.Workload), int(pp.Replica))
	for i, ct := range p.Spec.InitContainers {
		s.InitContainerStatuses = append(s.InitContainerStatuses, corev1.ContainerStatus{
			Name: ct.Name, Image: ct.Image, ImageID: imageID(ct.Image), ContainerID: "containerd://" + hex64(k+uint64(100+i)),
			Ready: true, Started: ptr(false),
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed",
				StartedAt: metav1.NewTime(started), FinishedAt: metav1.NewTime(started.Add(time.Second)),
				ContainerID: "containerd://" + hex64(k+uint64(100+i))}},
		})
	}
	scheduled := condition(corev1.PodScheduled, true, created)
	switch pp.State {
	case Succeeded:
		s.Phase = corev1.PodSucceeded
		done := ready.Add(time.Duration(30+k%600) * time.Second)
		for i, ct := range p.Spec.Containers {
			cs := containerStatus(ct, k+uint64(i), started)
			cs.Ready, cs.Started = false, ptr(false)
			cs.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed",
				StartedAt: metav1.NewTime(started), FinishedAt: metav1.NewTime(done), ContainerID: cs.ContainerID}}
			s.ContainerStatuses = append(s.ContainerStatuses, cs)
		}
		notReady := func(t corev1.PodConditionType) corev1.PodCondition {
			c := condition(t, false, done)
			c.Reason = "PodCompleted"
			return c
		}
		s.Conditions = []corev1.PodCondition{condition(corev1.PodReadyToStartContainers, false, done),
			condition(corev1.PodInitialized, true, created), notReady(corev1.PodReady), notReady(corev1.ContainersReady), scheduled}
		return s
	case CrashLooping:
		for i, ct := range p.Spec.Containers {
			cs := containerStatus(ct, k+uint64(i), started)
			if i == 0 {
				lastStart := c.Now.Add(-7 * time.Minute)
				cs.Ready, cs.Started, cs.RestartCount = false, ptr(false), 47
				cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff",
					Message: fmt.Sprintf("back-off 5m0s restarting failed container=%s pod=%s_%s(%s)", ct.Name, p.Name, p.Namespace, p.UID)}}
				cs.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error",
					StartedAt: metav1.NewTime(lastStart), FinishedAt: metav1.NewTime(lastStart.Add(3 * time.Second)),
					ContainerID: "containerd://" + hex64(k+uint64(50+i))}}
				cs.ContainerID = "containerd://" + hex64(k+uint64(50+i))
			}
			s.ContainerStatuses = append(s.ContainerStatuses, cs)
		}
		unready := func(t corev1.PodConditionType) corev1.PodCondition {
			c := condition(t, false, c.Now.Add(-7*time.Minute))
			c.Reason, c.Message = "ContainersNotReady", "containers with unready status: ["+p.Spec.Containers[0].Name+"]"
			return c
		}
		s.Conditions = []corev1.PodCondition{condition(corev1.PodReadyToStartContainers, true, started),
			condition(corev1.PodInitialized, true, started), unready(corev1.PodReady), unready(corev1.ContainersReady), scheduled}
		return s
	}
	for i, ct := range p.Spec.Containers {
		s.ContainerStatuses = append(s.ContainerStatuses, containerStatus(ct, k+uint64(i), started))
	}
	s.Conditions = []corev1.PodCondition{condition(corev1.PodReadyToStartContainers, true, started),
		condition(corev1.PodInitialized, true, started), condition(corev1.PodReady, true, ready),
		condition(corev1.ContainersReady, true, ready), scheduled}
	return s
}

func containerStatus(ct corev1.Container, k uint64, started time.Time) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name: ct.Name, Image: ct.Image, ImageID: imageID(ct.Image), ContainerID: "containerd://" + hex64(k),
		Ready: true, Started: ptr(true),
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(started)}},
	}
}

// imageID is the digest the kubelet reports: derived from the image name, so it is the same on
// every node, as it is for a real tag.
func imageID(image string) string {
	repo, _, _ := strings.Cut(image, ":")
	var h uint64 = 14695981039346656037
	for i := 0; i < len(image); i++ {
		h = (h ^ uint64(image[i])) * 1099511628211
	}
	return repo + "@sha256:" + hex64(h)
}

// qosClass is the API server's classification of a pod by its containers' requests and limits.
func qosClass(s *corev1.PodSpec) corev1.PodQOSClass {
	requests, limits := corev1.ResourceList{}, corev1.ResourceList{}
	guaranteed := true
	for _, ct := range append(slices.Clip(s.InitContainers), s.Containers...) {
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if q, ok := ct.Resources.Requests[r]; ok && !q.IsZero() {
				add(requests, r, q)
			}
			if q, ok := ct.Resources.Limits[r]; ok && !q.IsZero() {
				add(limits, r, q)
			}
		}
		if len(ct.Resources.Limits) < 2 || ct.Resources.Limits.Cpu().IsZero() || ct.Resources.Limits.Memory().IsZero() {
			guaranteed = false
		}
	}
	if len(requests) == 0 && len(limits) == 0 {
		return corev1.PodQOSBestEffort
	}
	if guaranteed {
		for r, q := range requests {
			if l, ok := limits[r]; !ok || l.Cmp(q) != 0 {
				guaranteed = false
			}
		}
	}
	if guaranteed {
		return corev1.PodQOSGuaranteed
	}
	return corev1.PodQOSBurstable
}

func add(l corev1.ResourceList, r corev1.ResourceName, q resource.Quantity) {
	sum := l[r]
	sum.Add(q)
	l[r] = sum
}

package gen

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Deployments, DaemonSets and PodDisruptionBudgets as the API server returns them. The status
// fields agree with the pods: a Deployment with a crash-looping replica reports one fewer ready.

// Deployments and DaemonSets return the indexes of those workloads in Cluster.Workloads, sorted by
// namespace and name as the API server lists them.
func (c *Cluster) Deployments() []int { return c.ofKind(kindDeployment) }
func (c *Cluster) DaemonSets() []int  { return c.ofKind(kindDaemonSet) }

func (c *Cluster) ofKind(kind string) []int {
	var out []int
	for i, w := range c.Workloads {
		if w.Kind == kind {
			out = append(out, i)
		}
	}
	sortByKey(out, func(i int) string { return c.Workloads[i].Namespace + "/" + c.Workloads[i].Name })
	return out
}

func (c *Cluster) controllerMeta(w *Workload) metav1.ObjectMeta {
	m := metav1.ObjectMeta{
		Name: w.Name, Namespace: w.Namespace, UID: types.UID(w.UID), Generation: 1,
		ResourceVersion:   c.resourceVersion(c.statusTime(w, w.Created), w.index),
		CreationTimestamp: metav1.NewTime(w.Created),
		Labels:            w.Labels,
	}
	if w.Manager == "helm" {
		m.Annotations = map[string]string{"meta.helm.sh/release-name": w.Name, "meta.helm.sh/release-namespace": w.Namespace}
	}
	return m
}

// Deployment builds workload i, which must be a Deployment.
func (c *Cluster) Deployment(i int) *appsv1.Deployment { return must(c.deployment(i)) }

func (c *Cluster) deployment(i int) (*appsv1.Deployment, error) {
	w := c.Workloads[i]
	d := &appsv1.Deployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}, ObjectMeta: c.controllerMeta(w)}
	if d.Annotations == nil {
		d.Annotations = map[string]string{}
	}
	d.Annotations[revisionAnnotation] = "1"
	quarter := intstr.FromString("25%")
	d.Spec = appsv1.DeploymentSpec{
		Replicas: ptr(int32(w.Replicas)), Selector: &metav1.LabelSelector{MatchLabels: w.Selector}, Template: w.Template,
		Strategy:             appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: &quarter, MaxSurge: &quarter}},
		RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600)),
	}
	n, ready := int32(w.Replicas), int32(w.ready)
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: n, UpdatedReplicas: n, ReadyReplicas: ready,
		AvailableReplicas: ready, UnavailableReplicas: n - ready}
	updated := metav1.NewTime(c.statusTime(w, w.Created))
	created := metav1.NewTime(w.Created.Add(2 * time.Second))
	available := appsv1.DeploymentCondition{Type: appsv1.DeploymentAvailable, Status: "True", Reason: "MinimumReplicasAvailable",
		Message: "Deployment has minimum availability.", LastUpdateTime: updated, LastTransitionTime: updated}
	if maxUnavailable := n / 4; n-ready > maxUnavailable {
		available.Status, available.Reason, available.Message = "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."
	}
	d.Status.Conditions = []appsv1.DeploymentCondition{available,
		{Type: appsv1.DeploymentProgressing, Status: "True", Reason: "NewReplicaSetAvailable",
			Message:        fmt.Sprintf("ReplicaSet %q has successfully progressed.", w.OwnerName),
			LastUpdateTime: updated, LastTransitionTime: created}}
	mf, err := c.workloadManagedFields(w, d, d.TypeMeta, d.Spec, d.Status)
	d.ManagedFields = mf
	return d, err
}

// DaemonSet builds workload i, which must be a DaemonSet.
func (c *Cluster) DaemonSet(i int) *appsv1.DaemonSet { return must(c.daemonSet(i)) }

func (c *Cluster) daemonSet(i int) (*appsv1.DaemonSet, error) {
	w := c.Workloads[i]
	d := &appsv1.DaemonSet{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"}, ObjectMeta: c.controllerMeta(w)}
	d.Annotations = map[string]string{"deprecated.daemonset.template.generation": "1"}
	one, zero := intstr.FromInt32(1), intstr.FromInt32(0)
	d.Spec = appsv1.DaemonSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: w.Selector}, Template: w.Template,
		UpdateStrategy:       appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType, RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: &one, MaxSurge: &zero}},
		RevisionHistoryLimit: ptr(int32(10)),
	}
	n, ready := int32(w.Replicas), int32(w.ready)
	d.Status = appsv1.DaemonSetStatus{CurrentNumberScheduled: n, DesiredNumberScheduled: n, NumberReady: ready,
		NumberAvailable: ready, NumberUnavailable: n - ready, UpdatedNumberScheduled: n, ObservedGeneration: 1}
	mf, err := c.workloadManagedFields(w, d, d.TypeMeta, d.Spec, d.Status)
	d.ManagedFields = mf
	return d, err
}

// PDB builds PodDisruptionBudget i.
func (c *Cluster) PDB(i int) *policyv1.PodDisruptionBudget { return must(c.pdb(i)) }

func (c *Cluster) pdb(i int) (*policyv1.PodDisruptionBudget, error) {
	b := c.PDBs[i]
	w := c.Workloads[b.Workload]
	p := &policyv1.PodDisruptionBudget{
		TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: b.Namespace, UID: types.UID(b.UID), Generation: 1,
			ResourceVersion: c.resourceVersion(c.statusTime(w, b.Created), i), CreationTimestamp: metav1.NewTime(b.Created), Labels: w.Labels},
		Spec: policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: w.Selector}},
	}
	if w.Manager == "helm" {
		p.Annotations = map[string]string{"meta.helm.sh/release-name": w.Name, "meta.helm.sh/release-namespace": w.Namespace}
	}
	expected, healthy := int32(w.Replicas), int32(w.ready)
	var desired int32
	switch {
	case b.MinAvailable != "":
		p.Spec.MinAvailable = intOrPercent(b.MinAvailable)
		desired = scaled(b.MinAvailable, expected, true)
	default:
		p.Spec.MaxUnavailable = intOrPercent(b.MaxUnavailable)
		desired = expected - scaled(b.MaxUnavailable, expected, false)
	}
	allowed := max(0, healthy-desired)
	cond := metav1.Condition{Type: policyv1.DisruptionAllowedCondition, Status: metav1.ConditionTrue, Reason: policyv1.SufficientPodsReason,
		ObservedGeneration: 1, LastTransitionTime: metav1.NewTime(c.statusTime(w, b.Created))}
	if allowed == 0 {
		cond.Status, cond.Reason = metav1.ConditionFalse, policyv1.InsufficientPodsReason
	}
	p.Status = policyv1.PodDisruptionBudgetStatus{ObservedGeneration: 1, DisruptionsAllowed: allowed, CurrentHealthy: healthy,
		DesiredHealthy: desired, ExpectedPods: expected, Conditions: []metav1.Condition{cond}}
	mf, err := c.workloadManagedFields(w, p, p.TypeMeta, p.Spec, p.Status)
	p.ManagedFields = mf
	return p, err
}

func intOrPercent(s string) *intstr.IntOrString {
	if strings.HasSuffix(s, "%") {
		return ptr(intstr.FromString(s))
	}
	n, _ := strconv.Atoi(s) // the plan only holds integers and percentages
	return ptr(intstr.FromInt32(int32(n)))
}

// scaled resolves an int-or-percent against n, rounding up (minAvailable) or down (maxUnavailable)
// as the disruption controller does.
func scaled(s string, n int32, up bool) int32 {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, _ := strconv.Atoi(p)
		f := float64(v) * float64(n) / 100
		if up {
			return int32(math.Ceil(f))
		}
		return int32(math.Floor(f))
	}
	v, _ := strconv.Atoi(s)
	return int32(v)
}

// must turns a build error into a panic. The builders only fail on a bug: New builds one object of
// every shape and returns the error there.
func must[T any](v T, err error) T {
	if err != nil {
		panic("gen: internal error: " + err.Error())
	}
	return v
}

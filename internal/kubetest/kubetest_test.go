package kubetest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/syspool/syspool/internal/kubetest"
)

const (
	labelMode = "kubernetes.azure.com/mode"
	labelPool = "kubernetes.azure.com/agentpool"
	// readersGroup is bound to a node-reading ClusterRole in the RBAC test.
	readersGroup = "syspool:node-readers"
)

// nodeSummary is what the test reads back from a Node: the fields a system
// pool audit relies on.
type nodeSummary struct {
	Labels         map[string]string
	Taints         []corev1.Taint
	Ready          corev1.ConditionStatus
	AllocatableCPU string
	KubeletVersion string
}

type podSummary struct {
	Namespace, Name    string
	NodeName           string
	Phase              corev1.PodPhase
	PodIP              string
	ServiceAccountName string
	Ready              bool
}

// TestEnv drives one control plane through the whole API of the package; the
// subtests run in order and the last one stops the API server.
func TestEnv(t *testing.T) {
	env := kubetest.Start(t, kubetest.Options{Users: map[string][]string{
		"nobody":      nil,
		"node-reader": {readersGroup},
	}})
	admin := clientset(t, env.AdminConfig())

	env.CreateNamespace(t, "workloads")

	nodes := []struct {
		name, mode string
		ready      corev1.ConditionStatus
		taints     []corev1.Taint
	}{
		{
			name:   "aks-system-12345678-vmss000000",
			mode:   "system",
			ready:  corev1.ConditionTrue,
			taints: []corev1.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: corev1.TaintEffectNoSchedule}},
		},
		{name: "aks-user-12345678-vmss000000", mode: "user", ready: corev1.ConditionFalse},
	}
	pods := []struct {
		namespace, name, node string
	}{
		{namespace: metav1.NamespaceSystem, name: "coredns-6f4b8d6c8-abcde", node: nodes[0].name},
		{namespace: "workloads", name: "web-0", node: nodes[1].name},
	}

	t.Run("nodes", func(t *testing.T) {
		for _, n := range nodes {
			env.CreateNode(t, aksNode(n.name, n.mode, n.ready, n.taints))
		}
		for _, n := range nodes {
			t.Run(n.name, func(t *testing.T) {
				list, err := admin.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{LabelSelector: labelMode + "=" + n.mode})
				if err != nil {
					t.Fatalf("list %s nodes: %v", n.mode, err)
				}
				if len(list.Items) != 1 {
					t.Fatalf("listed %d %s nodes, want 1", len(list.Items), n.mode)
				}
				want := nodeSummary{
					Labels:         aksNode(n.name, n.mode, n.ready, nil).Labels,
					Taints:         n.taints,
					Ready:          n.ready,
					AllocatableCPU: "3860m",
					KubeletVersion: "v1.37.2",
				}
				if diff := cmp.Diff(want, summarizeNode(list.Items[0])); diff != "" {
					t.Errorf("node %s read back differs (-want +got):\n%s", n.name, diff)
				}
			})
		}
	})

	// A kubelet keeps reporting status; tests change it with ApplyNodeStatus.
	t.Run("apply node status", func(t *testing.T) {
		n := nodes[1]
		node := aksNode(n.name, n.mode, corev1.ConditionTrue, n.taints)
		node.Status.Allocatable[corev1.ResourceCPU] = resource.MustParse("3")
		if _, err := kubetest.ApplyNodeStatus(t.Context(), admin, node); err != nil {
			t.Fatal(err)
		}
		got, err := admin.CoreV1().Nodes().Get(t.Context(), n.name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get node %s: %v", n.name, err)
		}
		want := nodeSummary{
			Labels: node.Labels, Taints: n.taints, Ready: corev1.ConditionTrue,
			AllocatableCPU: "3", KubeletVersion: "v1.37.2",
		}
		if diff := cmp.Diff(want, summarizeNode(*got)); diff != "" {
			t.Errorf("node %s after ApplyNodeStatus differs (-want +got):\n%s", n.name, diff)
		}
	})

	t.Run("pods", func(t *testing.T) {
		for _, p := range pods {
			env.CreatePod(t, runningPod(p.namespace, p.name, p.node))
		}
		for _, p := range pods {
			t.Run(p.name, func(t *testing.T) {
				list, err := admin.CoreV1().Pods(metav1.NamespaceAll).List(t.Context(),
					metav1.ListOptions{FieldSelector: "spec.nodeName=" + p.node})
				if err != nil {
					t.Fatalf("list pods on %s: %v", p.node, err)
				}
				if len(list.Items) != 1 {
					t.Fatalf("listed %d pods on %s, want 1", len(list.Items), p.node)
				}
				want := podSummary{
					Namespace: p.namespace, Name: p.name, NodeName: p.node,
					Phase: corev1.PodRunning, PodIP: "10.244.0.10",
					// Filled in by the ServiceAccount admission plugin, which
					// admitted the pod only because the helpers created it.
					ServiceAccountName: "default",
					Ready:              true,
				}
				if diff := cmp.Diff(want, summarizePod(list.Items[0])); diff != "" {
					t.Errorf("pod %s/%s read back differs (-want +got):\n%s", p.namespace, p.name, diff)
				}
			})
		}
	})

	t.Run("rbac", func(t *testing.T) {
		grantNodeRead(t, admin)
		tests := []struct {
			user          string
			what          string
			call          func(ctx context.Context, cs kubernetes.Interface) error
			wantForbidden bool
		}{
			{user: kubetest.AdminUser, what: "list nodes", call: listNodes},
			{user: kubetest.AdminUser, what: "list kube-system pods", call: listSystemPods},
			{user: "nobody", what: "list nodes", call: listNodes, wantForbidden: true},
			{user: "nobody", what: "list kube-system pods", call: listSystemPods, wantForbidden: true},
			{user: "node-reader", what: "list nodes", call: listNodes},
			{user: "node-reader", what: "list kube-system pods", call: listSystemPods, wantForbidden: true},
		}
		for _, tt := range tests {
			t.Run(tt.user+" "+tt.what, func(t *testing.T) {
				err := tt.call(t.Context(), clientset(t, env.UserConfig(tt.user)))
				checkForbidden(t, err, tt.wantForbidden)
			})
		}
	})

	t.Run("kubeconfig", func(t *testing.T) {
		path := env.KubeconfigFile("nobody")
		tests := []struct {
			context       string // as given to --context; empty keeps the current one
			wantForbidden bool
		}{
			{context: "", wantForbidden: true},
			{context: "nobody", wantForbidden: true},
			{context: kubetest.AdminUser},
		}
		for _, tt := range tests {
			t.Run("context="+tt.context, func(t *testing.T) {
				loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
					&clientcmd.ClientConfigLoadingRules{ExplicitPath: path},
					&clientcmd.ConfigOverrides{CurrentContext: tt.context})
				cfg, err := loader.ClientConfig()
				if err != nil {
					t.Fatalf("load kubeconfig %s: %v", path, err)
				}
				checkForbidden(t, listNodes(t.Context(), clientset(t, cfg)), tt.wantForbidden)
			})
		}
	})

	// Last: nothing can talk to the cluster afterwards.
	t.Run("stopped apiserver", func(t *testing.T) {
		env.StopAPIServer()
		start := time.Now()
		_, err := admin.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
		if err == nil {
			t.Fatal("listing nodes after StopAPIServer succeeded; want an error")
		}
		// A dead server must surface as a transport error, not as an API
		// answer that a caller could mistake for "no such object".
		var status apierrors.APIStatus
		if errors.As(err, &status) {
			t.Errorf("error after StopAPIServer is an API status (%v); want a connection error", err)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("list against a stopped API server took %s; want a prompt error", took)
		}
	})
}

func clientset(t *testing.T, cfg *rest.Config) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("build clientset for %s: %v", cfg.Host, err)
	}
	return cs
}

func listNodes(ctx context.Context, cs kubernetes.Interface) error {
	_, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	return err
}

func listSystemPods(ctx context.Context, cs kubernetes.Interface) error {
	_, err := cs.CoreV1().Pods(metav1.NamespaceSystem).List(ctx, metav1.ListOptions{})
	return err
}

// checkForbidden fails t unless err is a 403 when wantForbidden, or nil
// otherwise. Any other error (connection, 401) fails in both cases, so a
// broken setup cannot pass for a working denial.
func checkForbidden(t *testing.T, err error, wantForbidden bool) {
	t.Helper()
	switch {
	case wantForbidden && !apierrors.IsForbidden(err):
		t.Errorf("got error %v, want 403 Forbidden", err)
	case !wantForbidden && err != nil:
		t.Errorf("got error %v, want success", err)
	}
}

func aksNode(name, mode string, ready corev1.ConditionStatus, taints []corev1.Taint) *corev1.Node {
	now := metav1.NewTime(time.Now())
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: name,
			Labels: map[string]string{
				labelMode:                          mode,
				labelPool:                          mode,
				"agentpool":                        mode,
				"kubernetes.io/os":                 "linux",
				"node.kubernetes.io/instance-type": "Standard_D4ds_v5",
				"topology.kubernetes.io/zone":      "eastus-1",
			},
		},
		Spec: corev1.NodeSpec{
			ProviderID: "azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mc_rg_aks_eastus/" +
				"providers/Microsoft.Compute/virtualMachineScaleSets/aks-" + mode + "-12345678-vmss/virtualMachines/0",
			Taints: taints,
		},
		Status: corev1.NodeStatus{
			Capacity: corev1.ResourceList{
				corev1.ResourceCPU:    resource.MustParse("4"),
				corev1.ResourceMemory: resource.MustParse("16Gi"),
				corev1.ResourcePods:   resource.MustParse("110"),
			},
			Allocatable: corev1.ResourceList{
				corev1.ResourceCPU:    resource.MustParse("3860m"),
				corev1.ResourceMemory: resource.MustParse("12Gi"),
				corev1.ResourcePods:   resource.MustParse("110"),
			},
			Conditions: []corev1.NodeCondition{{
				Type: corev1.NodeReady, Status: ready, Reason: "KubeletReady",
				LastHeartbeatTime: now, LastTransitionTime: now,
			}},
			Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.224.0.4"}, {Type: corev1.NodeHostName, Address: name}},
			NodeInfo: corev1.NodeSystemInfo{
				KubeletVersion: "v1.37.2", OSImage: "Ubuntu 22.04.5 LTS", OperatingSystem: "linux", Architecture: "amd64",
				ContainerRuntimeVersion: "containerd://2.1.4",
			},
		},
	}
}

func runningPod(namespace, name, node string) *corev1.Pod {
	now := metav1.NewTime(time.Now())
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: map[string]string{"app": name}},
		Spec: corev1.PodSpec{
			NodeName:          node,
			PriorityClassName: "system-cluster-critical",
			Tolerations:       []corev1.Toleration{{Key: "CriticalAddonsOnly", Operator: corev1.TolerationOpExists}},
			Containers:        []corev1.Container{{Name: "main", Image: "mcr.microsoft.com/oss/kubernetes/pause:3.10"}},
		},
		Status: corev1.PodStatus{
			Phase:      corev1.PodRunning,
			HostIP:     "10.224.0.4",
			HostIPs:    []corev1.HostIP{{IP: "10.224.0.4"}},
			PodIP:      "10.244.0.10",
			PodIPs:     []corev1.PodIP{{IP: "10.244.0.10"}},
			StartTime:  &now,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now}},
			ContainerStatuses: []corev1.ContainerStatus{{
				Name: "main", Ready: true, Image: "mcr.microsoft.com/oss/kubernetes/pause:3.10",
				ImageID: "mcr.microsoft.com/oss/kubernetes/pause@sha256:0000000000000000000000000000000000000000000000000000000000000000",
				State:   corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
			}},
		},
	}
}

func summarizeNode(n corev1.Node) nodeSummary {
	s := nodeSummary{Labels: n.Labels, Taints: n.Spec.Taints, KubeletVersion: n.Status.NodeInfo.KubeletVersion}
	cpu := n.Status.Allocatable[corev1.ResourceCPU]
	s.AllocatableCPU = cpu.String()
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			s.Ready = c.Status
		}
	}
	return s
}

func summarizePod(p corev1.Pod) podSummary {
	s := podSummary{
		Namespace: p.Namespace, Name: p.Name, NodeName: p.Spec.NodeName, Phase: p.Status.Phase,
		PodIP: p.Status.PodIP, ServiceAccountName: p.Spec.ServiceAccountName,
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			s.Ready = c.Status == corev1.ConditionTrue
		}
	}
	return s
}

// grantNodeRead binds a get/list-nodes ClusterRole to readersGroup and waits
// until the authorizer, which reads RBAC from an informer, has seen it.
func grantNodeRead(t *testing.T, admin kubernetes.Interface) {
	t.Helper()
	ctx := t.Context()
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "syspool-node-reader"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"get", "list"}}},
	}
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create cluster role: %v", err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "syspool-node-readers"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: readersGroup}},
	}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create cluster role binding: %v", err)
	}
	// Not the test's subject, only its precondition: poll the admin's view of
	// the reader's permission instead of retrying the assertions themselves.
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User:               "node-reader",
			Groups:             []string{readersGroup},
			ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "list", Resource: "nodes"},
		}}
		review, err := admin.AuthorizationV1().SubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
		if err != nil {
			return false, err
		}
		return review.Status.Allowed, nil
	})
	if err != nil {
		t.Fatalf("wait for the node-reader binding to take effect: %v", err)
	}
}

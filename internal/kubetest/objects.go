package kubetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

// helperTimeout bounds each helper's API calls, so a wedged API server fails
// the test with a message instead of running into go test's timeout.
const helperTimeout = 30 * time.Second

// The helpers below take the t of the calling test rather than using the one
// given to Start: a failure must stop the (sub)test that made the call, and
// FailNow is only valid on the goroutine of its own test.

// CreateNamespace creates a namespace and its "default" ServiceAccount, the
// one the ServiceAccount admission plugin requires before it admits a Pod and
// that only kube-controller-manager would otherwise create.
func (e *Env) CreateNamespace(t testing.TB, name string) *corev1.Namespace {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), helperTimeout)
	defer cancel()
	ns, err := e.AdminClient().CoreV1().Namespaces().Create(ctx,
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("kubetest: create namespace %s: %v", name, err)
	}
	if err := ensureDefaultServiceAccount(ctx, e.AdminClient(), name); err != nil {
		t.Fatalf("kubetest: %v", err)
	}
	return ns
}

// createDefaultServiceAccounts does for the namespaces that exist from the
// start what CreateNamespace does for new ones. AKS's system pods live in
// kube-system, so that one matters most.
func (cp *ControlPlane) createDefaultServiceAccounts(ctx context.Context) error {
	cfg, err := cp.UserConfig(AdminUser)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("admin clientset: %w", err)
	}
	for _, ns := range []string{metav1.NamespaceDefault, metav1.NamespaceSystem} {
		// kube-system is created by an API server loop that need not have run
		// before /readyz; create it if it is still missing.
		_, err := cs.CoreV1().Namespaces().Create(ctx,
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s: %w", ns, err)
		}
		if err := ensureDefaultServiceAccount(ctx, cs, ns); err != nil {
			return err
		}
	}
	return nil
}

func ensureDefaultServiceAccount(ctx context.Context, cs kubernetes.Interface, ns string) error {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}}
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create default service account in %s: %w", ns, err)
	}
	return nil
}

// CreateNode creates node, status included: unlike a Pod's, a Node's status
// is stored on create, the way a kubelet registers itself. Use ApplyNodeStatus
// to change it later.
func (e *Env) CreateNode(t testing.TB, node *corev1.Node) *corev1.Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), helperTimeout)
	defer cancel()
	created, err := e.AdminClient().CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("kubetest: create node %s: %v", node.Name, err)
	}
	return created
}

// CreatePod creates pod and then, when pod.Status.Phase is set, applies
// pod.Status through the status subresource: the API server resets a Pod's
// status to Pending on create. Set pod.Spec.NodeName to place it on a Node:
// nothing schedules it.
func (e *Env) CreatePod(t testing.TB, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), helperTimeout)
	defer cancel()
	created, err := e.AdminClient().CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("kubetest: create pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	if pod.Status.Phase == "" {
		return created
	}
	updated, err := ApplyPodStatus(ctx, e.AdminClient(), pod)
	if err != nil {
		t.Fatalf("kubetest: %v", err)
	}
	return updated
}

// ApplyNodeStatus replaces the status of the existing Node named node.Name
// with node.Status through the status subresource, the only way to change it
// after creation (an update of the Node itself ignores status). It retries on
// conflicts with other writers.
func ApplyNodeStatus(ctx context.Context, cs kubernetes.Interface, node *corev1.Node) (*corev1.Node, error) {
	var updated *corev1.Node
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current, err := cs.CoreV1().Nodes().Get(ctx, node.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		current.Status = *node.Status.DeepCopy()
		updated, err = cs.CoreV1().Nodes().UpdateStatus(ctx, current, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update status of node %s: %w", node.Name, err)
	}
	return updated, nil
}

// ApplyPodStatus replaces the status of the existing Pod pod.Namespace/pod.Name
// with pod.Status through the status subresource. The QoS class is computed by
// the API server at creation and may not change, so an empty one in pod.Status
// keeps the computed value.
func ApplyPodStatus(ctx context.Context, cs kubernetes.Interface, pod *corev1.Pod) (*corev1.Pod, error) {
	var updated *corev1.Pod
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current, err := cs.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		status := *pod.Status.DeepCopy()
		if status.QOSClass == "" {
			status.QOSClass = current.Status.QOSClass
		}
		current.Status = status
		updated, err = cs.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, current, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update status of pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return updated, nil
}

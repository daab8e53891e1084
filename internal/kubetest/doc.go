// Package kubetest runs a real etcd and kube-apiserver on loopback for
// integration tests, so collectors and commands are tested against the API
// server's own validation, defaulting, RBAC and error behaviour instead of a
// fake clientset.
//
// The binaries come from hack/testbin.sh, which builds them from Go modules and
// prints the directory that holds them:
//
//	SYSPOOL_TESTBIN=$(bash hack/testbin.sh) go test ./internal/kubetest/
//
// Without SYSPOOL_TESTBIN, [Start] skips the test, unless CI=true or
// SYSPOOL_REQUIRE_INTEGRATION=1, where it fails it: a CI run must never pass by
// silently skipping its integration tests.
//
// Each [Start] runs its own etcd and kube-apiserver on free ports with a fresh
// data directory, so tests and packages may run in parallel (about 300 MB of
// memory and a few seconds of start-up each). Everything is stopped and removed
// by t.Cleanup, also when the test fails; on Linux the processes are killed as
// well if the test binary itself dies.
//
// # What a bare control plane lacks
//
// Only etcd and kube-apiserver run: there is no kube-controller-manager, no
// scheduler and no kubelet. Consequences for tests:
//
//   - No controller creates the "default" ServiceAccount of a namespace, and
//     the ServiceAccount admission plugin rejects Pods without one. [Start]
//     creates it in "default" and "kube-system", and [Env.CreateNamespace]
//     creates it in new namespaces, as the ServiceAccount controller would.
//   - Nothing reports Node or Pod status. A Node's status is stored as given
//     on create (as when a kubelet registers), but a Pod's is reset to
//     Pending, and later changes to either go only through the status
//     subresource: use [Env.CreatePod], which creates and then applies the
//     status, and [ApplyNodeStatus] and [ApplyPodStatus] for changes.
//   - The TaintNodesByCondition admission plugin is disabled: it adds the
//     node.kubernetes.io/not-ready taint to every new Node, and only the node
//     lifecycle controller would remove it once the Node is Ready. Disabled, a
//     Node keeps exactly the taints a test gives it, which is the steady state
//     of a real cluster.
//   - Pods are placed by setting spec.nodeName; nothing schedules them.
//     Deleting a Pod leaves it terminating until it is deleted with a grace
//     period of zero, because no kubelet confirms the deletion.
//   - Deployments, DaemonSets and ReplicaSets can be created and read, but no
//     controller creates their Pods or fills their status.
//   - Admission defaulting still runs: Pods gain the default not-ready and
//     unreachable tolerations and a projected ServiceAccount token volume.
package kubetest

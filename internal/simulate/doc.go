// Package simulate answers "what if" questions about one snapshot: lose the largest node, lose a
// zone, drain, remove or scale a pool, add a pool, change a pool's taints, surge-upgrade a pool.
// It re-places the pods that a scenario displaces on the nodes that remain (and on the nodes the
// scenario adds), consumes PodDisruptionBudgets across the whole drain, and reports every pod that
// would not fit, with the nodes counted per reason as the scheduler's FailedScheduling event counts
// them and the few nodes that came closest, and every budget that would block, with the
// arithmetic. It is a pure library over snapshot values: no CLI, no I/O, no clock.
//
// # Scheduling model
//
// Filters are the kube-scheduler's, evaluated through k8s.io/component-helpers on minimal corev1
// objects built from the snapshot (convert.go), in the scheduler's plugin order:
// NodeUnschedulable (cordoned nodes), TaintToleration (NoSchedule and NoExecute taints,
// FindMatchingUntoleratedTaint), NodeAffinity (nodeSelector and required node affinity,
// nodeaffinity.GetRequiredNodeAffinity(pod).Match), NodeResourcesFit (requests against
// allocatable, the pod count against allocatable pods, i.e. maxPods), PodTopologySpread
// (DoNotSchedule constraints only) and InterPodAffinity (required anti-affinity, both ways).
// Nodes that are not Ready receive nothing.
//
// Placement is greedy and deterministic. Pods go in a stable order: priority class first
// (system-node-critical, then system-cluster-critical), then kube-system before other namespaces,
// then larger CPU and memory requests first, then namespace and name. Ordering by priority stands
// in for preemption: a system pod is placed before an application pod could take its room. Each
// pod goes to the feasible node that scores best, which mirrors the scheduler's default scoring:
// kube-system pods prefer nodes labelled kubernetes.azure.com/mode=system (AKS add-ons carry that
// preferred node affinity), then nodes with fewer untolerated PreferNoSchedule taints
// (TaintToleration score), then the least-allocated node after placement (NodeResourcesFit's
// default LeastAllocated strategy), then the node name. Greedy placement can miss a packing that
// exists; it never claims a fit that does not. A pod that finds no node stays Pending for the rest
// of the simulation: it is not retried when room appears later. That is also why a scenario may
// stop after the last kube-system pod in this order (Scenario.StopAfterSystem): nothing placed
// after it can change where a kube-system pod went.
//
// The filters that read only the pod's template and the node (readiness, cordons, taints,
// nodeSelector, node affinity) run once per distinct template and node in each batch, not once
// per pod: the replicas of a workload share them, and nothing they read changes while a batch's
// pods are placed.
//
// What is not modelled, and said in every outcome's assumptions: the cluster autoscaler adding
// nodes, preemption beyond the ordering above, preferred (soft) affinity and spread, volume
// topology, host ports, and pod affinity (as opposed to anti-affinity).
//
// # Disruption budgets
//
// Voluntary scenarios (drain, remove, scale down, surge upgrade) evict through the eviction API,
// so PDBs apply. Evictions within one batch of nodes are retried until the replacements are
// Ready, so a budget with at least one disruption allowed lets any number of replaceable pods
// through, one at a time; a pod that cannot be placed anywhere keeps its disruption for good.
// A batch is blocked by a PDB when the disruptions it needs exceed the budget left:
// needed = (pods that find no node) + (1 if any pod finds one). This counts the worst eviction
// order, on purpose. Budgets carry over from batch to batch. A pod selected by more than one PDB
// cannot be evicted at all (the eviction API answers HTTP 500). Involuntary scenarios (losing a
// node or a zone) consult no budget but report the ones that would be violated.
package simulate

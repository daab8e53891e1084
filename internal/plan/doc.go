// Package plan turns a requested change to an AKS cluster's pools (add, resize, replace, upgrade,
// remove) into an ordered runbook over one snapshot. It is a pure library: it reads a snapshot,
// asks internal/simulate what each step does to the pods, and returns a Plan; it never runs a
// command, and `syspool plan` only prints what it returns.
//
// # Steps
//
// Every step carries its exact commands (az with --subscription, -g and --cluster-name; kubectl
// with --context when the capture recorded one; placeholders such as <subscription> when it did
// not, never a guess), its class (read-only, cost-impacting, mutating), the gate that must hold
// before it with the read-only command that shows it and what the output must say, the validation
// after it, and its rollback. Gates and effects are also machine-readable (Check.Requires,
// Step.Effect) so the safety property can be checked on the plan itself.
//
// The shapes follow what an AKS operator does by hand:
//   - replace and resize: add the new pool; once it is Succeeded with every node Ready, cordon the
//     old pool; then either drain its nodes one at a time (retire=delete) and delete it once the
//     kube-system pods run on the new pool, or restart only the kube-system workloads
//     (retire=demote), make the old pool a User pool and uncordon it for applications.
//   - remove: cordon, drain node by node, delete; a System pool only while another System pool is
//     healthy, and only after that pool runs the kube-system pods.
//   - upgrade: `az aks nodepool upgrade`, gated on the control plane and the PDBs, with the batches
//     AKS will roll simulated from maxSurge, drainTimeoutInMinutes and undrainableNodeBehavior.
//
// # Safety
//
// No plan has a step after which the cluster has no healthy System pool (when it had one), and no
// plan deletes or demotes a System pool unless the gate of that step verifies another System pool
// is Succeeded, has Ready nodes and runs the kube-system pods. safety_test.go checks this on
// thousands of generated clusters, including single System pools, failed and stopped pools, and
// Spot and Windows pools. Requests AKS refuses are refused with the reason and the source
// (validate.go, after /work/shared/research/aks-rules.md §1).
//
// # Durations
//
// A plan's duration is the sum of its steps' ranges (simulate.DurationModel): new nodes 3–10
// minutes; a kubectl drain from 1 minute to its timeout (the pool's drainTimeoutInMinutes, else
// 30); a surge upgrade adds its surge nodes once and then, per batch of maxSurge nodes, a drain
// (1 minute to the drain timeout), the soak time and a reimage (4–10 minutes); a pool update 1–5
// minutes; a pool delete 2–10 minutes. AKS publishes no such timings: the minimums are observed
// ones, the maximums our allowance, and a blocked drain costs exactly its timeout.
package plan

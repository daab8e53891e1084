// Package gen generates AKS-shaped clusters of any size, deterministically from a seed, for
// syspool's benchmarks and tests: the capture files users save with az and kubectl (WriteDir), and
// the same cluster created in a running API server through client-go (Load), so offline and live
// measurements and tests see one cluster.
//
// # What a cluster holds
//
// A system pool (tainted CriticalAddonsOnly, three zones, about one node per 250) and user pools
// cycling through AKS-typical profiles (general purpose, memory and compute optimized, Spot,
// Arm64, a non-zonal batch pool), each node labelled as AKS labels them. kube-system runs coredns
// (scaled like AKS's coredns-autoscaler), coredns-autoscaler, konnectivity-agent, metrics-server
// and ama-logs-rs, mostly on the system pool, and seven DaemonSets on every node (kube-proxy,
// azure-cns, azure-ip-masq-agent, cloud-node-manager, csi-azuredisk-node, csi-azurefile-node,
// ama-logs). The remaining pods belong to teams' Deployments, StatefulSets and CronJob-made Jobs
// spread over the user pools, a third of the Deployments with a PodDisruptionBudget.
//
// Planted for an audit to find, at every size (Cluster.Expect lists them, computed from the
// finished plan): two coredns replicas and one metrics-server replica on user pools; an app
// Deployment tolerating every taint with three pods on system nodes; one pod in CrashLoopBackOff;
// one Pending pod; one NotReady node; one PDB with maxUnavailable 0.
//
// # Output
//
// Files are laid out byte for byte as the tools print them: kubectl's List (apiVersion, items,
// kind, metadata; keys sorted; four-space indent) and the az CLI's sorted, two-space JSON with its
// own key spellings and nulls. Like `kubectl get -o json` since kubectl 1.21, the files omit
// managedFields unless Cluster.ManagedFields is set (kubectl's --show-managed-fields); the field
// sets are then computed with structured-merge-diff, as the API server computes them.
//
// Objects are built as k8s.io/api types, encoded with encoding/json, and re-laid-out by a one-pass
// layout that sorts keys and indents (kjson.go): 44 µs a pod in all, five times faster than
// kubectl's own way (decode into maps, json.MarshalIndent), and one source of truth for the files
// and for Load, where a hand-written template writer would need a second one to save at most the
// encoding (docs/performance.md has the measurements). Rendering runs on every CPU in chunks
// written in order, so memory is bounded by the plan, not by the output: a 5,000-node,
// 150,000-pod capture (1.7 GB) is written in about 10 s with a peak RSS of about 320 MiB.
package gen

package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/checks"
	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/gen"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// benchNow is the capture time of every benchmarked snapshot.
var benchNow = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// BenchmarkRunAll runs every built-in rule on generated clusters up to the largest Kubernetes and
// AKS support (5,000 nodes, 150,000 pods). The snapshot is built from internal/gen's objects with
// the converters the offline reader and the live collector share, not by decoding JSON: decoding
// 1.5 GB takes minutes and is measured by internal/collect/files' own benchmarks, while this one is
// about the rules. Select a size with -bench 'RunAll/nodes=5000'.
func BenchmarkRunAll(b *testing.B) {
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []gen.Params{gen.Small, {Nodes: 1000, Pods: 30000, Pools: 40, Seed: 1}, gen.Full} {
		b.Run(fmt.Sprintf("nodes=%d/pods=%d", p.Nodes, p.Pods), func(b *testing.B) {
			s := generated(b, p)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, ok := cpuTime()
			for b.Loop() {
				engine.Run(s, engine.Options{Registry: reg, Now: benchNow})
			}
			// The machine this runs on is shared: wall time per op moves with the load, the CPU
			// time the process used (garbage collection included) much less.
			if cpu1, _ := cpuTime(); ok {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// generated builds the snapshot of the cluster p describes as the offline reader would from its
// capture files: the az documents (a few kilobytes) go through files.CollectDocuments, the
// Kubernetes objects through files.Convert*, then the reader's sort and join.
func generated(b *testing.B, p gen.Params) *snapshot.Snapshot {
	b.Helper()
	c, err := gen.New(p)
	if err != nil {
		b.Fatal(err)
	}
	var docs []files.Document
	for name, v := range map[string]any{"cluster.json": c.ManagedCluster(), "nodepools.json": c.AgentPools()} {
		data, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, files.Document{Name: name, Data: data})
	}
	s, err := files.CollectDocuments(context.Background(), docs, files.Options{Now: func() time.Time { return benchNow }})
	if err != nil {
		b.Fatal(err)
	}
	s.Nodes = make([]snapshot.Node, 0, len(c.Nodes))
	for i := range c.Nodes {
		s.Nodes = append(s.Nodes, files.ConvertNode(c.Node(i)))
	}
	s.Pods = make([]snapshot.Pod, 0, len(c.Pods))
	for i := range c.Pods {
		s.Pods = append(s.Pods, files.ConvertPod(c.Pod(i)))
	}
	for i := range c.PDBs {
		s.PDBs = append(s.PDBs, files.ConvertPDB(c.PDB(i)))
	}
	for _, i := range c.Deployments() {
		s.Workloads = append(s.Workloads, files.ConvertDeployment(c.Deployment(i)))
	}
	for _, i := range c.DaemonSets() {
		s.Workloads = append(s.Workloads, files.ConvertDaemonSet(c.DaemonSet(i)))
	}
	for _, k := range []snapshot.DataKind{snapshot.KindNodes, snapshot.KindPods, snapshot.KindDeployments,
		snapshot.KindDaemonSets, snapshot.KindPDBs} {
		s.Coverage[k] = snapshot.KindCoverage{Present: true}
	}
	files.SortObjects(s)
	s.Notes = append(s.Notes, snapshot.Join(s)...)
	return s
}

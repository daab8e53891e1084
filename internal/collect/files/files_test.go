package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	goldenfile "github.com/syspool/syspool/internal/golden"
	"github.com/syspool/syspool/internal/snapshot"
)

var testNow = time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)

func collectPaths(t *testing.T, paths ...string) (*snapshot.Snapshot, error) {
	t.Helper()
	return New(Options{Paths: paths, Now: func() time.Time { return testNow }, ToolVersion: "test"}).Collect(context.Background())
}

func mustCollect(t *testing.T, paths ...string) *snapshot.Snapshot {
	t.Helper()
	s, err := collectPaths(t, paths...)
	if err != nil {
		t.Fatalf("Collect(%v): %v", paths, err)
	}
	return s
}

// golden compares got with testdata/golden/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.File(t, filepath.Join("golden", name), got)
}

// TestFormats reads every supported format and pins the whole snapshot in a golden file.
func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paths []string
	}{
		{"arm-managedcluster", []string{"testdata/arm/managedcluster.json"}},
		{"arm-agentpools-list", []string{"testdata/arm/agentpools.json"}},
		{"arm-agentpool", []string{"testdata/arm/agentpool-sys.json"}},
		{"az-aks-show", []string{"testdata/az/aks-show.json"}},
		{"az-nodepool-list", []string{"testdata/az/nodepool-list.json"}},
		{"az-nodepool-show", []string{"testdata/az/nodepool-show-sys.json"}},
		{"kubectl-nodes-json", []string{"testdata/kube/nodes.json"}},
		{"kubectl-nodes-raw-api", []string{"testdata/kube/nodes-raw-api.json"}},
		{"kubectl-pods", []string{"testdata/kube/pods-all.json"}},
		{"kubectl-pods-kube-system-yaml", []string{"testdata/kube/pods-kube-system.yaml"}},
		{"kubectl-pod-single", []string{"testdata/kube/pod-single.json"}},
		{"kubectl-mixed-list", []string{"testdata/az/nodepool-list.json", "testdata/kube/mixed-nodes-pods.json"}},
		{"kubectl-multidoc-yaml", []string{"testdata/kube/workloads.yaml", "testdata/kube/pdbs.json"}},
		{"automatic", []string{"testdata/automatic/aks-show.json"}},
		{"stopped", []string{"testdata/stopped/aks-show.json"}},
		{"old-api-no-mode", []string{"testdata/oldapi/managedcluster.json"}},
		{"full", []string{"testdata/az", "testdata/kube/nodes.json", "testdata/kube/pods-all.json",
			"testdata/kube/pdbs.json", "testdata/kube/workloads.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustCollect(t, tc.paths...)
			var buf bytes.Buffer
			if err := snapshot.Encode(&buf, s); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".json", buf.Bytes())
			// What was written must read back as the same snapshot.
			back, err := snapshot.Decode(buf.Bytes())
			if err != nil {
				t.Fatalf("decode own output: %v", err)
			}
			if diff := cmp.Diff(s, back); diff != "" {
				t.Errorf("round trip (-collected +decoded):\n%s", diff)
			}
		})
	}
}

// TestPoolSpellingsAgree proves that ARM and az spellings of the same pool (and the copies embedded
// in the managed-cluster documents) decode to the same snapshot.Pool.
func TestPoolSpellingsAgree(t *testing.T) {
	want := mustCollect(t, "testdata/arm/agentpools.json").Pools
	if len(want) != 2 {
		t.Fatalf("want 2 pools from the ARM list, got %d", len(want))
	}
	for _, path := range []string{
		"testdata/arm/managedcluster.json",
		"testdata/az/aks-show.json",
		"testdata/az/nodepool-list.json",
	} {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			if diff := cmp.Diff(want, mustCollect(t, path).Pools); diff != "" {
				t.Errorf("pools differ from the ARM list (-arm +this):\n%s", diff)
			}
		})
	}
	t.Run("single pool documents", func(t *testing.T) {
		arm := mustCollect(t, "testdata/arm/agentpool-sys.json").Pools
		az := mustCollect(t, "testdata/az/nodepool-show-sys.json").Pools
		if diff := cmp.Diff(arm, az); diff != "" {
			t.Errorf("ARM agentPool vs az nodepool show (-arm +az):\n%s", diff)
		}
		if diff := cmp.Diff(want[1], az[0]); diff != "" {
			t.Errorf("single pool vs the list's (-list +single):\n%s", diff)
		}
	})
	t.Run("cluster", func(t *testing.T) {
		arm := mustCollect(t, "testdata/arm/managedcluster.json").Cluster
		az := mustCollect(t, "testdata/az/aks-show.json").Cluster
		if diff := cmp.Diff(arm, az); diff != "" {
			t.Errorf("ARM vs az aks show (-arm +az):\n%s", diff)
		}
	})
}

func TestYAMLMatchesJSON(t *testing.T) {
	j := mustCollect(t, "testdata/kube/nodes.json")
	y := mustCollect(t, "testdata/kube/nodes.yaml")
	if diff := cmp.Diff(j.Nodes, y.Nodes); diff != "" {
		t.Errorf("nodes from YAML differ from JSON (-json +yaml):\n%s", diff)
	}
	all := mustCollect(t, "testdata/kube/pods-all.json")
	ks := mustCollect(t, "testdata/kube/pods-kube-system.yaml")
	var want []snapshot.Pod
	for _, p := range all.Pods {
		if p.Namespace == "kube-system" {
			want = append(want, p)
		}
	}
	if diff := cmp.Diff(want, ks.Pods); diff != "" {
		t.Errorf("kube-system pods from YAML differ from JSON (-json +yaml):\n%s", diff)
	}
}

func TestPodRequests(t *testing.T) {
	s := mustCollect(t, "testdata/kube/pods-all.json")
	got := map[string]snapshot.Resources{}
	for _, p := range s.Pods {
		got[p.Name] = p.Requests
	}
	const mi = 1 << 20
	for name, want := range map[string]snapshot.Resources{
		// An init container that asks for more than the containers together sets the request.
		"metrics-server-7b9f8d6c4-pl2vn": {MilliCPU: 500, MemoryBytes: 125 * mi},
		// A sidecar (restartable init container) adds to the containers, and overhead on top.
		"konnectivity-agent-6f7d9c8b5-m2t4z": {MilliCPU: 35, MemoryBytes: 36 * mi},
		"redis-0":                            {MilliCPU: 250, MemoryBytes: 1536 * mi},
	} {
		if diff := cmp.Diff(want, got[name]); diff != "" {
			t.Errorf("%s requests (-want +got):\n%s", name, diff)
		}
	}
}

func TestSpecialClusters(t *testing.T) {
	t.Run("mode absent", func(t *testing.T) {
		s := mustCollect(t, "testdata/oldapi/managedcluster.json")
		p := s.Pools[0]
		if p.Mode != snapshot.ModeUser || !p.ModeDefaulted {
			t.Errorf("pool %s: mode %q defaulted %v; want User, defaulted", p.Name, p.Mode, p.ModeDefaulted)
		}
		if !hasNote(s, "has no mode") {
			t.Errorf("no note about the missing mode in %+v", s.Notes)
		}
	})
	t.Run("mode absent in the cluster but present in the pool list", func(t *testing.T) {
		s := mustCollect(t, "testdata/oldapi/managedcluster.json", "testdata/arm/agentpool-sys.json")
		if p := s.Pools[0]; p.Mode != snapshot.ModeSystem || p.ModeDefaulted {
			t.Errorf("mode %q defaulted %v; the dedicated pool document says System", p.Mode, p.ModeDefaulted)
		}
		if hasNote(s, "has no mode") {
			t.Errorf("unexpected note about the mode: %+v", s.Notes)
		}
	})
	t.Run("automatic", func(t *testing.T) {
		s := mustCollect(t, "testdata/automatic/aks-show.json")
		if !s.Cluster.HostedSystemPool || s.Cluster.SKUName != "Automatic" || s.Cluster.NodeProvisioningMode != "Auto" {
			t.Errorf("cluster = %+v; want hosted system pool, sku Automatic, NAP Auto", s.Cluster)
		}
		if !s.Coverage.Has(snapshot.KindPools) || len(s.Pools) != 0 {
			t.Errorf("pools: coverage %+v, %d pools; an empty agentPoolProfiles covers pools", s.Coverage, len(s.Pools))
		}
	})
	t.Run("stopped", func(t *testing.T) {
		s := mustCollect(t, "testdata/stopped/aks-show.json")
		if !s.Cluster.Stopped() {
			t.Errorf("cluster power state %q; want Stopped", s.Cluster.PowerState)
		}
		for _, p := range s.Pools {
			if p.PowerState != "Stopped" {
				t.Errorf("pool %s power state %q; want Stopped", p.Name, p.PowerState)
			}
		}
	})
	t.Run("pools disagree", func(t *testing.T) {
		dir := t.TempDir()
		b, err := os.ReadFile("testdata/az/nodepool-show-sys.json")
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.Replace(b, []byte(`"count": 3`), []byte(`"count": 5`), 1)
		write(t, filepath.Join(dir, "show.json"), b)
		s := mustCollect(t, "testdata/az/aks-show.json", filepath.Join(dir, "show.json"))
		if got := *s.Pools[1].Count; got != 5 {
			t.Errorf("count %d; the dedicated pool document (5) wins", got)
		}
		if !hasNote(s, "count 5 vs 3") {
			t.Errorf("no note about the differing count in %+v", s.Notes)
		}
	})
}

func hasNote(s *snapshot.Snapshot, part string) bool {
	for _, n := range s.Notes {
		if strings.Contains(n.Message, part) {
			return true
		}
	}
	return false
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCoverage(t *testing.T) {
	all := snapshot.KindCoverage{Present: true}
	for _, tc := range []struct {
		name  string
		paths []string
		want  snapshot.Coverage
	}{
		{"pods of kube-system only", []string{"testdata/kube/pods-kube-system.yaml"},
			snapshot.Coverage{snapshot.KindPods: {Present: true, Partial: true, Scope: "namespace kube-system"}}},
		{"pods of all namespaces", []string{"testdata/kube/pods-all.json"},
			snapshot.Coverage{snapshot.KindPods: all}},
		{"one pool", []string{"testdata/az/nodepool-show-sys.json"},
			snapshot.Coverage{snapshot.KindPools: {Present: true, Partial: true, Scope: "pool sys",
				Reason: "only pool sys was read (az aks nodepool show); other pools may exist"}}},
		{"one pool and the list", []string{"testdata/az/nodepool-show-sys.json", "testdata/arm/agentpools.json"},
			snapshot.Coverage{snapshot.KindPools: all}},
		{"cluster", []string{"testdata/az/aks-show.json"},
			snapshot.Coverage{snapshot.KindCluster: all, snapshot.KindPools: all}},
		{"workloads and pdbs", []string{"testdata/kube/workloads.yaml", "testdata/kube/pdbs.json"},
			snapshot.Coverage{snapshot.KindDeployments: all, snapshot.KindDaemonSets: all, snapshot.KindPDBs: all}},
		{"mixed list", []string{"testdata/kube/mixed-nodes-pods.json"},
			snapshot.Coverage{snapshot.KindNodes: all, snapshot.KindPods: all}},
		{"one pod by name", []string{"testdata/kube/pod-single.json"},
			snapshot.Coverage{snapshot.KindPods: {Present: true, Partial: true, Scope: "single objects shop/checkout-6d5f7c8b9-abcde",
				Reason: "only single objects shop/checkout-6d5f7c8b9-abcde were read, not a list of all pods"}}},
		{"a pod by name and the list", []string{"testdata/kube/pod-single.json", "testdata/kube/pods-all.json"},
			snapshot.Coverage{snapshot.KindPods: all}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustCollect(t, tc.paths...)
			if diff := cmp.Diff(tc.want, s.Coverage); diff != "" {
				t.Errorf("coverage (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("kube-system pods satisfy the kube-system need only", func(t *testing.T) {
		c := mustCollect(t, "testdata/kube/pods-kube-system.yaml").Coverage
		if ok, why := c.Satisfies(snapshot.KindSystemPods); !ok {
			t.Errorf("KindSystemPods not satisfied: %s", why)
		}
		if ok, _ := c.Satisfies(snapshot.KindPods); ok {
			t.Error("KindPods satisfied by kube-system pods alone")
		}
	})
}

func TestProvenance(t *testing.T) {
	paths := []string{"testdata/az/aks-show.json", "testdata/kube/pods-kube-system.yaml"}
	s := mustCollect(t, paths...)
	p := s.Provenance
	if p.Tool != "syspool" || p.ToolVersion != "test" || p.Mode != "files" || !p.CollectedAt.Equal(testNow) {
		t.Errorf("provenance header = %+v", p)
	}
	want := []snapshot.Source{
		{Path: paths[0], Kind: "az aks show", Objects: map[snapshot.DataKind]int{snapshot.KindCluster: 1, snapshot.KindPools: 2}},
		{Path: paths[1], Kind: "kubectl list (yaml)", Objects: map[snapshot.DataKind]int{snapshot.KindPods: 6}},
	}
	for i, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		want[i].SHA256 = hex.EncodeToString(sum[:])
	}
	if diff := cmp.Diff(want, p.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
}

func TestNotes(t *testing.T) {
	s := mustCollect(t, "testdata/kube/mixed-nodes-pods.json", "testdata/kube/nodes.json")
	for _, want := range []string{
		"ignored 2 ConfigMap, 1 Service: syspool reads Nodes, Pods",
		"2 nodes were read more than once",
	} {
		if !hasNote(s, want) {
			t.Errorf("no note containing %q in %+v", want, s.Notes)
		}
	}
}

func TestSnapshotInput(t *testing.T) {
	path := "testdata/golden/full.json"
	want, err := snapshot.Decode(readTestdata(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, mustCollect(t, path)); diff != "" {
		t.Errorf("a snapshot is not used as it is (-file +collected):\n%s", diff)
	}
}

// TestStaleCapture: nodes of the right cluster (their node resource group matches) whose pools are
// not listed are a note, not the wrong-context error.
func TestStaleCapture(t *testing.T) {
	dir := t.TempDir()
	nodes := bytes.ReplaceAll(readTestdata(t, "testdata/kube/nodes.json"), []byte(`"apps"`), []byte(`"apps2"`))
	nodes = bytes.ReplaceAll(nodes, []byte(`"sys"`), []byte(`"sys2"`))
	write(t, filepath.Join(dir, "nodes.json"), nodes)
	s := mustCollect(t, "testdata/az/aks-show.json", filepath.Join(dir, "nodes.json"))
	if !hasNote(s, "none of the 5 nodes belongs to a listed pool") {
		t.Errorf("no note about the unmatched nodes in %+v", s.Notes)
	}
}

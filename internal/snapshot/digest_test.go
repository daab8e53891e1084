package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// fullSnapshot sets every kind of field (pointers, maps, times in two zones, nested slices), so
// the round trip Encode -> Decode -> Encode is exercised on all of them.
func fullSnapshot() *Snapshot {
	at := time.Date(2026, 11, 27, 10, 0, 0, 123456789, time.UTC)
	return &Snapshot{
		Provenance: Provenance{Tool: "syspool", ToolVersion: "v0.1.0", CollectedAt: at, Mode: "files",
			Sources: []Source{{Path: "captures/az-aks-show.json", SHA256: strings.Repeat("ab", 32), Kind: "az aks show",
				Objects: map[DataKind]int{KindCluster: 1, KindPools: 2}}},
			Identity: Identity{TenantID: "t", SubscriptionName: "prod <&> sub", KubeContext: "ctx", APIServer: "https://x"}},
		Cluster: Cluster{ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1",
			Name: "c1", ResourceGroup: "rg", SubscriptionID: "s", Location: "westeurope", Tags: map[string]string{"b": "2", "a": "1"},
			KubernetesVersion: "1.33", CurrentKubernetesVersion: "1.33.2", PowerState: "Running"},
		Pools: []Pool{{Name: "sys", Mode: ModeSystem, Count: ptr(3), EnableAutoScaling: true, MinCount: ptr(3), MaxCount: ptr(5),
			VMSize: "Standard_D4ds_v5", Zones: []string{"1", "2", "3"}, Taints: []Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}},
			Labels: map[string]string{"z": "1", "a": "ü"}, EnableFIPS: ptr(false), OSDiskSizeGB: ptr(128),
			Upgrade: UpgradeSettings{MaxSurge: "33%", DrainTimeoutInMinutes: ptr(30)}}},
		Nodes: []Node{{Name: "n1", Pool: "sys", Ready: "True", Capacity: Resources{MilliCPU: 4000, MemoryBytes: 16 << 30, Pods: 110},
			CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600)), Conditions: []string{"MemoryPressure"}}},
		Pods: []Pod{{Namespace: "kube-system", Name: "coredns-1", NodeName: "n1", Owner: Owner{Kind: "ReplicaSet", Name: "coredns-abc"},
			Workload: Owner{Kind: "Deployment", Name: "coredns"}, Tolerations: []Toleration{{Key: "k", Operator: "Exists", TolerationSeconds: ptr(int64(300))}},
			RequiredNodeAffinity: []NodeSelectorTerm{{MatchExpressions: []Requirement{{Key: "k", Operator: "In", Values: []string{"v"}}}}}}},
		Workloads: []Workload{{Kind: "Deployment", Namespace: "kube-system", Name: "coredns", Replicas: 2}},
		PDBs:      []PDB{{Namespace: "kube-system", Name: "coredns-pdb", MinAvailable: "1", Selector: LabelSelector{MatchLabels: map[string]string{"k": "v"}}}},
		Coverage:  Coverage{KindPools: {Present: true}, KindPods: {Present: true, Partial: true, Scope: "namespace kube-system"}},
		Notes:     []Note{{Source: "x", Message: "a \"quoted\" note\nwith a newline"}},
	}
}

func sealed(t *testing.T, s *Snapshot) []byte {
	t.Helper()
	if err := Seal(s); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSealThenVerify(t *testing.T) {
	tests := []struct {
		name string
		snap *Snapshot
	}{
		{"every field set", fullSnapshot()},
		{"zero snapshot", &Snapshot{}},
		{"nil coverage and empty slices", &Snapshot{SchemaVersion: 1, Pools: []Pool{}, Nodes: []Node{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := sealed(t, tt.snap)
			canonical, err := Canonical(tt.snap)
			if err != nil {
				t.Fatal(err)
			}
			if fast, _ := sealedBytes(tt.snap, canonical); !bytes.Equal(fast, data) {
				t.Fatalf("sealedBytes differs from Encode:\n%s\n---\n%s", fast, data)
			}
			got, err := Verify(data)
			if err != nil {
				t.Fatalf("an untouched snapshot must verify: %v", err)
			}
			if got.Digest != tt.snap.Digest || !validDigest(got.Digest) {
				t.Errorf("digest %q, sealed %q", got.Digest, tt.snap.Digest)
			}
		})
	}
}

func TestDigestIgnoresOnlyTheDigestField(t *testing.T) {
	a, b := fullSnapshot(), fullSnapshot()
	b.Digest = "sha256:whatever"
	da, _ := ContentDigest(a)
	db, _ := ContentDigest(b)
	if da != db {
		t.Fatalf("the digest field must not feed the digest: %s vs %s", da, db)
	}
	b.Pools[0].VMSize = "Standard_D8ds_v5"
	if dc, _ := ContentDigest(b); dc == da {
		t.Fatal("a changed value must change the digest")
	}
}

// TestEveryOneByteEditFails changes each byte of a sealed snapshot in turn: whether the edit
// breaks the JSON, changes a value, the digest or only the layout, Verify must refuse it.
func TestEveryOneByteEditFails(t *testing.T) {
	data := sealed(t, fullSnapshot())
	for i := range data {
		for _, repl := range []byte{data[i] ^ 0x01, ' '} {
			if repl == data[i] {
				continue
			}
			edited := bytes.Clone(data)
			edited[i] = repl
			if _, err := Verify(edited); err == nil {
				t.Fatalf("edit at byte %d (%q -> %q) verified", i, data[i], repl)
			}
		}
	}
}

func TestVerifyNamesTheProblem(t *testing.T) {
	data := sealed(t, fullSnapshot())
	tests := []struct {
		name    string
		edit    func([]byte) []byte
		want    string
		decodes bool
	}{
		{"value changed", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"Standard_D4ds_v5"`), []byte(`"Standard_D2ds_v5"`), 1)
		}, "content does not match its digest", true},
		{"digest removed", func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte(",\n  \"digest\""))
			return append(bytes.Clone(b[:i]), []byte("\n}\n")...)
		}, "it has no digest", true},
		{"digest malformed", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"sha256:`), []byte(`"md5:`), 1)
		}, "is not of the form", true},
		{"reindented", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n  \""), []byte("\n   \"")) }, "line 2 is", true},
		{"key case changed", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"pools"`), []byte(`"Pools"`), 1)
		}, "bytes are not the canonical encoding", true},
		{"CRLF line endings", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }, "CRLF", true},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, "unexpected end", false},
		{"trailing newline dropped", func(b []byte) []byte { return b[:len(b)-1] }, "the file ends at line", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(tt.edit(bytes.Clone(data)))
			if err == nil {
				t.Fatal("verified")
			}
			var ve *VerifyError
			if errors.As(err, &ve) != tt.decodes {
				t.Errorf("VerifyError = %v, want %v: %v", !tt.decodes, tt.decodes, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestVerifyRefusesWhatIsNotASnapshot(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"a report", `{"schemaVersion":1,"kind":"SyspoolReport","cluster":{},"findings":[]}`, "this is a syspool report"},
		{"a future schema", `{"schemaVersion":99,"cluster":{}}`, "schemaVersion 99 is not supported"},
		{"az output", `{"name":"c1","properties":{}}`, "not a syspool snapshot"},
		{"not JSON", `garbage`, "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// FuzzVerify: Verify never panics, and whatever it accepts is byte for byte what Encode writes.
func FuzzVerify(f *testing.F) {
	var buf bytes.Buffer
	s := fullSnapshot()
	if err := Seal(s); err != nil {
		f.Fatal(err)
	}
	if err := Encode(&buf, s); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"schemaVersion":1,"cluster":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Verify(data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("accepted a non-canonical file:\n%s", data)
		}
	})
}

// BenchmarkVerifyLarge verifies a sealed snapshot of a large cluster (500 nodes, 15,000 pods).
func BenchmarkVerifyLarge(b *testing.B) {
	s := fullSnapshot()
	for i := 0; i < 500; i++ {
		s.Nodes = append(s.Nodes, Node{Name: fmt.Sprintf("aks-user-%05d", i), Pool: "user", Ready: "True",
			Labels: map[string]string{LabelAgentPool: "user", LabelZone: "westeurope-1"}})
	}
	for i := 0; i < 15000; i++ {
		s.Pods = append(s.Pods, Pod{Namespace: "shop", Name: fmt.Sprintf("web-%05d", i), NodeName: fmt.Sprintf("aks-user-%05d", i%500),
			Owner: Owner{Kind: "ReplicaSet", Name: "web-abc"}, Labels: map[string]string{"app": "web"}, Phase: "Running", Ready: true})
	}
	if err := Seal(s); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Verify(buf.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

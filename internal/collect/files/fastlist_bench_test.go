package files

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/syspool/syspool/internal/gen"
)

// podItems returns the items of a generated pods.json as kubectl lays them out, and their size.
func podItems(b *testing.B) ([]jsontext.Value, int64) {
	b.Helper()
	c, err := gen.New(gen.Params{Nodes: 60, Pods: 2000, Pools: 4, Seed: 3})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if _, err := c.WriteDir(context.Background(), dir, 0); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "pods.json"))
	if err != nil {
		b.Fatal(err)
	}
	var list struct {
		Items []jsontext.Value `json:"items"`
	}
	if err := jsonv2.Unmarshal(data, &list); err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, it := range list.Items {
		n += int64(len(it))
	}
	return list.Items, n
}

// The fast path's stages, one pod at a time, on one goroutine; bytes/s are of kubectl's layout.
// BenchmarkFastValid is the floor the decoding stages are measured against: validating the
// bytes with jsontext and nothing else.

func BenchmarkFastSplit(b *testing.B) {
	items, n := podItems(b)
	out := make([]byte, 0, 1<<20)
	b.SetBytes(n)
	for b.Loop() {
		for _, it := range items {
			s := valueScan{copy: true, compact: true}
			s.scan(it, 0, out[:0])
		}
	}
}

func BenchmarkFastValid(b *testing.B) {
	items, n := podItems(b)
	b.SetBytes(n)
	for b.Loop() {
		for _, it := range items {
			it.IsValid()
		}
	}
}

func BenchmarkFastWalkPod(b *testing.B) {
	items, n := podItems(b)
	compact := make([][]byte, len(items))
	for i, it := range items {
		compact[i] = compactJSON([]byte(it), 0)
	}
	var ws workerScratch
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range compact {
			p, err := walkPod(&ws, it)
			if err != nil {
				b.Fatal(err)
			}
			p.toAPIInto(&ws.pod)
			convertPod(&ws.pod)
		}
	}
}

// BenchmarkFastUnmarshalPod is the same decode through jsonv2.Unmarshal into narrowPod: what the
// walk is measured against.
func BenchmarkFastUnmarshalPod(b *testing.B) {
	items, n := podItems(b)
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range items {
			var p narrowPod
			if err := jsonv2.Unmarshal(it, &p, fastDecodeOptions); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkFastWalkOnly(b *testing.B) {
	items, n := podItems(b)
	compact := make([][]byte, len(items))
	for i, it := range items {
		compact[i] = compactJSON([]byte(it), 0)
	}
	var ws workerScratch
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range compact {
			if _, err := walkPod(&ws, it); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkFastUnmarshalCompactPod(b *testing.B) {
	items, n := podItems(b)
	compact := make([][]byte, len(items))
	for i, it := range items {
		compact[i] = compactJSON([]byte(it), 0)
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range compact {
			var p narrowPod
			if err := jsonv2.Unmarshal(it, &p, fastDecodeOptions); err != nil {
				b.Fatal(err)
			}
		}
	}
}

package files

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/syspool/syspool/internal/gen"
)

// podItems returns the items of a generated pods.json as kubectl lays them out, and their size.
func podItems(b *testing.B) ([]jsontext.Value, int64) {
	items := podListItems(b, genDir(b, gen.Params{Nodes: 60, Pods: 2000, Pools: 4, Seed: 3}))
	var n int64
	for _, it := range items {
		n += int64(len(it))
	}
	return items, n
}

// compactItems is podItems without the white space, as the fast path hands items on.
func compactItems(b *testing.B) ([]jsontext.Value, int64) {
	items, n := podItems(b)
	compact := make([]jsontext.Value, len(items))
	for i, it := range items {
		compact[i] = compactJSON([]byte(it), 0)
	}
	return compact, n
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

// BenchmarkFastPod decodes pods the ways the fast path could: fastPod (what it does: the walk,
// requests reused between replicas, conversion), the walk alone, and jsonv2.Unmarshal into the
// same narrow type, on the compacted items the fast path decodes and on kubectl's layout.
func BenchmarkFastPod(b *testing.B) {
	items, n := podItems(b)
	compact, _ := compactItems(b)
	var ws workerScratch
	for _, bc := range []struct {
		name  string
		items []jsontext.Value
		pod   func(raw []byte) error
	}{
		{"fastPod", compact, func(raw []byte) error { _, _, err := fastPod(&ws, raw); return err }},
		{"walk", compact, func(raw []byte) error { _, err := walkPod(&ws, raw); return err }},
		{"unmarshal-compact", compact, unmarshalPodErr},
		{"unmarshal-indented", items, unmarshalPodErr},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(n)
			b.ReportAllocs()
			for b.Loop() {
				for _, it := range bc.items {
					if err := bc.pod(it); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

func unmarshalPodErr(raw []byte) error {
	_, err := unmarshalPod(raw)
	return err
}

package files_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/gen"
)

// benchParams is a generated cluster big enough that per-pod costs dominate (20,000 pods, about
// 190 MB of pods.json) yet small enough to write once per benchmark in a few seconds.
var benchParams = gen.Params{Nodes: 700, Pods: 20000, Pools: 10, Seed: 1}

// writeCluster writes the generated cluster into a temp dir, outside the timed loop.
func writeCluster(b *testing.B, p gen.Params) string {
	b.Helper()
	c, err := gen.New(p)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if _, err := c.WriteDir(context.Background(), dir, 0); err != nil {
		b.Fatal(err)
	}
	return dir
}

func collect(b *testing.B, paths ...string) {
	b.Helper()
	now := func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) }
	if _, err := files.New(files.Options{Paths: paths, Now: now}).Collect(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDecodePods streams one kubectl pods list (20,000 items) into a snapshot: the decode
// and convert path that dominates an offline check. Bytes/s is pods.json throughput.
func BenchmarkDecodePods(b *testing.B) {
	dir := writeCluster(b, benchParams)
	pods := filepath.Join(dir, "pods.json")
	st, err := os.Stat(pods)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		collect(b, pods)
	}
}

// BenchmarkCollectDir reads every capture file of the same cluster, as `syspool check DIR` does.
func BenchmarkCollectDir(b *testing.B) {
	dir := writeCluster(b, benchParams)
	b.ReportAllocs()
	for b.Loop() {
		collect(b, dir)
	}
}

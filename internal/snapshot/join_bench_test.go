package snapshot_test

import (
	"context"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/gen"
	"github.com/syspool/syspool/internal/snapshot"
)

// BenchmarkJoinIndex joins and indexes a collected 700-node / 20,000-pod snapshot, as every
// engine.Run does. Join is idempotent, so the same snapshot is reused across iterations.
func BenchmarkJoinIndex(b *testing.B) {
	c, err := gen.New(gen.Params{Nodes: 700, Pods: 20000, Pools: 10, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if _, err := c.WriteDir(context.Background(), dir, 0); err != nil {
		b.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) }
	s, err := files.New(files.Options{Paths: []string{dir}, Now: now}).Collect(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		snapshot.Join(s)
		snapshot.NewIndex(s)
	}
}

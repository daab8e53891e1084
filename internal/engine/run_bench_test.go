package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/checks"
	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/gen"
	"github.com/syspool/syspool/internal/rule"
)

// BenchmarkRunAll runs every built-in rule on a generated cluster. It uses the CI preset (200
// nodes, 6,000 pods) rather than the 20,000-pod cluster of the decode benchmark: the simulator
// rules (SP041 and friends) are superlinear in pods, and docs/performance-offline.md has their
// cost at full size from the CLI.
func BenchmarkRunAll(b *testing.B) {
	c, err := gen.New(gen.Small)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if _, err := c.WriteDir(context.Background(), dir, 0); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	s, err := files.New(files.Options{Paths: []string{dir}, Now: func() time.Time { return now }}).Collect(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		engine.Run(s, engine.Options{Registry: reg, Now: now})
	}
}

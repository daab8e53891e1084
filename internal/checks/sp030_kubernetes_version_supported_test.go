package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// TestSP030Clock moves the clock and the support plan across the calendar's boundaries, which a
// fixture cannot do: fixtures all run at the same instant.
func TestSP030Clock(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(12 * time.Hour)
	}
	tests := []struct {
		name, version, plan string
		now                 time.Time
		status              rule.Status
		severity            rule.Severity
		fix                 string // substring of the fix
	}{
		{"supported", "1.34.5", "", day("2026-09-01"), rule.Pass, rule.High, ""},
		// 1.34's end of life is Nov 2026, i.e. the end of 2026-11-30: 47 days after 2026-10-15.
		{"near end of life", "1.34.5", "", day("2026-10-15"), rule.Fail, rule.Medium, "--kubernetes-version 1.35"},
		{"end of life day itself is still supported", "1.34.5", "", day("2026-11-30"), rule.Fail, rule.Medium, "1.35"},
		// N-4 and older may jump straight to the oldest supported minor (N-2 = 1.34 when 1.36 is newest).
		{"unsupported jumps to N-2", "1.30.0", "", day("2026-09-01"), rule.Fail, rule.High, "--kubernetes-version 1.34"},
		{"LTS keeps N-3 supported", "1.33.4", supportPlanLTS, day("2026-09-01"), rule.Pass, rule.High, ""},
		{"LTS ended", "1.31.2", supportPlanLTS, day("2026-12-15"), rule.Fail, rule.High, "--kubernetes-version"},
		{"no clock", "1.35.7", "", time.Time{}, rule.Error, rule.High, ""},
		{"newer than the calendar", "1.99.0", "", day("2026-09-01"), rule.Error, rule.High, ""},
	}
	reg := registry(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &snapshot.Snapshot{
				Cluster: snapshot.Cluster{Name: "c", CurrentKubernetesVersion: tt.version, SupportPlan: tt.plan},
				Coverage: snapshot.Coverage{snapshot.KindCluster: {Present: true},
					snapshot.KindPools: {Present: true}},
			}
			rep := engine.Run(s, engine.Options{Registry: reg, Now: tt.now, Enabled: func(id string) bool { return id == "SP030" }})
			if len(rep.Findings) != 1 {
				t.Fatalf("want one finding for the control plane, got %d", len(rep.Findings))
			}
			f := rep.Findings[0]
			if f.Status != tt.status || f.Severity != tt.severity {
				t.Errorf("got %s/%s, want %s/%s: %s", f.Status, f.Severity, tt.status, tt.severity, f.Message)
			}
			if !strings.Contains(f.Fix, tt.fix) || (tt.fix == "") != (f.Fix == "") {
				t.Errorf("fix %q, want one containing %q", f.Fix, tt.fix)
			}
		})
	}
}

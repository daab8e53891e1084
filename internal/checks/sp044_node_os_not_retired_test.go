package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// TestSP044Clock walks one pool across the retirement dates, which fixtures (all at one instant)
// cannot: passing before the warning window, medium inside it, high once retired.
func TestSP044Clock(t *testing.T) {
	tests := []struct {
		name, image, osSKU, now string
		status                  rule.Status
		severity                rule.Severity
		message                 string // substring
	}{
		{"Ubuntu 20.04 well before", "AKSUbuntu-2004gen2fipscontainerd-202608.10.0", "Ubuntu", "2026-09-01", rule.Pass, rule.Medium, "supported until 2027-03-17"},
		{"Ubuntu 20.04 inside the window", "AKSUbuntu-2004gen2fipscontainerd-202608.10.0", "Ubuntu", "2026-12-01", rule.Fail, rule.Medium, "stops supporting on 2027-03-17"},
		{"Ubuntu 20.04 on the day", "AKSUbuntu-2004gen2fipscontainerd-202608.10.0", "Ubuntu", "2027-03-17", rule.Fail, rule.High, "can no longer scale"},
		{"Azure Linux 2.0 retired, images not yet removed", "AKSCBLMariner-V2gen2-202512.06.0", "CBLMariner", "2025-12-15", rule.Fail, rule.High, "removed on 2026-03-31"},
		{"Ubuntu 24.04 has no end", "AKSUbuntu-2404gen2containerd-202608.10.0", "Ubuntu", "2030-01-01", rule.Pass, rule.Medium, "no announced end"},
	}
	reg := registry(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, err := time.Parse(time.DateOnly, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			s := &snapshot.Snapshot{
				Cluster: snapshot.Cluster{Name: "c"},
				Pools: []snapshot.Pool{{Name: "np", Mode: snapshot.ModeSystem, OSType: "Linux", OSSKU: tt.osSKU,
					NodeImageVersion: tt.image, CurrentOrchestratorVersion: "1.33.4"}},
				Coverage: snapshot.Coverage{snapshot.KindPools: {Present: true}},
			}
			rep := engine.Run(s, engine.Options{Registry: reg, Now: now, Enabled: func(id string) bool { return id == "SP044" }})
			if len(rep.Findings) != 1 {
				t.Fatalf("want one finding, got %d", len(rep.Findings))
			}
			f := rep.Findings[0]
			if f.Status != tt.status || f.Severity != tt.severity || !strings.Contains(f.Message, tt.message) {
				t.Errorf("got %s/%s %q, want %s/%s containing %q", f.Status, f.Severity, f.Message, tt.status, tt.severity, tt.message)
			}
		})
	}
}

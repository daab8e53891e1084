package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/syspool/syspool/internal/report"
)

// Each built-in baseline must change verdicts the way it says: gpu-addons keeps 2 system nodes of
// 2 vCPU, which Advisor accepts, the Well-Architected baseline flags at medium, and strict at high.
func TestBaselinesChangeVerdicts(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "gpu-addons")
	type verdict struct {
		rule, severity string // severity "" means: must not fail
	}
	tests := []struct {
		baseline string
		want     []verdict
		exit     ExitCode
	}{
		{"advisor", []verdict{{"SP006", ""}, {"SP007", ""}, {"SP013", "high"}}, ExitFindings},
		{"well-architected", []verdict{{"SP006", "medium"}, {"SP007", "medium"}, {"SP013", "high"}}, ExitFindings},
		{"strict", []verdict{{"SP006", "high"}, {"SP007", "medium"}, {"SP013", "high"}}, ExitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.baseline, func(t *testing.T) {
			code, out, errOut := run(t, "check", dir, "--now", "2026-11-27", "--baseline", tt.baseline, "-o", "json")
			if ExitCode(code) != tt.exit {
				t.Fatalf("exit %d, want %d: %s", code, tt.exit, errOut)
			}
			var doc report.Document
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				got := ""
				for _, f := range doc.Findings {
					if f.RuleID == w.rule && f.Status == "fail" {
						got = f.Severity.String()
					}
				}
				if got != w.severity {
					t.Errorf("%s under %s: failing severity %q, want %q", w.rule, tt.baseline, got, w.severity)
				}
			}
		})
	}
	// strict fails the run on medium findings by its own failOn; the flag still wins.
	if code, _, _ := run(t, "check", dir, "--now", "2026-11-27", "--baseline", "strict", "--fail-on", "critical"); ExitCode(code) != ExitOK {
		t.Errorf("--fail-on critical must win over the baseline's failOn: exit %d", code)
	}
}

package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syspool/syspool/internal/golden"

	"github.com/syspool/syspool/internal/plan"
)

// The plans for the bundled examples are the runbooks an operator would read: each is a golden
// file per format, with the exit code a pipeline would see.
var examplePlans = []struct {
	name    string
	args    []string
	code    ExitCode
	formats []string
}{
	{"shared-pool-replace-demote", []string{"replace", "shared-pool", "--pool", "nodepool1", "--new-pool", "system", "--zones", "1,2,3",
		"--taints", "CriticalAddonsOnly=true:NoSchedule", "--retire", "demote"}, ExitOK, []string{"table", "markdown", "json"}},
	{"shared-pool-replace-delete", []string{"replace", "shared-pool", "--pool", "nodepool1", "--new-pool", "system", "--zones", "1,2,3",
		"--taints", "CriticalAddonsOnly=true:NoSchedule"}, ExitFindings, []string{"table"}},
	{"gpu-addons-resize", []string{"resize", "gpu-addons", "--pool", "sysnp", "--vm-size", "Standard_D4ds_v5", "--count", "3"},
		ExitOK, []string{"table", "markdown"}},
	// the scoring jobs require Spot nodes: removing the Spot pool strands them
	{"gpu-addons-remove-spot", []string{"remove", "gpu-addons", "--pool", "spotnp"}, ExitFindings, []string{"table"}},
	{"bursty-untainted-replace", []string{"replace", "bursty-untainted", "--pool", "system", "--new-pool", "sysd4", "--count", "3",
		"--taints", "CriticalAddonsOnly=true:NoSchedule", "--retire", "demote"}, ExitOK, []string{"table"}},
	{"healthy-upgrade-node-image", []string{"upgrade", "healthy", "--pool", "system", "--node-image-only"}, ExitOK,
		[]string{"table", "markdown", "json"}},
	{"healthy-upgrade-above-control-plane", []string{"upgrade", "healthy", "--pool", "system", "--kubernetes-version", "1.36.3"},
		ExitUsage, []string{"table"}},
	{"healthy-add-system", []string{"add", "healthy", "--pool", "sysd8", "--mode", "System", "--vm-size", "Standard_D8ds_v5",
		"--zones", "1,2,3", "--taints", "CriticalAddonsOnly=true:NoSchedule"}, ExitOK, []string{"table"}},
	{"healthy-add-spot-system", []string{"add", "healthy", "--pool", "sysspot", "--mode", "System", "--vm-size", "Standard_D4ds_v5",
		"--spot", "--taints", "team=payments:NoSchedule"}, ExitUsage, []string{"table"}},
	{"healthy-remove-system", []string{"remove", "healthy", "--pool", "system"}, ExitUsage, []string{"table"}},
	{"healthy-remove-apps", []string{"remove", "healthy", "--pool", "apps"}, ExitFindings, []string{"table"}},
	{"stopped-add", []string{"add", "stopped", "--pool", "batch", "--vm-size", "Standard_D4ds_v5"}, ExitUsage, []string{"table"}},
	{"automatic-replace-system", []string{"add", "automatic", "--pool", "sys", "--mode", "System", "--vm-size", "Standard_D4ds_v5"},
		ExitUsage, []string{"table"}},
}

func TestPlanExamples(t *testing.T) {
	ext := map[string]string{"table": "txt", "markdown": "md", "json": "json"}
	for _, tt := range examplePlans {
		for _, format := range tt.formats {
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				args := append([]string{"plan"}, tt.args...)
				args[2] = filepath.Join("..", "..", "examples", args[2])
				args = append(args, "--now", "2026-11-27", "-o", format)
				code, out, errOut := run(t, args...)
				if ExitCode(code) != tt.code {
					t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, errOut)
				}
				if errOut != "" {
					t.Errorf("stderr: %s", errOut)
				}
				golden.File(t, "plan/"+tt.name+"."+ext[format], []byte(out))
				if format == "json" {
					var p plan.Plan
					if err := json.Unmarshal([]byte(out), &p); err != nil || p.SchemaVersion != plan.SchemaVersion {
						t.Errorf("-o json: %v, schemaVersion %d", err, p.SchemaVersion)
					}
				}
			})
		}
	}
}

func TestPlanHelpGolden(t *testing.T) {
	cmds := [][]string{{"plan", "--help"}}
	for _, a := range plan.Actions {
		cmds = append(cmds, []string{"plan", string(a), "--help"})
	}
	for _, args := range cmds {
		name := strings.Join(args[:len(args)-1], "_")
		t.Run(name, func(t *testing.T) {
			code, out, _ := run(t, args...)
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			golden.File(t, "help/"+name+".golden", []byte(out))
		})
	}
}

func TestPlanUsageErrors(t *testing.T) {
	ex := filepath.Join("..", "..", "examples", "healthy")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no paths", []string{"plan", "remove", "--pool", "apps"}, "give at least one capture file or directory"},
		{"no pool", []string{"plan", "remove", ex}, `required flag(s) "pool" not set`},
		{"resize without size", []string{"plan", "resize", ex, "--pool", "system"}, `required flag(s) "vm-size" not set`},
		{"bad taint", []string{"plan", "add", ex, "--pool", "x", "--vm-size", "Standard_D4ds_v5", "--taints", "nocolon"},
			`--taints "nocolon": expected key=value:Effect`},
		{"unknown format", []string{"plan", "remove", ex, "--pool", "apps", "-o", "xml"}, `unknown output format "xml" (valid: table, markdown, json)`},
		{"missing input", []string{"plan", "remove", "testdata/nope", "--pool", "apps"}, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, tt.args...)
			if code != int(ExitUsage) {
				t.Errorf("exit %d, want %d (stderr %q)", code, ExitUsage, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.want)
			}
		})
	}
}

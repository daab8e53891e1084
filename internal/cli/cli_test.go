package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/golden"

	"github.com/syspool/syspool/internal/iostreams"
)

// run executes the CLI in-process with test streams and a fixed clock.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	sys := System{IO: ios, Now: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
		Getenv: func(string) string { return "" }, ProgName: "syspool"}
	code = Main(context.Background(), args, sys)
	return code, out.String(), errOut.String()
}

func TestHelpGolden(t *testing.T) {
	for _, args := range [][]string{
		{"--help"},
		{"check", "--help"},
		{"rules", "list", "--help"},
		{"rules", "explain", "--help"},
		{"policy", "init", "--help"},
	} {
		name := strings.Join(args[:len(args)-1], "_")
		if name == "" {
			name = "root"
		}
		t.Run(name, func(t *testing.T) {
			code, out, _ := run(t, args...)
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			golden.File(t, "help/"+name+".golden", []byte(out))
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no paths", []string{"check"}, "give at least one file or directory"},
		{"unknown format", []string{"check", "x", "-o", "xml"}, `unknown output format "xml" (valid: `},
		{"unknown severity", []string{"check", "x", "--fail-on", "urgent"}, `--fail-on: unknown severity "urgent"`},
		{"bad now", []string{"check", "x", "--now", "tomorrow"}, `--now "tomorrow": expected RFC 3339`},
		{"bad color", []string{"check", "x", "--color", "sometimes"}, "expected auto, always or never"},
		{"unknown flag", []string{"check", "--frobnicate"}, "unknown flag: --frobnicate"},
		{"missing file", []string{"check", "testdata/does-not-exist.json"}, "does-not-exist.json"},
		{"unknown rule", []string{"rules", "explain", "SP999"}, `unknown rule "SP999" (valid: SP001`},
		{"unknown baseline", []string{"check", "x", "--baseline", "lenient"}, `unknown baseline "lenient"`},
		{"missing policy", []string{"check", "x", "--policy", "testdata/nope.yaml"}, "read policy"},
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

func TestRulesDocUpToDate(t *testing.T) {
	code, out, errOut := run(t, "rules", "list", "-o", "markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	path := filepath.Join("..", "..", "docs", "rules.md")
	if golden.Update() {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != out {
		t.Error("docs/rules.md is stale: run go test ./internal/cli -update (or syspool rules list -o markdown > docs/rules.md)")
	}
}

func TestRulesExplain(t *testing.T) {
	code, out, _ := run(t, "rules", "explain", "sp011")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"SP011", "Why", "Remediation", "Sources", "https://"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
}

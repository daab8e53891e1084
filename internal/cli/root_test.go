package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/iostreams"
)

// TestPluginHelp runs the binary as kubectl-syspool: usage lines and examples read as
// `kubectl syspool`, so that what the help shows can be pasted.
func TestPluginHelp(t *testing.T) {
	bare := regexp.MustCompile(`(?m)^\s*syspool `)
	for _, args := range [][]string{{"--help"}, {"check", "--help"}, {"rules", "explain", "--help"}, {"policy", "init", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			sys := System{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }, ProgName: "kubectl-syspool"}
			if code := Main(context.Background(), args, sys); code != 0 {
				t.Fatalf("exit %d", code)
			}
			help := out.String()
			_, examples, ok := strings.Cut(help, "\nExamples:\n")
			if !ok {
				t.Fatalf("no examples:\n%s", help)
			}
			examples, _, _ = strings.Cut(examples, "\n\n")
			if !strings.Contains(examples, "kubectl syspool ") {
				t.Errorf("examples do not read as the plugin:\n%s", examples)
			}
			if m := bare.FindString(examples); m != "" {
				t.Errorf("an example still starts with %q:\n%s", m, examples)
			}
		})
	}
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/iostreams"
)

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code ExitCode
		show bool
	}{
		{"nil", nil, ExitOK, false},
		{"findings", withCode(ExitFindings), ExitFindings, false},
		{"incomplete", withCode(ExitIncomplete), ExitIncomplete, false},
		{"usage", usageErrorf("bad flag"), ExitUsage, true},
		{"anything else", errors.New("boom"), ExitUsage, true},
		{"cancelled", context.Canceled, ExitInterrupted, true},
		// A collector's cancellation wrapped as an input error is still an interruption.
		{"cancelled inside a usage error", usageError(fmt.Errorf("read nodes.json: %w", context.Canceled)), ExitInterrupted, true},
		{"deadline", usageError(context.DeadlineExceeded), ExitUsage, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, show := codeOf(tt.err)
			if code != tt.code || show != tt.show {
				t.Errorf("codeOf(%v) = %d, %v; want %d, %v", tt.err, code, show, tt.code, tt.show)
			}
		})
	}
}

// TestCheckInterrupted runs check with a context cancelled the way Ctrl-C cancels it in main
// (signal.NotifyContext cancels with the signal as the cause): exit 130, a message naming the
// cause, and no report written.
func TestCheckInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("interrupt signal received"))
	out := t.TempDir() + "/report.json"
	ios, _, stdout, stderr := iostreams.Test()
	sys := System{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }, ProgName: "syspool"}
	code := Main(ctx, []string{"check", "../../examples/healthy", "-o", "json", "--output-file", out}, sys)
	if code != int(ExitInterrupted) {
		t.Errorf("exit %d, want %d; stderr: %s", code, ExitInterrupted, stderr)
	}
	if msg := stderr.String(); !strings.Contains(msg, "interrupted (interrupt signal received)") {
		t.Errorf("stderr %q does not say the run was interrupted and by what", msg)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout is not empty: %s", stdout)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written by an interrupted run (stat: %v)", out, err)
	}
}

// Package cli is the cobra command tree: the only place that wires collectors, the engine,
// policy and reporters together. Commands follow one shape: an xOptions struct, newCmdX(f, runF)
// and runX(opts), with I/O, clock and environment injected through System.
package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/syspool/syspool/internal/iostreams"
)

// System is everything a command may take from the outside world.
type System struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Getenv func(string) string
	// ProgName is the name the binary was run as; "kubectl-syspool" makes help read as a
	// kubectl plugin.
	ProgName string
	// Live reaches Azure and Kubernetes for live collections; the zero value is the real thing.
	Live LiveDeps
}

// NewSystem binds System to the real process.
func NewSystem() System {
	return System{IO: iostreams.System(), Now: time.Now, Getenv: os.Getenv, ProgName: filepath.Base(os.Args[0])}
}

// Main runs the command line and returns the process exit code; it never calls os.Exit.
func Main(ctx context.Context, args []string, sys System) int {
	root := newRootCmd(sys)
	root.SetArgs(args)
	root.SetIn(sys.IO.In)
	root.SetOut(sys.IO.Out)
	root.SetErr(sys.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	code, show := codeOf(err)
	if show {
		fmt.Fprintf(sys.IO.ErrOut, "Error: %s\n", describeErr(ctx, err))
		if code == ExitUsage && isFlagError(err) {
			fmt.Fprintf(sys.IO.ErrOut, "Run '%s --help' for usage.\n", commandPath(root, args))
		}
	}
	return int(code)
}

package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/snapshot"
)

type verifyOptions struct {
	IO *iostreams.IOStreams

	File string
	// SourcesRoot, when set, re-hashes every source file the snapshot lists, relative to it.
	SourcesRoot string
}

func newCmdVerify(sys System, runF func(context.Context, *verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{IO: sys.IO}
	cmd := &cobra.Command{
		Use:   "verify SNAPSHOT",
		Short: "Check that a saved snapshot is exactly what syspool sealed",
		Long: `Check a snapshot written by 'syspool snapshot': its recorded digest must match the digest of
its content, and its bytes must be exactly the canonical encoding, so any edit at all (a value,
a space, a line ending) is reported. With --sources, also re-hash the source files it lists.

Exit codes:
  0    the snapshot verifies
  1    it does not: each mismatch is named
  2    it cannot be checked (unreadable, not a snapshot, unknown schema version)
  130  interrupted (Ctrl-C or SIGTERM) before the run finished: no verdict`,
		Example: `  syspool verify before.json
  syspool verify evidence/before.json --sources=evidence/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVerify(opts)
		},
	}
	cmd.Flags().StringVar(&opts.SourcesRoot, "sources", "", "also re-hash the listed source files, resolving relative paths against this directory (--sources alone: the current one)")
	cmd.Flags().Lookup("sources").NoOptDefVal = "."
	return cmd
}

func runVerify(opts *verifyOptions) error {
	data, err := os.ReadFile(opts.File)
	if err != nil {
		return usageErrorf("cannot verify %s: %v", opts.File, err)
	}
	s, err := snapshot.Verify(data)
	var ve *snapshot.VerifyError
	if err != nil && !errors.As(err, &ve) {
		return usageErrorf("cannot verify %s: %v", opts.File, err)
	}
	var problems []string
	if ve != nil {
		problems = append(problems, ve.Problems...)
	}
	if opts.SourcesRoot != "" {
		problems = append(problems, checkSources(s, opts.SourcesRoot)...)
	}
	if len(problems) > 0 {
		// Exit 1, like a failed check: the evidence does not hold.
		return &exitError{code: ExitFindings, err: fmt.Errorf("%s does NOT verify:\n  - %s", opts.File, strings.Join(problems, "\n  - "))}
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "%s: verified\n", opts.File)
	fmt.Fprintf(out, "  digest     %s\n", s.Digest)
	fmt.Fprintf(out, "  cluster    %s\n", clusterLine(s.Cluster))
	p := s.Provenance
	fmt.Fprintf(out, "  collected  %s by %s %s (%s)\n", timeOrDash(p.CollectedAt), orDash(p.Tool), orDash(p.ToolVersion), orDash(p.Mode))
	srcLine := fmt.Sprintf("%d listed", len(p.Sources))
	if opts.SourcesRoot != "" {
		srcLine += ", every file hash matches"
	}
	fmt.Fprintf(out, "  sources    %s\n", srcLine)
	return nil
}

// checkSources re-hashes the files a snapshot was built from. A live source has no hash and is
// not a file, so it is not checked.
func checkSources(s *snapshot.Snapshot, root string) []string {
	var problems []string
	for _, src := range s.Provenance.Sources {
		if src.SHA256 == "" {
			continue
		}
		path := src.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			problems = append(problems, fmt.Sprintf("source %s: cannot read %s: %v", src.Path, path, err))
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != src.SHA256 {
			problems = append(problems, fmt.Sprintf("source %s: sha256 is %s, the snapshot recorded %s (the file changed since)", src.Path, got, src.SHA256))
		}
	}
	return problems
}

func clusterLine(c snapshot.Cluster) string {
	if c.ID != "" {
		return orUnknown(c.Name) + " (" + c.ID + ")"
	}
	return orUnknown(c.Name)
}

func timeOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

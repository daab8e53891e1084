package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/version"
)

type snapshotOptions struct {
	IO  *iostreams.IOStreams
	Now func() time.Time

	Paths []string
	File  string
	Force bool
}

func newCmdSnapshot(sys System, runF func(context.Context, *snapshotOptions) error) *cobra.Command {
	opts := &snapshotOptions{IO: sys.IO, Now: sys.Now}
	cmd := &cobra.Command{
		Use:   "snapshot PATH...",
		Short: "Save a sealed snapshot of a cluster as change evidence",
		Long: `Read the same inputs as 'syspool check' and save them as one syspool snapshot: the joined
model of the cluster with its provenance (syspool version, every source file with its sha256,
collection time, identity) and a sha256 digest over its canonical content.

A snapshot is evidence: attach it to the change ticket, and anyone can rerun the audit on
exactly what you saw ('syspool check SNAPSHOT') and prove it was not edited since
('syspool verify SNAPSHOT'). See docs/snapshot.md for the format and the digest.`,
		Example: `  syspool snapshot captures/ -f before.json
  syspool verify before.json
  syspool check before.json -o markdown > ticket.md`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(&flagError{fmt.Errorf("give at least one file or directory to snapshot")})
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSnapshot(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "write the snapshot to this file (atomically) instead of standard output")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite --file if it exists")
	return cmd
}

func runSnapshot(ctx context.Context, opts *snapshotOptions) error {
	if opts.File != "" && opts.File != "-" && !opts.Force {
		if _, err := os.Stat(opts.File); err == nil {
			return usageErrorf("%s exists; evidence is not overwritten without --force", opts.File)
		}
	}
	snap, err := files.New(files.Options{Paths: opts.Paths, Now: func() time.Time { return opts.Now().UTC() },
		ToolVersion: version.String()}).Collect(ctx)
	if err != nil {
		return usageError(err)
	}
	if err := snapshot.Seal(snap); err != nil {
		return err
	}
	if err := writeOutput(opts.IO, opts.File, func(w io.Writer) error { return snapshot.Encode(w, snap) }); err != nil {
		return err
	}
	if opts.File != "" && opts.File != "-" {
		fmt.Fprintf(opts.IO.ErrOut, "Wrote %s: cluster %s, %d pools, %d nodes, %d pods from %d sources\nDigest %s\nCheck it with: syspool verify %s\n",
			opts.File, orUnknown(snap.Cluster.Name), len(snap.Pools), len(snap.Nodes), len(snap.Pods), len(snap.Provenance.Sources),
			snap.Digest, opts.File)
	}
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "(unnamed)"
	}
	return s
}

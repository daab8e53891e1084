package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/snapshot"
)

type snapshotOptions struct {
	IO  *iostreams.IOStreams
	Now func() time.Time

	Paths []string
	File  string
	Force bool

	// Live reads the cluster through ARM and the Kubernetes API when no path is given.
	Live liveOptions
}

func newCmdSnapshot(sys System, runF func(context.Context, *snapshotOptions) error) *cobra.Command {
	opts := &snapshotOptions{IO: sys.IO, Now: sys.Now, Live: liveOptions{deps: sys.Live}}
	cmd := &cobra.Command{
		Use:   "snapshot [PATH...]",
		Short: "Save a sealed snapshot of a cluster as change evidence",
		Long: `Read the same inputs as 'syspool check' and save them as one syspool snapshot: the joined
model of the cluster with its provenance (syspool version, every source file with its sha256,
collection time, identity) and a sha256 digest over its canonical content.

A snapshot is evidence: attach it to the change ticket, and anyone can rerun the audit on
exactly what you saw ('syspool check SNAPSHOT') and prove it was not edited since
('syspool verify SNAPSHOT'). See docs/snapshot.md for the format and the digest.

With the live flags of 'syspool check' (--subscription, -g, --cluster-name, --context, ...)
it reads the cluster through Azure Resource Manager and the Kubernetes API instead, with the
same authentication, identity check and permissions (see 'syspool check --help' and
docs/live.md); 'syspool check SNAPSHOT' later gives the same verdicts as the live run.`,
		Example: `  syspool snapshot captures/ -f before.json
  syspool verify before.json
  syspool check before.json -o markdown > ticket.md
  syspool snapshot --subscription SUB -g RG --cluster-name CLUSTER --context CONTEXT -f before.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			return opts.Live.checkInputs(cmd, args, "snapshot")
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
	opts.Live.addFlags(cmd.Flags())
	return cmd
}

func runSnapshot(ctx context.Context, opts *snapshotOptions) error {
	if opts.File != "" && opts.File != "-" && !opts.Force {
		if _, err := os.Stat(opts.File); err == nil {
			return usageErrorf("%s exists; evidence is not overwritten without --force", opts.File)
		}
	}
	snap, err := collectSnapshot(ctx, opts.IO, opts.Paths, &opts.Live, func() time.Time { return opts.Now().UTC() })
	if err != nil {
		return err
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

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/history"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/version"
)

type historyOptions struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Getenv func(string) string

	DB      string
	Cluster string
	Limit   int
	Output  string
}

func newCmdHistory(sys System, runF func(context.Context, *historyOptions) error) *cobra.Command {
	opts := &historyOptions{IO: sys.IO, Now: sys.Now, Getenv: sys.Getenv}
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List the runs recorded with 'syspool check --record', per cluster",
		Long: `List the runs that 'syspool check --record' stored, newest first: when each ran, the cluster,
the snapshot digest and how many checks failed. Compare two of them with 'syspool diff --since'.

The database is $XDG_STATE_HOME/syspool/history.db (else ~/.local/state/syspool/history.db),
or --db.`,
		Example: `  syspool history
  syspool history --cluster aks-prod --limit 5
  syspool diff --since 24h --cluster aks-prod`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runHistory(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.DB, "db", "", "history database (default: $XDG_STATE_HOME/syspool/history.db)")
	cmd.Flags().StringVar(&opts.Cluster, "cluster", "", "only runs of this cluster (name or ARM ID)")
	cmd.Flags().IntVar(&opts.Limit, "limit", 20, "show at most this many runs (0: all)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "table", "output format: table|json")
	_ = cmd.RegisterFlagCompletionFunc("output", fixedCompletion("table", "json"))
	return cmd
}

func runHistory(ctx context.Context, opts *historyOptions) error {
	if opts.Output != "table" && opts.Output != "json" {
		return usageError(&flagError{fmt.Errorf("unknown output format %q (valid: json, table)", opts.Output)})
	}
	if opts.Limit < 0 {
		return usageError(&flagError{fmt.Errorf("--limit %d: must be 0 or more", opts.Limit)})
	}
	db, err := openHistory(ctx, opts.DB, opts.Getenv, opts.Now)
	if err != nil {
		return err
	}
	defer db.Close()
	runs, err := db.Runs(ctx, history.Filter{Cluster: opts.Cluster, Limit: opts.Limit})
	if err != nil {
		return err
	}
	if opts.Output == "json" {
		if runs == nil {
			runs = []history.Run{}
		}
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(runs)
	}
	if len(runs) == 0 {
		what := "no runs are recorded"
		if opts.Cluster != "" {
			what = "no runs of " + opts.Cluster + " are recorded"
		}
		fmt.Fprintf(opts.IO.Out, "%s in %s (record one with: syspool check PATH... --record)\n", what, db.Path())
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tEVALUATED\tCLUSTER\tDIGEST\tFAILED\tWORST\tNOT EVALUATED\tWAIVED")
	for _, r := range runs {
		worst := "-"
		if r.Worst != rule.SeverityUnset {
			worst = r.Worst.String()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%d\t%d\n", r.ID, r.At.UTC().Format(time.RFC3339), orUnknown(r.Cluster.Name),
			shortDigest(r.Digest), r.Counts.Fail, worst, r.Counts.Error, r.Counts.Waived)
	}
	return tw.Flush()
}

// openHistory opens --db or the default database. A database that cannot be used is an input
// error (exit 2) whose message says how to move it aside; it is never replaced.
func openHistory(ctx context.Context, path string, getenv func(string) string, now func() time.Time) (*history.DB, error) {
	if path == "" {
		var err error
		if path, err = history.DefaultPath(getenv); err != nil {
			return nil, usageError(err)
		}
	}
	db, err := history.Open(ctx, path, func() time.Time { return now().UTC() })
	if err != nil {
		var ce *history.CorruptError
		if errors.As(err, &ce) || errors.Is(err, history.ErrTooNew) {
			return nil, usageError(err)
		}
		return nil, err
	}
	return db, nil
}

// recordOrWarn stores one check run in db; `syspool check --record` calls it after writing the
// report, so a failure is a warning on stderr that names the database, and the run keeps the
// verdict's exit code.
func recordOrWarn(ctx context.Context, ios *iostreams.IOStreams, db *history.DB, snap *snapshot.Snapshot, rep *rule.Report) {
	id, err := recordRun(ctx, db, snap, rep)
	if err != nil {
		fmt.Fprintf(ios.ErrOut, "warning: --record: the run was not recorded in %s: %v\n", db.Path(), err)
		return
	}
	fmt.Fprintf(ios.ErrOut, "Recorded run %d of %s in %s\n", id, orUnknown(snap.Cluster.Name), db.Path())
}

func recordRun(ctx context.Context, db *history.DB, snap *snapshot.Snapshot, rep *rule.Report) (int64, error) {
	run, err := history.NewRun(snap, rep, version.String())
	if err != nil {
		return 0, err
	}
	return db.Record(ctx, run)
}

func shortDigest(d string) string {
	if len(d) > len(snapshot.DigestPrefix)+12 {
		return d[:len(snapshot.DigestPrefix)+12]
	}
	return orDash(d)
}

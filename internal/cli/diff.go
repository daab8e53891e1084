package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/checks"
	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/diff"
	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/history"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/policy"
	"github.com/syspool/syspool/internal/report"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/version"
)

type diffOptions struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Getenv func(string) string

	Before, After string
	Baseline      string
	Since         time.Duration
	SinceSet      bool
	Cluster       string
	DB            string
	Output        string
	OutputFile    string
	FailOnNew     bool
	FailOn        string
	PolicyFile    string
	NowFlag       string
}

func newCmdDiff(sys System, runF func(context.Context, *diffOptions) error) *cobra.Command {
	opts := &diffOptions{IO: sys.IO, Now: sys.Now, Getenv: sys.Getenv}
	cmd := &cobra.Command{
		Use:   "diff BEFORE AFTER | --baseline REPORT AFTER | --since DURATION",
		Short: "Show what changed between two states of a cluster",
		Long: `Compare two states of one cluster: pool changes (mode, count, VM size, taints, labels,
autoscaler bounds, zones, versions, node image, states), nodes added and removed, kube-system
workloads whose pods moved between pools (matched by workload, since pod names change), and
findings that are new, resolved or changed (matched by fingerprint).

BEFORE and AFTER are syspool snapshots ('syspool snapshot'), JSON reports ('syspool check -o
json') or, for AFTER, raw captures as 'syspool check' reads them. Snapshots and captures are
audited with your policy (--policy, else the default) to get their findings; reports carry
theirs. Sealed snapshots must verify, or the diff refuses them.

--since compares the newest run recorded with 'syspool check --record' with the newest one
evaluated at least that long before now.

With --fail-on-new, exit 1 when AFTER has an unwaived failure at or above --fail-on that was
not already one in BEFORE: a pipeline gates only on what it introduced.

Exit codes:
  0    the diff was written (with --fail-on-new: and nothing new at or above --fail-on)
  1    with --fail-on-new: a new unwaived failure at or above --fail-on (listed on stderr)
  2    usage error, or input that could not be read or verified
  130  interrupted (Ctrl-C or SIGTERM) before the run finished: no diff`,
		Example: `  syspool diff before.json after.json
  syspool diff --baseline release-42.json captures/ --fail-on-new --fail-on medium
  syspool diff --since 24h --cluster aks-prod -o markdown`,
		Args: func(cmd *cobra.Command, args []string) error {
			since, base := cmd.Flags().Changed("since"), cmd.Flags().Changed("baseline")
			switch {
			case since && (base || len(args) > 0):
				return usageError(&flagError{errors.New("--since compares recorded runs: give no files and no --baseline")})
			case base && len(args) != 1:
				return usageError(&flagError{errors.New("with --baseline REPORT, give exactly one AFTER file or directory")})
			case !since && !base && len(args) != 2:
				return usageError(&flagError{errors.New("give BEFORE and AFTER, or --baseline REPORT AFTER, or --since DURATION")})
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.SinceSet = cmd.Flags().Changed("since")
			switch len(args) {
			case 1:
				opts.Before, opts.After = opts.Baseline, args[0]
			case 2:
				opts.Before, opts.After = args[0], args[1]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDiff(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "table", "output format: "+strings.Join(diff.Formats, "|"))
	f.StringVar(&opts.OutputFile, "output-file", "", "write the diff to this file (atomically) instead of standard output")
	f.StringVar(&opts.Baseline, "baseline", "", "the BEFORE side: a JSON report or snapshot of the accepted state")
	f.DurationVar(&opts.Since, "since", 0, "compare the newest recorded run with the newest one at least this old (e.g. 24h)")
	f.StringVar(&opts.Cluster, "cluster", "", "with --since: the cluster (name or ARM ID); needed when several are recorded")
	f.StringVar(&opts.DB, "db", "", "with --since: the history database (default: $XDG_STATE_HOME/syspool/history.db)")
	f.BoolVar(&opts.FailOnNew, "fail-on-new", false, "exit 1 when a new unwaived failure at or above --fail-on appears")
	f.StringVar(&opts.FailOn, "fail-on", "high", "with --fail-on-new: the lowest severity that fails: "+strings.Join(rule.Severities(), "|"))
	f.StringVar(&opts.PolicyFile, "policy", "", "policy used to audit snapshot and capture inputs (default: the built-in one)")
	f.StringVar(&opts.NowFlag, "now", "", "audit snapshot inputs as of this time (default: each one's collection time)")
	_ = cmd.RegisterFlagCompletionFunc("output", fixedCompletion(diff.Formats...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixedCompletion(rule.Severities()...))
	return cmd
}

func runDiff(ctx context.Context, opts *diffOptions) error {
	format := strings.ToLower(opts.Output)
	if format == "md" {
		format = "markdown"
	}
	if !contains(diff.Formats, format) {
		return usageError(&flagError{fmt.Errorf("unknown output format %q (valid: %s)", opts.Output, strings.Join(diff.Formats, ", "))})
	}
	failOn, err := rule.ParseSeverity(opts.FailOn)
	if err != nil {
		return usageError(&flagError{fmt.Errorf("--fail-on: %w", err)})
	}
	if opts.SinceSet && opts.Since <= 0 {
		return usageError(&flagError{fmt.Errorf("--since %s: must be a positive duration such as 24h", opts.Since)})
	}
	var before, after diff.Side
	if opts.SinceSet {
		before, after, err = sidesFromHistory(ctx, opts)
	} else {
		before, after, err = sidesFromFiles(ctx, opts)
	}
	if err != nil {
		return err
	}
	res := diff.Compare(before, after)
	if err := writeOutput(opts.IO, opts.OutputFile, func(w io.Writer) error { return diff.Write(w, format, res) }); err != nil {
		return err
	}
	if !opts.FailOnNew {
		return nil
	}
	if !res.FindingsCompared {
		return usageErrorf("--fail-on-new: a side has no findings to compare")
	}
	blocking := diff.NewBlocking(before.Findings, after.Findings, failOn)
	if len(blocking) == 0 {
		return nil
	}
	var lines []string
	for _, f := range blocking {
		lines = append(lines, fmt.Sprintf("%s %s %s: %s", f.Severity, f.RuleID, f.Resource, f.Message))
	}
	return &exitError{code: ExitFindings, err: fmt.Errorf("%d new finding(s) at or above %s since %s:\n  %s",
		len(blocking), failOn, before.Label, strings.Join(lines, "\n  "))}
}

func sidesFromFiles(ctx context.Context, opts *diffOptions) (before, after diff.Side, err error) {
	if before, err = loadSide(ctx, opts, opts.Before); err != nil {
		return before, after, err
	}
	after, err = loadSide(ctx, opts, opts.After)
	return before, after, err
}

// loadSide reads a JSON report as it is, or a snapshot (verified when sealed) or raw captures
// through the files collector, auditing them with the policy to get findings.
func loadSide(ctx context.Context, opts *diffOptions, path string) (diff.Side, error) {
	var head struct {
		Kind          string          `json:"kind"`
		SchemaVersion *int            `json:"schemaVersion"`
		Cluster       json.RawMessage `json:"cluster"`
		Digest        string          `json:"digest"`
		Runs          json.RawMessage `json:"runs"`
	}
	data, readErr := os.ReadFile(path)
	if readErr == nil && json.Unmarshal(bytes.TrimSpace(data), &head) == nil {
		switch {
		case head.Kind == report.DocumentKind:
			return reportSide(path, data, head.SchemaVersion)
		case head.Kind == diff.Kind:
			return diff.Side{}, usageErrorf("%s is a syspool diff; compare snapshots or reports", path)
		case head.Runs != nil:
			return diff.Side{}, usageErrorf("%s looks like SARIF, which diff cannot read back; use a JSON report (syspool check -o json) or a snapshot", path)
		case head.Digest != "":
			if _, err := snapshot.Verify(data); err != nil {
				return diff.Side{}, usageErrorf("%s: %v (run 'syspool verify %s'; diff refuses evidence that does not verify)", path, err, path)
			}
		}
	}
	snap, err := files.New(files.Options{Paths: []string{path}, Now: func() time.Time { return opts.Now().UTC() },
		ToolVersion: version.String()}).Collect(ctx)
	if err != nil {
		return diff.Side{}, usageError(err)
	}
	findings, err := audit(snap, opts)
	if err != nil {
		return diff.Side{}, err
	}
	return diff.FromSnapshot(path, snap, findings), nil
}

func reportSide(path string, data []byte, version *int) (diff.Side, error) {
	if version == nil || *version < 1 || *version > rule.ReportSchemaVersion {
		v := "none"
		if version != nil {
			v = fmt.Sprint(*version)
		}
		return diff.Side{}, usageErrorf("%s: report schemaVersion %s is not supported (this syspool reads 1..%d)", path, v, rule.ReportSchemaVersion)
	}
	var doc report.Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return diff.Side{}, usageErrorf("%s: not a readable syspool report: %v", path, err)
	}
	return diff.FromReport(path, doc), nil
}

// audit runs the rules over a snapshot as `syspool check` would, as of --now or the time the
// snapshot was collected, so a diff of two old snapshots reproduces their findings of the day.
func audit(snap *snapshot.Snapshot, opts *diffOptions) ([]rule.Finding, error) {
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		return nil, err
	}
	base, user, err := loadPolicy(opts.PolicyFile, reg)
	if err != nil {
		return nil, err
	}
	resolved, err := policy.Resolve(base, user, reg, snap.Cluster)
	if err != nil {
		return nil, usageError(err)
	}
	eopts := resolved.Options
	switch {
	case opts.NowFlag != "":
		if eopts.Now, err = resolveNow(opts.NowFlag, opts.Now); err != nil {
			return nil, usageError(&flagError{err})
		}
	case !snap.Provenance.CollectedAt.IsZero():
		eopts.Now = snap.Provenance.CollectedAt.UTC()
	default:
		eopts.Now = opts.Now().UTC()
	}
	return engine.Run(snap, eopts).Findings, nil
}

func sidesFromHistory(ctx context.Context, opts *diffOptions) (before, after diff.Side, err error) {
	db, err := openHistory(ctx, opts.DB, opts.Getenv, opts.Now)
	if err != nil {
		return before, after, err
	}
	defer db.Close()
	cluster := opts.Cluster
	if cluster == "" {
		names, err := db.Clusters(ctx)
		if err != nil {
			return before, after, err
		}
		switch len(names) {
		case 0:
			return before, after, usageErrorf("no runs are recorded in %s (record them with: syspool check PATH... --record)", db.Path())
		case 1:
			cluster = names[0]
		default:
			return before, after, usageError(&flagError{fmt.Errorf("runs of several clusters are recorded; choose one with --cluster (%s)", strings.Join(names, ", "))})
		}
	}
	latest, err := db.Latest(ctx, cluster)
	if errors.Is(err, history.ErrNoRun) {
		return before, after, usageErrorf("no run of %s is recorded in %s", cluster, db.Path())
	}
	if err != nil {
		return before, after, err
	}
	cutoff := opts.Now().UTC().Add(-opts.Since)
	base, err := db.LatestBefore(ctx, cluster, cutoff, latest.ID)
	if errors.Is(err, history.ErrNoRun) {
		return before, after, usageErrorf("no run of %s was evaluated at or before %s (%s ago); the newest is run %d at %s: see 'syspool history --cluster %s'",
			cluster, cutoff.Format(time.RFC3339), opts.Since, latest.ID, latest.At.UTC().Format(time.RFC3339), cluster)
	}
	if err != nil {
		return before, after, err
	}
	return base.Side(), latest.Side(), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/checks"
	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/history"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/policy"
	"github.com/syspool/syspool/internal/report"
	"github.com/syspool/syspool/internal/rule"
)

type checkOptions struct {
	IO  *iostreams.IOStreams
	Now func() time.Time

	Paths      []string
	Output     string
	OutputFile string
	FailOn     string
	FailOnSet  bool
	PolicyFile string
	Baseline   string
	NowFlag    string
	Color      string
	Verbose    bool

	// Record stores the run in the history database: DB, else the default path (Getenv finds it).
	Record bool
	DB     string
	Getenv func(string) string

	// Live reads the cluster through ARM and the Kubernetes API when no path is given.
	Live liveOptions
}

func newCmdCheck(sys System, runF func(context.Context, *checkOptions) error) *cobra.Command {
	opts := &checkOptions{IO: sys.IO, Now: sys.Now, Getenv: sys.Getenv, Live: liveOptions{deps: sys.Live}}
	cmd := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Audit one cluster's system node pool",
		Long: `Audit one AKS cluster: join every agent pool with the nodes and pods that run on it, run
the rule catalog, print the inventory, kube-system placement and findings, and exit with a
code a pipeline can gate on.

Inputs are files or directories of files, detected by content (not by name):
  az aks show -o json, az aks nodepool list|show -o json, ARM JSON of a managed cluster,
  an agent pool or an agent pool list, kubectl get nodes|pods|pdb|deploy|ds -o json|yaml
  (lists, single objects, mixed lists), and syspool snapshots.

Capture a cluster for an offline audit with:
  az aks show --subscription SUB -g RG -n CLUSTER -o json > az-aks-show.json
  az aks nodepool list --subscription SUB -g RG --cluster-name CLUSTER -o json > az-aks-nodepool-list.json
  kubectl get nodes -o json > nodes.json
  kubectl get pods,deploy,ds,pdb -A -o json > workloads.json

Or read the cluster live, without capturing anything (see docs/live.md):
  syspool check --subscription SUB -g RG --cluster-name CLUSTER [--context CONTEXT]

  Azure: the managed cluster and its agent pools are read through Azure Resource Manager
  with DefaultAzureCredential: environment variables (AZURE_CLIENT_ID, AZURE_TENANT_ID,
  AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE), workload identity, managed identity,
  or your Azure CLI login (az login). It needs Microsoft.ContainerService/managedClusters/read,
  .../managedClusters/agentPools/read and Microsoft.Resources/subscriptions/read: the custom
  role in deploy/rbac/azure-custom-role.json grants exactly these.
  Kubernetes: nodes, pods, PDBs, Deployments, DaemonSets and StatefulSets are listed with your
  kubeconfig (--kubeconfig, --context; exec plugins such as kubelogin work), in pages of
  --page-size, at most --kube-qps requests a second. It needs "list" on those resources and
  nothing else: deploy/rbac/clusterrole.yaml and clusterrolebinding.yaml.
  Identity: the header names tenant, subscription, resource group, cluster, API server and
  kube context. Before any pod is read, the kube context is matched to the Azure cluster (API
  server host vs fqdn/privateFQDN, and the kubernetes.azure.com/cluster label of the nodes vs
  the node resource group); a mismatch stops the run with exit 2 unless
  --allow-context-mismatch.
  --skip-azure (or no --subscription) audits the Kubernetes side alone; --skip-kube the Azure
  side alone. What could not be read (skipped, 403, throttled, timed out, the API server went
  away) makes the rules that need it report "error", and the run exits 3.

Rules that need data you did not give report "error" (not evaluated) and the run exits 3.

Exit codes:
  0    no unwaived finding at or above --fail-on, and every rule could be evaluated
  1    at least one unwaived finding at or above --fail-on
  2    usage error, input that could not be read, a cluster that does not exist, or a kube
       context that is not the named cluster (nothing was judged)
  3    no finding at or above --fail-on, but some rules could not be evaluated
  130  interrupted (Ctrl-C or SIGTERM) before the run finished: no verdict`,
		Example: `  syspool check examples/shared-pool/
  syspool check az-aks-show.json nodes.json pods.json -o json
  syspool check captures/ --fail-on medium --now 2026-11-27
  syspool check --subscription 5b0f3d8e-71c4-4a2d-9e6b-c8a4f1e2d097 -g rg-shop-prod --cluster-name aks-shop-prod --context aks-shop-prod
  syspool check --context aks-shop-prod --skip-azure`,
		Args: func(cmd *cobra.Command, args []string) error {
			return opts.Live.checkInputs(cmd, args, "audit")
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			opts.FailOnSet = cmd.Flags().Changed("fail-on")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runCheck(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "table", "output format: "+strings.Join(report.Names(), "|"))
	f.StringVar(&opts.OutputFile, "output-file", "", "write the report to this file (atomically) instead of standard output")
	f.StringVar(&opts.FailOn, "fail-on", "high", "exit 1 when an unwaived finding is at or above this severity: "+strings.Join(rule.Severities(), "|")+"|none")
	f.StringVar(&opts.PolicyFile, "policy", "", "policy file (thresholds, overrides, waivers); see 'syspool policy init'")
	f.StringVar(&opts.Baseline, "baseline", "", "built-in baseline: "+strings.Join(policy.Baselines(), "|")+" (default: the policy's, else "+policy.DefaultBaseline+")")
	f.StringVar(&opts.NowFlag, "now", "", "evaluate as of this time (RFC 3339 or YYYY-MM-DD) for reproducible runs")
	f.StringVar(&opts.Color, "color", "auto", "colour the table: auto|always|never (auto: only on a terminal, never with NO_COLOR)")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "list passing and skipped checks too")
	f.BoolVar(&opts.Record, "record", false, "store this run (snapshot digest, identity, findings) for 'syspool history' and 'syspool diff --since'")
	f.StringVar(&opts.DB, "db", "", "history database for --record (default: $XDG_STATE_HOME/syspool/history.db)")
	opts.Live.addFlags(f)
	_ = cmd.RegisterFlagCompletionFunc("output", fixedCompletion(report.Names()...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixedCompletion(append(rule.Severities(), "none")...))
	_ = cmd.RegisterFlagCompletionFunc("baseline", fixedCompletion(policy.Baselines()...))
	_ = cmd.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	return cmd
}

func runCheck(ctx context.Context, opts *checkOptions) error {
	writer, err := report.Lookup(opts.Output)
	if err != nil {
		return usageError(&flagError{err})
	}
	failOn, err := rule.ParseSeverity(opts.FailOn)
	if err != nil {
		return usageError(&flagError{fmt.Errorf("--fail-on: %w", err)})
	}
	now, err := resolveNow(opts.NowFlag, opts.Now)
	if err != nil {
		return usageError(&flagError{err})
	}
	color, err := resolveColor(opts.Color, opts.IO)
	if err != nil {
		return usageError(&flagError{err})
	}
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		return err
	}

	base, user, err := loadPolicy(opts.PolicyFile, reg)
	if err != nil {
		return err
	}
	if opts.Baseline != "" {
		if base, _, err = policy.LoadBaseline(opts.Baseline, reg, user); err != nil {
			return usageError(&flagError{fmt.Errorf("--baseline: %w", err)})
		}
	}

	// A --db that cannot be opened fails the run before anything is collected or printed: the
	// user asked for a record and would otherwise learn only after the report that none was kept.
	var db *history.DB
	if opts.Record {
		if db, err = openHistory(ctx, opts.DB, opts.Getenv, opts.Now); err != nil {
			return fmt.Errorf("--record: %w", err)
		}
		defer db.Close()
	}

	snap, err := collectSnapshot(ctx, opts.IO, opts.Paths, &opts.Live, func() time.Time { return now })
	if err != nil {
		return err
	}
	resolved, err := policy.Resolve(base, user, reg, snap.Cluster)
	if err != nil {
		return usageError(err)
	}
	if !opts.FailOnSet && resolved.FailOn != rule.SeverityUnset {
		failOn = resolved.FailOn
	}
	eopts := resolved.Options
	eopts.Now = now
	rep := engine.Run(snap, eopts)
	in := report.Input{Snapshot: snap, Report: rep, Catalog: reg.All(), FailOn: failOn}
	if err := writeOutput(opts.IO, opts.OutputFile, func(w io.Writer) error {
		return writer(w, in, report.Options{Color: color && opts.OutputFile == "", Verbose: opts.Verbose})
	}); err != nil {
		return err
	}
	if db != nil {
		// The verdict stands once it is printed: a failure to store it is a warning, not exit 2.
		recordOrWarn(ctx, opts.IO, db, snap, rep)
	}
	return withCode(verdict(rep, failOn))
}

// verdict maps a report to the exit code. Findings at or above the threshold win over missing
// data: a known failure is the stronger statement.
func verdict(rep *rule.Report, failOn rule.Severity) ExitCode {
	if w := rep.WorstFailing(); w != rule.SeverityUnset && w >= failOn {
		return ExitFindings
	}
	if rep.Incomplete() {
		return ExitIncomplete
	}
	return ExitOK
}

func resolveNow(flag string, clock func() time.Time) (time.Time, error) {
	if flag == "" {
		return clock().UTC(), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, flag); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("--now %q: expected RFC 3339 (2026-11-27T10:00:00Z) or a date (2026-11-27)", flag)
}

func resolveColor(flag string, ios *iostreams.IOStreams) (bool, error) {
	switch flag {
	case "auto":
		return ios.ColorEnabled(), nil
	case "always":
		return true, nil
	case "never":
		return false, nil
	}
	return false, fmt.Errorf("--color %q: expected auto, always or never", flag)
}

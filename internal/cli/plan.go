package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/plan"
	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/version"
)

type planOptions struct {
	IO  *iostreams.IOStreams
	Now func() time.Time

	Action     plan.Action
	Paths      []string
	Output     string
	OutputFile string
	NowFlag    string

	Pool    string
	New     plan.PoolSpec
	Taints  []string
	Retire  string
	Version string
	Image   bool
	Upgrade simulate.UpgradeSettings
}

var planUse = map[plan.Action]struct{ short, example string }{
	plan.Add: {"Plan adding a pool", `  syspool plan add examples/healthy/ --pool sysd8 --mode System --vm-size Standard_D8ds_v5 --zones 1,2,3 \
      --taints CriticalAddonsOnly=true:NoSchedule`},
	plan.Resize: {"Plan moving a pool to a new VM size (a new pool: the size of a pool is immutable)",
		`  syspool plan resize examples/gpu-addons/ --pool sysnp --vm-size Standard_D4ds_v5 --count 3`},
	plan.Replace: {"Plan replacing a pool: add the new one, move the pods, delete or demote the old one",
		`  syspool plan replace examples/shared-pool/ --pool nodepool1 --new-pool system --zones 1,2,3 \
      --taints CriticalAddonsOnly=true:NoSchedule --retire demote`},
	plan.Upgrade: {"Plan a surge upgrade of a pool (Kubernetes version or node image)",
		`  syspool plan upgrade examples/healthy/ --pool system --kubernetes-version 1.36.3
  syspool plan upgrade examples/healthy/ --pool system --node-image-only -o markdown > change-ticket.md`},
	plan.Remove: {"Plan removing a pool", `  syspool plan remove examples/gpu-addons/ --pool spotnp`},
}

func newCmdPlan(sys System, runF func(context.Context, *planOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan <action> PATH...",
		Short: "Print a gated, simulated runbook for a pool change (never runs it)",
		Long: `Plan a change to an AKS cluster's pools from the same captures syspool check reads, and
print it as a runbook: ordered steps, each with its exact az or kubectl command, its class
(read-only, cost-impacting or mutating), the gate that must hold before it with the read-only
command that shows it, the validation after it and how to roll it back.

The plan simulates the change on the capture: it re-places every pod a drain or an upgrade
displaces (taints, affinity, anti-affinity, spread, requests against allocatable, maxPods),
uses PodDisruptionBudgets up across the whole drain, and names each pod that would find no
node and each PDB that would block, with the numbers. Requests AKS would refuse (Spot or
Windows System pools, maxUnavailable or custom taints on System pools, invalid names,
removing the last System pool) are refused with the reason. No plan leaves the cluster
without a healthy System pool, or deletes one before its replacement runs the kube-system pods.

syspool never runs a plan: it only prints it.

Exit codes:
  0    the plan is ready: nothing blocks
  1    the plan is blocked: a PDB or a pod without a node stops a step (see Blockers)
  2    usage error, unreadable input, or a request AKS would refuse (the plan says why)
  3    nothing blocks, but the capture lacked data to simulate part of the plan
  130  interrupted (Ctrl-C or SIGTERM) before the run finished: no plan`,
	}
	for _, a := range plan.Actions {
		cmd.AddCommand(newCmdPlanAction(sys, a, runF))
	}
	return cmd
}

func newCmdPlanAction(sys System, action plan.Action, runF func(context.Context, *planOptions) error) *cobra.Command {
	opts := &planOptions{IO: sys.IO, Now: sys.Now, Action: action}
	use := planUse[action]
	cmd := &cobra.Command{
		Use:     string(action) + " PATH... --pool NAME",
		Short:   use.short,
		Example: use.example,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(&flagError{fmt.Errorf("give at least one capture file or directory, as for syspool check")})
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if cmd.Flags().Changed("taints") {
				ts, err := parseTaints(opts.Taints)
				if err != nil {
					return usageError(&flagError{err})
				}
				opts.New.Taints = &ts
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPlan(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "table", "output format: "+strings.Join(plan.Formats, "|"))
	f.StringVar(&opts.OutputFile, "output-file", "", "write the plan to this file (atomically) instead of standard output")
	f.StringVar(&opts.NowFlag, "now", "", "date the capture as of this time (RFC 3339 or YYYY-MM-DD) for reproducible output")
	poolDoc := "the pool to " + string(action)
	if action == plan.Add {
		poolDoc = "name of the new pool (1-12 lowercase letters and digits, starting with a letter)"
	}
	f.StringVar(&opts.Pool, "pool", "", poolDoc)
	_ = cmd.MarkFlagRequired("pool")
	switch action {
	case plan.Add, plan.Resize, plan.Replace:
		newPoolFlags(cmd, opts, action)
	case plan.Upgrade:
		f.StringVar(&opts.Version, "kubernetes-version", "", "target Kubernetes version (at most the control plane's)")
		f.BoolVar(&opts.Image, "node-image-only", false, "upgrade only the node image")
		f.StringVar(&opts.Upgrade.MaxSurge, "max-surge", "", "surge nodes for this upgrade: a count or a percentage (default: the pool's, else 10%)")
		f.StringVar(&opts.Upgrade.MaxUnavailable, "max-unavailable", "", "nodes drained in place without surge (User pools only)")
		f.IntVar(&opts.Upgrade.DrainTimeoutInMinutes, "drain-timeout", 0, "minutes a node's drain may take before the upgrade stops (default: the pool's, else 30)")
		f.IntVar(&opts.Upgrade.NodeSoakDurationInMinutes, "node-soak-duration", 0, "minutes to wait after each drained node")
		f.StringVar(&opts.Upgrade.UndrainableNodeBehavior, "undrainable-node-behavior", "", "what AKS does with a node it cannot drain: Schedule|Cordon")
		_ = cmd.RegisterFlagCompletionFunc("undrainable-node-behavior", fixedCompletion("Schedule", "Cordon"))
	}
	_ = cmd.RegisterFlagCompletionFunc("output", fixedCompletion(plan.Formats...))
	return cmd
}

// newPoolFlags are the flags that describe the pool to create, named as `az aks nodepool add`
// names them where it can.
func newPoolFlags(cmd *cobra.Command, opts *planOptions, action plan.Action) {
	f := cmd.Flags()
	if action == plan.Add {
		f.StringVar(&opts.New.Mode, "mode", "User", "mode of the new pool: System|User")
		_ = cmd.RegisterFlagCompletionFunc("mode", fixedCompletion("System", "User"))
		f.BoolVar(&opts.New.Spot, "spot", false, "run the new pool on Spot VMs (User pools only)")
		f.StringVar(&opts.New.OSType, "os-type", "", "Linux|Windows (default Linux)")
		f.BoolVar(&opts.New.Autoscale, "enable-cluster-autoscaler", false, "put the cluster autoscaler on the new pool")
		f.IntVar(&opts.New.MinCount, "min-count", 0, "autoscaler minimum")
		f.IntVar(&opts.New.MaxCount, "max-count", 0, "autoscaler maximum")
	} else {
		f.StringVar(&opts.New.Name, "new-pool", "", "name of the replacement pool (default: the old name with v2)")
		f.StringVar(&opts.Retire, "retire", string(plan.RetireDelete), "what to do with the old pool: delete (drain everything, then delete) "+
			"or demote (move the kube-system pods only, then make it a User pool)")
		_ = cmd.RegisterFlagCompletionFunc("retire", fixedCompletion(string(plan.RetireDelete), string(plan.RetireDemote)))
		f.StringVar(&opts.New.KubernetesVersion, "kubernetes-version", "", "Kubernetes version of the new pool (default: the old pool's)")
	}
	sizeDoc := "VM size of the new pool"
	switch action {
	case plan.Resize:
		sizeDoc = "the new VM size"
	case plan.Replace:
		sizeDoc += " (default: the old pool's)"
	}
	f.StringVar(&opts.New.VMSize, "vm-size", "", sizeDoc)
	if action != plan.Replace {
		_ = cmd.MarkFlagRequired("vm-size")
	}
	f.IntVar(&opts.New.Count, "count", 0, "node count of the new pool (default: the old pool's, else 3)")
	f.StringSliceVar(&opts.New.Zones, "zones", nil, "availability zones of the new pool, e.g. 1,2,3 (zones cannot be changed later)")
	f.StringSliceVar(&opts.Taints, "taints", nil, `taints of the new pool, e.g. CriticalAddonsOnly=true:NoSchedule ("" for none)`)
	f.IntVar(&opts.New.MaxPods, "max-pods", 0, "maxPods of the new pool (default: the old pool's, else the network plugin's)")
	f.StringVar(&opts.New.OSSKU, "os-sku", "", "OS SKU of the new pool, e.g. AzureLinux or Ubuntu")
	f.StringVar(&opts.New.MaxSurge, "max-surge", "", "maxSurge of the new pool (default: the old pool's; 33% for System pools)")
	f.StringVar(&opts.New.MaxUnavailable, "max-unavailable", "", "maxUnavailable of the new pool (User pools only: AKS refuses it on System pools)")
}

// parseTaints reads "key=value:Effect" and "key:Effect" as az does; "" clears the list.
func parseTaints(in []string) ([]snapshot.Taint, error) {
	out := []snapshot.Taint{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		kv, effect, ok := strings.Cut(s, ":")
		if !ok || kv == "" || effect == "" {
			return nil, fmt.Errorf("--taints %q: expected key=value:Effect, e.g. CriticalAddonsOnly=true:NoSchedule", s)
		}
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, snapshot.Taint{Key: k, Value: v, Effect: effect})
	}
	return out, nil
}

func runPlan(ctx context.Context, opts *planOptions) error {
	render, err := plan.Writer(opts.Output)
	if err != nil {
		return usageError(&flagError{err})
	}
	now, err := resolveNow(opts.NowFlag, opts.Now)
	if err != nil {
		return usageError(&flagError{err})
	}
	snap, err := files.New(files.Options{Paths: opts.Paths, Now: func() time.Time { return now },
		ToolVersion: version.String()}).Collect(ctx)
	if err != nil {
		return usageError(err)
	}
	req := plan.Request{Action: opts.Action, Pool: opts.Pool, New: opts.New, Retire: plan.Retire(opts.Retire),
		KubernetesVersion: opts.Version, NodeImageOnly: opts.Image, Upgrade: opts.Upgrade}
	if opts.Action == plan.Add {
		req.Pool, req.New.Name = "", opts.Pool
	}
	p, err := plan.Build(snap, req, plan.Options{})
	if err != nil {
		return usageError(err)
	}
	if err := writeOutput(opts.IO, opts.OutputFile, func(w io.Writer) error { return render(w, p) }); err != nil {
		return err
	}
	return withCode(planVerdict(p))
}

// planVerdict maps a plan to the exit code, as verdict does for a report.
func planVerdict(p *plan.Plan) ExitCode {
	switch p.Verdict() {
	case plan.Refused:
		return ExitUsage
	case plan.Blocked:
		return ExitFindings
	case plan.Incomplete:
		return ExitIncomplete
	}
	return ExitOK
}

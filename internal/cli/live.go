package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	armpolicy "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syspool/syspool/internal/collect/arm"
	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/collect/kube"
	"github.com/syspool/syspool/internal/collect/live"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/version"
)

// LiveDeps are the outside world of a live collection; the zero value is the real one. Tests point
// the Azure SDK at a replay server and give a credential it accepts.
type LiveDeps struct {
	// AzureCredential returns the ARM credential; nil means azidentity.DefaultAzureCredential
	// (environment, workload identity, managed identity, Azure CLI login).
	AzureCredential func() (azcore.TokenCredential, error)
	// AzureClientOptions are passed to the Azure SDK clients (transport, cloud).
	AzureClientOptions armpolicy.ClientOptions
	// AzureRetry overrides arm.DefaultRetry when MaxRetries is set.
	AzureRetry policy.RetryOptions
}

// liveOptions are the flags of a live collection, shared by check and snapshot.
type liveOptions struct {
	Subscription, ResourceGroup, ClusterName string
	Kubeconfig, Context                      string
	SkipAzure, SkipKube                      bool
	AllowContextMismatch                     bool
	PageSize                                 int64
	KubeQPS                                  float32
	KubeBurst                                int
	Timeout                                  time.Duration

	deps LiveDeps
}

// liveSelectors are the flags that make a run live instead of reading files.
var liveSelectors = []string{"subscription", "resource-group", "cluster-name", "kubeconfig", "context", "skip-azure", "skip-kube"}

func (o *liveOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Subscription, "subscription", "", "live: Azure subscription id of the cluster")
	f.StringVarP(&o.ResourceGroup, "resource-group", "g", "", "live: resource group of the cluster")
	f.StringVar(&o.ClusterName, "cluster-name", "", "live: name of the AKS cluster")
	f.StringVar(&o.Kubeconfig, "kubeconfig", "", "live: kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
	f.StringVar(&o.Context, "context", "", "live: kube context (default: the current context); must be the same cluster")
	f.BoolVar(&o.SkipAzure, "skip-azure", false, "live: do not read Azure; rules that need the cluster or its pools report error")
	f.BoolVar(&o.SkipKube, "skip-kube", false, "live: do not read Kubernetes; rules that need nodes or pods report error")
	f.BoolVar(&o.AllowContextMismatch, "allow-context-mismatch", false, "live: audit even if the kube context does not match the Azure cluster")
	f.Int64Var(&o.PageSize, "page-size", kube.DefaultPageSize, "live: objects per Kubernetes list request")
	f.Float32Var(&o.KubeQPS, "kube-qps", kube.DefaultQPS, "live: Kubernetes requests per second")
	f.IntVar(&o.KubeBurst, "kube-burst", kube.DefaultBurst, "live: Kubernetes request burst")
	f.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "live: time limit for the whole collection; what is not read by then is reported as missing")
}

// requested reports whether the command line asks for a live collection.
func (o *liveOptions) requested(cmd *cobra.Command) bool {
	for _, name := range liveSelectors {
		if cmd.Flags().Changed(name) {
			return true
		}
	}
	return false
}

// checkInputs refuses files and live flags together, and neither.
func (o *liveOptions) checkInputs(cmd *cobra.Command, args []string, what string) error {
	live := o.requested(cmd)
	switch {
	case len(args) == 0 && !live:
		return usageError(&flagError{fmt.Errorf("give at least one file or directory to %s, or read the cluster live with "+
			"--subscription, --resource-group and --cluster-name (and --context)", what)})
	case len(args) > 0 && live:
		return usageError(&flagError{fmt.Errorf("give files or live flags, not both: %s were given with %s",
			strings.Join(args, ", "), strings.Join(o.given(cmd), ", "))})
	}
	return nil
}

func (o *liveOptions) given(cmd *cobra.Command) []string {
	var out []string
	for _, name := range liveSelectors {
		if cmd.Flags().Changed(name) {
			out = append(out, "--"+name)
		}
	}
	return out
}

// collectSnapshot reads the files, or the cluster live when no paths are given.
func collectSnapshot(ctx context.Context, ios *iostreams.IOStreams, paths []string, lo *liveOptions, now func() time.Time) (*snapshot.Snapshot, error) {
	if len(paths) > 0 {
		snap, err := files.New(files.Options{Paths: paths, Now: now, ToolVersion: version.String()}).Collect(ctx)
		if err != nil {
			return nil, usageError(err)
		}
		return snap, nil
	}
	opts, err := lo.collectorOptions(ios, now)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, lo.Timeout)
	defer cancel()
	snap, err := live.New(opts).Collect(ctx)
	var nf *arm.NotFoundError
	var ce *live.ContextError
	switch {
	case errors.As(err, &nf) || errors.As(err, &ce):
		// The named cluster does not exist, or the kube context is another cluster: nothing was
		// judged, and nothing may be.
		return nil, usageError(err)
	case err != nil:
		return nil, fmt.Errorf("read the cluster live: %w", err)
	}
	return snap, nil
}

// collectorOptions validates the live flags and builds the collectors' options.
func (lo *liveOptions) collectorOptions(ios *iostreams.IOStreams, now func() time.Time) (live.Options, error) {
	opts := live.Options{AllowContextMismatch: lo.AllowContextMismatch, Now: now, ToolVersion: version.String()}
	if lo.SkipAzure && lo.SkipKube {
		return opts, usageError(&flagError{errors.New("--skip-azure and --skip-kube together leave nothing to audit")})
	}
	if lo.Timeout <= 0 || lo.PageSize <= 0 || lo.KubeQPS <= 0 || lo.KubeBurst <= 0 {
		return opts, usageError(&flagError{errors.New("--timeout, --page-size, --kube-qps and --kube-burst must be positive")})
	}
	progress := newProgress(ios)

	named := map[string]string{"--subscription": lo.Subscription, "--resource-group": lo.ResourceGroup, "--cluster-name": lo.ClusterName}
	var missing []string
	for _, flag := range []string{"--subscription", "--resource-group", "--cluster-name"} {
		if named[flag] == "" {
			missing = append(missing, flag)
		}
	}
	switch {
	case lo.SkipAzure:
		opts.AzureSkipped = "not read: --skip-azure (Kubernetes-only audit)"
	case len(missing) == 3:
		opts.AzureSkipped = "not read: no --subscription, --resource-group and --cluster-name were given (Kubernetes-only audit)"
	case len(missing) > 0:
		return opts, usageError(&flagError{fmt.Errorf("reading the cluster from Azure needs %s too (or --skip-azure)", strings.Join(missing, ", "))})
	default:
		newCred := lo.deps.AzureCredential
		if newCred == nil {
			newCred = func() (azcore.TokenCredential, error) { return azidentity.NewDefaultAzureCredential(nil) }
		}
		cred, err := newCred()
		if err != nil {
			return opts, fmt.Errorf("set up Azure authentication: %w", err)
		}
		opts.Azure = &arm.Options{SubscriptionID: lo.Subscription, ResourceGroup: lo.ResourceGroup, ClusterName: lo.ClusterName,
			Credential: cred, ClientOptions: lo.deps.AzureClientOptions, Retry: lo.deps.AzureRetry, Progress: progress.line}
	}
	if lo.SkipKube {
		opts.KubeSkipped = "not read: --skip-kube (Azure-only audit)"
		return opts, nil
	}
	cfg, info, err := kube.LoadConfig(lo.Kubeconfig, lo.Context)
	if err != nil {
		return opts, usageError(fmt.Errorf("%w (or pass --skip-kube for an Azure-only audit)", err))
	}
	opts.Kube = &kube.Options{Config: cfg, Context: info.Context, PageSize: lo.PageSize, QPS: lo.KubeQPS, Burst: lo.KubeBurst,
		Progress: progress.count}
	return opts, nil
}

// progress reports a live collection on standard error, only when it is a terminal: pipelines
// and logs get the report alone.
type progress struct {
	ios *iostreams.IOStreams
	mu  sync.Mutex
}

func newProgress(ios *iostreams.IOStreams) *progress { return &progress{ios: ios} }

func (p *progress) line(format string, args ...any) {
	if !p.ios.IsStderrTTY() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.ios.ErrOut, format+"\n", args...)
}

func (p *progress) count(kind string, n int, done bool) {
	if !p.ios.IsStderrTTY() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	end := ""
	if done {
		end = "\n"
	}
	fmt.Fprintf(p.ios.ErrOut, "\rListing %s: %d%s", kind, n, end)
}

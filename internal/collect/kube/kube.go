// Package kube is the live Kubernetes collector: it lists nodes, pods, PodDisruptionBudgets,
// Deployments, DaemonSets and StatefulSets through client-go with the user's kubeconfig (exec
// plugins such as kubelogin included) and returns the Kubernetes half of a snapshot.
//
// It is built to be polite to a production API server and to bound its own memory: every list is
// paginated (limit/continue), each page is converted into snapshot types by the offline reader's
// own converters (files.ConvertPod and friends) and dropped, no informer or watch cache is used,
// requests ask for protobuf, and client-go's rate limiter holds the QPS the user allows. One
// request is in flight at a time; the next page is asked for as soon as the continue token of
// the current one is read from its first bytes, so the API server serves page N+1 while page N
// is decoded here (pages.go). An expired continue token (410 Gone) restarts that list from the
// beginning a bounded number of times.
//
// A failed list is data, not a crash: the kind gets Coverage{Present: false} (or Partial when some
// pages were read) with the reason, and the rules that need it report error.
package kube

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/syspool/syspool/internal/collect"
	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/snapshot"
)

// Defaults of the knobs the CLI exposes as flags.
const (
	// DefaultPageSize matches kubectl's --chunk-size: small enough that a page of pods is a few
	// megabytes, large enough that 150,000 pods take 300 requests.
	DefaultPageSize = 500
	// DefaultQPS and DefaultBurst are above client-go's 5/10, which would make a large cluster's
	// audit crawl, and well below what API Priority and Fairness gives one client.
	DefaultQPS   = 20
	DefaultBurst = 40
	// DefaultRequestTimeout bounds one request; the run as a whole is bounded by the caller's ctx.
	DefaultRequestTimeout = 60 * time.Second
	// maxRestarts is how often a list whose continue token expired starts over.
	maxRestarts = 2
)

// Protobuf is the wire format asked for: smaller and cheaper to decode than JSON for pods.
const Protobuf = "application/vnd.kubernetes.protobuf"

// Options configure a Collector.
type Options struct {
	// Config reaches the API server; LoadConfig builds it from a kubeconfig. The collector copies
	// it and sets the content type, rate limits, timeout and user agent.
	Config *rest.Config
	// Context is the kubeconfig context Config came from, recorded in the identity.
	Context string
	// PageSize is the limit of each list request; 0 means DefaultPageSize.
	PageSize int64
	// QPS and Burst bound the request rate; 0 means DefaultQPS and DefaultBurst.
	QPS   float32
	Burst int
	// RequestTimeout bounds each request; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration

	// AfterNodes, if set, sees the nodes (and how they were read) before anything else is listed;
	// an error stops the collection. The live collector checks there that the kube context is the
	// cluster the user named, before reading thousands of pods from the wrong one.
	AfterNodes func(nodes []snapshot.Node, cov snapshot.KindCoverage) error
	// Progress, if set, is told how far each list got, for a terminal.
	Progress func(kind string, objects int, done bool)
	// Now stamps Provenance.CollectedAt; nil means time.Now.
	Now         func() time.Time
	ToolVersion string
}

// Collector lists the Kubernetes side of one cluster.
type Collector struct {
	opts Options
}

var _ collect.Collector = (*Collector)(nil)

// New returns a Collector over opts.
func New(opts Options) *Collector {
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.QPS == 0 {
		opts.QPS = DefaultQPS
	}
	if opts.Burst <= 0 {
		opts.Burst = DefaultBurst
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Progress == nil {
		opts.Progress = func(string, int, bool) {}
	}
	return &Collector{opts: opts}
}

// KubeconfigInfo says which context and server a kubeconfig resolved to.
type KubeconfigInfo struct {
	Context string
	Server  string
}

// LoadConfig resolves a kubeconfig the way kubectl does: path (else $KUBECONFIG, else
// ~/.kube/config) and context (else the current context). Exec credential plugins such as
// kubelogin run when the first request needs a token.
func LoadConfig(path, context string) (*rest.Config, KubeconfigInfo, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if path != "" {
		rules.ExplicitPath = path
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context})
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, KubeconfigInfo{}, fmt.Errorf("read kubeconfig: %w", err)
	}
	info := KubeconfigInfo{Context: context}
	if info.Context == "" {
		info.Context = raw.CurrentContext
	}
	if info.Context == "" {
		return nil, info, errors.New("the kubeconfig has no current context; pass --context")
	}
	if _, ok := raw.Contexts[info.Context]; !ok {
		return nil, info, fmt.Errorf("kube context %q is not in the kubeconfig", info.Context)
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, info, fmt.Errorf("load kube context %q: %w", info.Context, err)
	}
	info.Server = cfg.Host
	return cfg, info, nil
}

// ServerHost returns the host name of an API server URL, for matching it to the cluster.
func ServerHost(server string) string {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		// rest.Config.Host may be a bare host:port.
		if u, err = url.Parse("https://" + server); err != nil {
			return ""
		}
	}
	return u.Hostname()
}

// restConfig copies c with what every syspool request needs.
func (c *Collector) restConfig() *rest.Config {
	cfg := rest.CopyConfig(c.opts.Config)
	cfg.ContentType = Protobuf
	cfg.AcceptContentTypes = Protobuf + ",application/json"
	cfg.QPS, cfg.Burst = c.opts.QPS, c.opts.Burst
	cfg.Timeout = c.opts.RequestTimeout
	cfg.UserAgent = "syspool/" + c.opts.ToolVersion
	return cfg
}

// Collect lists every kind and returns the snapshot. It fails only when no client can be built,
// when ctx is cancelled, or when AfterNodes says stop.
func (c *Collector) Collect(ctx context.Context) (*snapshot.Snapshot, error) {
	if c.opts.Config == nil {
		return nil, errors.New("no Kubernetes client configuration")
	}
	cfg := c.restConfig()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("create the Kubernetes client for %s: %w", cfg.Host, err)
	}
	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Provenance: snapshot.Provenance{
			Tool: "syspool", ToolVersion: c.opts.ToolVersion, CollectedAt: c.opts.Now().UTC(), Mode: "live",
			Sources:  []snapshot.Source{},
			Identity: snapshot.Identity{KubeContext: c.opts.Context, APIServer: cfg.Host},
		},
		Pools: []snapshot.Pool{}, Nodes: []snapshot.Node{}, Pods: []snapshot.Pod{},
		Workloads: []snapshot.Workload{}, PDBs: []snapshot.PDB{},
		Coverage: snapshot.Coverage{},
	}
	l := &lister{c: c, s: s, host: cfg.Host, in: snapshot.NewInterner()}

	l.nodes(ctx, cs)
	if c.opts.AfterNodes != nil {
		if err := c.opts.AfterNodes(s.Nodes, s.Coverage[snapshot.KindNodes]); err != nil {
			return nil, err
		}
	}
	l.pods(ctx, cs)
	l.pdbs(ctx, cs)
	l.workloads(ctx, cs)
	if err := ctx.Err(); err != nil && errors.Is(err, context.Canceled) {
		return nil, err
	}
	files.SortObjects(s)
	s.Notes = append(s.Notes, snapshot.Join(s)...)
	return s, nil
}

// listOptions is one page request.
func (c *Collector) listOptions(cont string) metav1.ListOptions {
	return metav1.ListOptions{Limit: c.opts.PageSize, Continue: cont}
}

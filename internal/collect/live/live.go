// Package live joins the two live collectors into one snapshot of one cluster: the Azure side
// (internal/collect/arm) and the Kubernetes side (internal/collect/kube), with the kube context
// matched to the managed cluster before a single pod is read.
//
// Either side may be skipped (users without ARM access still audit the Kubernetes side); the kinds
// of a skipped side are absent from Coverage with the reason, so the rules that need them report
// error and the run exits "incomplete" instead of passing. Apart from that, the result is the
// snapshot the offline reader would build from captures of the same cluster state: both
// collectors convert with the offline reader's own code, and the objects are ordered and joined
// the same way.
package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/collect"
	"github.com/syspool/syspool/internal/collect/arm"
	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/collect/kube"
	"github.com/syspool/syspool/internal/snapshot"
)

// Options say which sides to read and how.
type Options struct {
	// Azure reads the managed cluster; nil skips Azure, and AzureSkipped says why.
	Azure        *arm.Options
	AzureSkipped string
	// Kube reads the Kubernetes side; nil skips it, and KubeSkipped says why.
	Kube        *kube.Options
	KubeSkipped string
	// AllowContextMismatch audits a kube context that does not match (or cannot be matched to)
	// the cluster read from Azure, with a note instead of an error.
	AllowContextMismatch bool

	// Now stamps Provenance.CollectedAt; nil means time.Now.
	Now         func() time.Time
	ToolVersion string
}

// Collector reads one cluster live.
type Collector struct {
	opts Options
}

var _ collect.Collector = (*Collector)(nil)

// New returns a Collector over opts.
func New(opts Options) *Collector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Collector{opts: opts}
}

// ContextError stops a run whose kube context is not, or cannot be shown to be, the cluster the
// user named: auditing one cluster and approving maintenance on another is the mistake this
// tool exists to prevent.
type ContextError struct {
	Context, Server string
	Cluster         snapshot.Cluster
	Match           Match
}

func (e *ContextError) Error() string {
	c := e.Cluster
	target := fmt.Sprintf("cluster %s in resource group %s of subscription %s", c.Name, c.ResourceGroup, c.SubscriptionID)
	verb := "is not"
	if e.Match.Verdict == Unverified {
		verb = "could not be confirmed to be"
	}
	return fmt.Sprintf("kube context %q (API server %s) %s %s: %s. Pick the right context with --context "+
		"(az aks get-credentials -g %s -n %s writes it), or pass --allow-context-mismatch if you are sure",
		e.Context, e.Server, verb, target, strings.Join(e.Match.Evidence, "; "), c.ResourceGroup, c.Name)
}

// Collect reads Azure first (it is small and says which cluster to expect), then the nodes, checks
// the kube context against the cluster, and only then reads the pods and the rest.
func (c *Collector) Collect(ctx context.Context) (*snapshot.Snapshot, error) {
	o := c.opts
	if o.Azure == nil && o.Kube == nil {
		return nil, errors.New("nothing to read: both Azure and Kubernetes were skipped")
	}
	var az *snapshot.Snapshot
	if o.Azure != nil {
		ao := *o.Azure
		ao.Now, ao.ToolVersion = o.Now, o.ToolVersion
		var err error
		if az, err = arm.New(ao).Collect(ctx); err != nil {
			return nil, err
		}
	}
	var ks *snapshot.Snapshot
	var matchNote string
	if o.Kube != nil {
		ko := *o.Kube
		ko.Now, ko.ToolVersion = o.Now, o.ToolVersion
		if az != nil {
			ko.AfterNodes = func(nodes []snapshot.Node, cov snapshot.KindCoverage) error {
				m := MatchContext(az.Cluster, ko.Config.Host, nodes, cov)
				var err error
				matchNote, err = c.decide(az, ko, m, len(nodes) > 0)
				return err
			}
		}
		var err error
		if ks, err = kube.New(ko).Collect(ctx); err != nil {
			return nil, err
		}
	}
	return c.merge(az, ks, matchNote), nil
}

// decide turns a match into a note for the header, or into the error that stops the run. An
// unverified match stops it only when both the managed cluster and some nodes were read, so that
// evidence could have existed; when either side is missing, the rules that need it report error
// and the run cannot pass anyway, and the header says the match is unverified.
func (c *Collector) decide(az *snapshot.Snapshot, ko kube.Options, m Match, nodesRead bool) (string, error) {
	clusterRead := az.Coverage[snapshot.KindCluster].Present
	stop := m.Verdict == Mismatched || m.Verdict == Unverified && nodesRead && clusterRead
	if !stop {
		return m.String(), nil
	}
	if c.opts.AllowContextMismatch {
		return m.String() + " (audited anyway: --allow-context-mismatch)", nil
	}
	return "", &ContextError{Context: ko.Context, Server: ko.Config.Host, Cluster: az.Cluster, Match: m}
}

// merge puts the two halves together the way the offline reader joins files.
func (c *Collector) merge(az, ks *snapshot.Snapshot, matchNote string) *snapshot.Snapshot {
	o := c.opts
	s := az
	if s == nil {
		s = &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Pools: []snapshot.Pool{}, Coverage: snapshot.Coverage{}}
		why := o.AzureSkipped
		if why == "" {
			why = "Azure was not read"
		}
		for _, k := range []snapshot.DataKind{snapshot.KindCluster, snapshot.KindPools} {
			s.Coverage[k] = snapshot.KindCoverage{Reason: why}
		}
	}
	if ks != nil {
		s.Nodes, s.Pods, s.Workloads, s.PDBs = ks.Nodes, ks.Pods, ks.Workloads, ks.PDBs
		for k, kc := range ks.Coverage {
			s.Coverage[k] = kc
		}
		s.Provenance.Sources = append(s.Provenance.Sources, ks.Provenance.Sources...)
		s.Notes = append(s.Notes, ks.Notes...)
		s.Provenance.Identity.KubeContext = ks.Provenance.Identity.KubeContext
		s.Provenance.Identity.APIServer = ks.Provenance.Identity.APIServer
	} else {
		why := o.KubeSkipped
		if why == "" {
			why = "Kubernetes was not read"
		}
		for _, k := range []snapshot.DataKind{snapshot.KindNodes, snapshot.KindPods, snapshot.KindDeployments, snapshot.KindDaemonSets, snapshot.KindPDBs} {
			s.Coverage[k] = snapshot.KindCoverage{Reason: why}
		}
	}
	s.Provenance.Identity.ContextMatch = matchNote
	s.Provenance.Tool, s.Provenance.ToolVersion, s.Provenance.Mode = "syspool", o.ToolVersion, "live"
	s.Provenance.CollectedAt = o.Now().UTC()
	if s.Provenance.Sources == nil {
		s.Provenance.Sources = []snapshot.Source{}
	}
	// Empty lists, not nulls: the offline reader writes them so, and snapshots must not differ
	// in their encoding for the same cluster state.
	if s.Nodes == nil {
		s.Nodes = []snapshot.Node{}
	}
	if s.Pods == nil {
		s.Pods = []snapshot.Pod{}
	}
	if s.Workloads == nil {
		s.Workloads = []snapshot.Workload{}
	}
	if s.PDBs == nil {
		s.PDBs = []snapshot.PDB{}
	}
	files.SortObjects(s)
	s.Notes = append(s.Notes, snapshot.Join(s)...)
	return s
}

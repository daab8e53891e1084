// Package arm is the live Azure Resource Manager collector. It reads one managed cluster, its agent
// pools and the subscription they live in through the Azure SDK for Go (armcontainerservice/v6,
// armsubscriptions) and returns the Azure half of a snapshot: cluster, pools, their coverage and
// the tenant and subscription name for the identity header.
//
// The response bodies are not converted here: they go through the offline reader's own code
// (files.CollectDocuments), exactly as an ARM body saved to a file would, so a cluster read live and
// the same cluster read from captures give the same snapshot and the same verdicts.
//
// Faults are data, not crashes: a 403, throttling beyond the retry budget, a 5xx or a timeout on
// one call leaves the kinds that call feeds absent (or partial) in Coverage with the reason, and
// the rules that need them report error. Only a cluster that does not exist (404) fails the
// collection, because then the user named the wrong cluster and nothing may be judged.
package arm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	armpolicy "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/syspool/syspool/internal/collect"
	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/snapshot"
)

// APIVersion is the Microsoft.ContainerService api-version requested. The SDK's models stop at
// 2025-02-01, which lacks fields the rules read (agent pool securityProfile.sshAccess,
// upgradeSettings.undrainableNodeBehavior); the bodies are read raw by the offline reader, so a
// newer stable version returns what `az aks show` prints without waiting for a new SDK major.
const APIVersion = "2025-10-01"

// RequiredActions are the ARM actions the collector performs, no more: the Azure custom role in
// deploy/rbac/azure-custom-role.json grants exactly these (a test keeps them in step).
var RequiredActions = []string{
	"Microsoft.ContainerService/managedClusters/read",
	"Microsoft.ContainerService/managedClusters/agentPools/read",
	"Microsoft.Resources/subscriptions/read",
}

// DefaultRetry is the retry budget of every ARM call: five tries over at most about a minute and a
// half of waiting, on throttling (429, honouring Retry-After), timeouts and 5xx. A Retry-After
// longer than MaxRetryDelay ends the retries at once rather than stalling a pipeline for an hour.
func DefaultRetry() policy.RetryOptions {
	return policy.RetryOptions{
		MaxRetries:    4,
		TryTimeout:    30 * time.Second,
		RetryDelay:    2 * time.Second,
		MaxRetryDelay: 30 * time.Second,
		StatusCodes: []int{
			http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
			http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
		},
	}
}

// Options name the cluster and how to reach ARM.
type Options struct {
	SubscriptionID, ResourceGroup, ClusterName string

	// Credential authenticates every call (azidentity.DefaultAzureCredential in the CLI).
	Credential azcore.TokenCredential
	// ClientOptions are passed to the SDK clients; tests set Transport (the SDK's fake servers) or
	// Cloud (a replay server). Retry and DisableRPRegistration are always set by the collector.
	ClientOptions armpolicy.ClientOptions
	// Retry overrides DefaultRetry when MaxRetries is not zero.
	Retry policy.RetryOptions
	// APIVersion overrides the managed cluster api-version; empty means APIVersion.
	APIVersion string

	// Progress, if set, is told what is being read, for a terminal.
	Progress func(format string, args ...any)
	// Now stamps Provenance.CollectedAt; nil means time.Now.
	Now         func() time.Time
	ToolVersion string
}

// Collector reads the Azure side of one cluster.
type Collector struct {
	opts Options
}

var _ collect.Collector = (*Collector)(nil)

// New returns a Collector; Collect reports missing options.
func New(opts Options) *Collector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Retry.MaxRetries == 0 {
		opts.Retry = DefaultRetry()
	}
	if opts.APIVersion == "" {
		opts.APIVersion = APIVersion
	}
	if opts.Progress == nil {
		opts.Progress = func(string, ...any) {}
	}
	return &Collector{opts: opts}
}

// NotFoundError says the named cluster (or its resource group or subscription) does not exist. It
// is the one ARM failure that stops a run: the user named the wrong cluster.
type NotFoundError struct {
	SubscriptionID, ResourceGroup, ClusterName string
	Code                                       string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("managed cluster %s not found in resource group %s of subscription %s (ARM answered 404 %s): "+
		"check --subscription, --resource-group and --cluster-name", e.ClusterName, e.ResourceGroup, e.SubscriptionID, e.Code)
}

// Collect reads the managed cluster, its agent pools and the subscription.
func (c *Collector) Collect(ctx context.Context) (*snapshot.Snapshot, error) {
	o := c.opts
	var missing []string
	for _, f := range []struct{ flag, v string }{
		{"--subscription", o.SubscriptionID}, {"--resource-group", o.ResourceGroup}, {"--cluster-name", o.ClusterName},
	} {
		if f.v == "" {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("reading the cluster from Azure needs %s", strings.Join(missing, ", "))
	}
	if o.Credential == nil {
		return nil, errors.New("reading the cluster from Azure needs a credential")
	}
	copts := o.ClientOptions
	copts.Retry = o.Retry
	// Read-only: the SDK would otherwise try to register the resource provider on a 409.
	copts.DisableRPRegistration = true
	subOpts := copts
	copts.APIVersion = o.APIVersion

	factory, err := armcontainerservice.NewClientFactory(o.SubscriptionID, o.Credential, &copts)
	if err != nil {
		return nil, fmt.Errorf("create the AKS client for subscription %s: %w", o.SubscriptionID, err)
	}
	subs, err := armsubscriptions.NewClient(o.Credential, &subOpts)
	if err != nil {
		return nil, fmt.Errorf("create the subscriptions client: %w", err)
	}

	r := &run{opts: o, cov: snapshot.Coverage{}}
	clusterID := "/subscriptions/" + o.SubscriptionID + "/resourceGroups/" + o.ResourceGroup +
		"/providers/Microsoft.ContainerService/managedClusters/" + o.ClusterName

	o.Progress("Reading managed cluster %s", clusterID)
	clusterOK, err := r.cluster(ctx, factory.NewManagedClustersClient())
	if err != nil {
		return nil, err
	}
	o.Progress("Reading agent pools of %s", o.ClusterName)
	r.pools(ctx, factory.NewAgentPoolsClient(), clusterOK)
	o.Progress("Reading subscription %s", o.SubscriptionID)
	r.subscription(ctx, subs)
	if r.tenant == "" {
		r.tenant = tenantFromToken(ctx, o.Credential, copts.Cloud)
	}

	s, err := r.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if s.Cluster.Name == "" {
		// The cluster could not be read: the header must still name what was asked for.
		s.Cluster.ID, s.Cluster.Name = clusterID, o.ClusterName
		s.Cluster.ResourceGroup, s.Cluster.SubscriptionID = o.ResourceGroup, o.SubscriptionID
	}
	return s, nil
}

// run holds what one collection gathered.
type run struct {
	opts    Options
	docs    []files.Document
	sources []snapshot.Source
	cov     snapshot.Coverage
	notes   []snapshot.Note
	tenant  string
	subName string
}

func (r *run) note(format string, args ...any) {
	r.notes = append(r.notes, snapshot.Note{Source: "arm", Message: fmt.Sprintf(format, args...)})
}

// cluster reads the managed cluster. It fails only for a 404.
func (r *run) cluster(ctx context.Context, client *armcontainerservice.ManagedClustersClient) (bool, error) {
	o := r.opts
	var raw *http.Response
	_, err := client.Get(policy.WithCaptureResponse(ctx, &raw), o.ResourceGroup, o.ClusterName, nil)
	if err != nil {
		var re *azcore.ResponseError
		if errors.As(err, &re) && re.StatusCode == http.StatusNotFound {
			return false, &NotFoundError{SubscriptionID: o.SubscriptionID, ResourceGroup: o.ResourceGroup,
				ClusterName: o.ClusterName, Code: re.ErrorCode}
		}
		why := describe(err, "read managed cluster "+o.ClusterName, "Microsoft.ContainerService/managedClusters/read", o.Retry)
		r.cov[snapshot.KindCluster] = snapshot.KindCoverage{Reason: why}
		r.note("%s", why)
		return false, nil
	}
	body, err := runtime.Payload(raw)
	if err != nil {
		why := fmt.Sprintf("read the managed cluster response body: %v", err)
		r.cov[snapshot.KindCluster] = snapshot.KindCoverage{Reason: why}
		return false, nil
	}
	r.docs = append(r.docs, files.Document{Name: "managedCluster.json", Data: body})
	r.sources = append(r.sources, snapshot.Source{Path: requestURL(raw), Kind: "ARM managed cluster (live)"})
	return true, nil
}

// pools lists the agent pools page by page. The managed cluster already embeds every pool, so a
// failed list only loses the list's extra detail when the cluster was read.
func (r *run) pools(ctx context.Context, client *armcontainerservice.AgentPoolsClient, clusterOK bool) {
	o := r.opts
	pager := client.NewListPager(o.ResourceGroup, o.ClusterName, nil)
	pages := 0
	for pager.More() {
		var raw *http.Response
		_, err := pager.NextPage(policy.WithCaptureResponse(ctx, &raw))
		if err != nil {
			why := describe(err, "list agent pools of "+o.ClusterName, "Microsoft.ContainerService/managedClusters/agentPools/read", o.Retry)
			switch {
			case clusterOK:
				r.note("%s; the pools were taken from the managed cluster's agentPoolProfiles", why)
			case pages > 0:
				r.cov[snapshot.KindPools] = snapshot.KindCoverage{Present: true, Partial: true,
					Reason: fmt.Sprintf("only %d page(s) of agent pools were read: %s", pages, why)}
			default:
				r.cov[snapshot.KindPools] = snapshot.KindCoverage{Reason: why}
			}
			return
		}
		body, err := runtime.Payload(raw)
		if err != nil {
			if !clusterOK {
				r.cov[snapshot.KindPools] = snapshot.KindCoverage{Reason: fmt.Sprintf("agent pool list page %d could not be read: %v", pages+1, err)}
			}
			return
		}
		pages++
		r.docs = append(r.docs, files.Document{Name: fmt.Sprintf("agentPools-%d.json", pages), Data: body})
		r.sources = append(r.sources, snapshot.Source{Path: requestURL(raw), Kind: "ARM agent pool list (live)"})
	}
}

// subscription reads the subscription's display name and tenant for the identity header. Failing
// it costs only the name, which the header then leaves out and a note explains.
func (r *run) subscription(ctx context.Context, client *armsubscriptions.Client) {
	o := r.opts
	resp, err := client.Get(ctx, o.SubscriptionID, nil)
	if err != nil {
		r.note("the subscription's name was not read, so the header shows its id only: %s",
			describe(err, "read subscription "+o.SubscriptionID, "Microsoft.Resources/subscriptions/read", o.Retry))
		return
	}
	if resp.DisplayName != nil {
		r.subName = *resp.DisplayName
	}
	if resp.TenantID != nil {
		r.tenant = *resp.TenantID
	}
}

// snapshot converts what was read with the offline reader and adds what only a live run knows.
func (r *run) snapshot(ctx context.Context) (*snapshot.Snapshot, error) {
	o := r.opts
	var s *snapshot.Snapshot
	if len(r.docs) > 0 {
		var err error
		s, err = files.CollectDocuments(ctx, r.docs, files.Options{Now: o.Now, ToolVersion: o.ToolVersion})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// ARM sent something the reader refuses (it checks what a file would be checked for):
			// report it as unreadable data rather than judge half of it.
			why := fmt.Sprintf("the ARM responses could not be read: %v", err)
			r.cov[snapshot.KindCluster] = snapshot.KindCoverage{Reason: why}
			r.cov[snapshot.KindPools] = snapshot.KindCoverage{Reason: why}
			s = nil
		}
	}
	if s == nil {
		s = &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Coverage: snapshot.Coverage{},
			Pools: []snapshot.Pool{}, Nodes: []snapshot.Node{}, Pods: []snapshot.Pod{},
			Workloads: []snapshot.Workload{}, PDBs: []snapshot.PDB{}}
		s.Provenance = snapshot.Provenance{Tool: "syspool", ToolVersion: o.ToolVersion, CollectedAt: o.Now().UTC()}
	}
	// The documents' names mean nothing to a reader of the report: name the requests instead,
	// keeping what each contributed.
	for i := range r.sources {
		if i < len(s.Provenance.Sources) {
			r.sources[i].Objects = s.Provenance.Sources[i].Objects
		}
	}
	s.Provenance.Sources = r.sources
	if s.Provenance.Sources == nil {
		s.Provenance.Sources = []snapshot.Source{}
	}
	s.Provenance.Mode = "live"
	for i := range s.Notes {
		if strings.HasSuffix(s.Notes[i].Source, ".json") {
			s.Notes[i].Source = "arm"
		}
	}
	for k, kc := range r.cov {
		s.Coverage[k] = kc
	}
	s.Notes = append(s.Notes, r.notes...)
	s.Provenance.Identity.TenantID = r.tenant
	s.Provenance.Identity.SubscriptionName = r.subName
	return s, nil
}

// requestURL names a live source by the request that fetched it.
func requestURL(resp *http.Response) string {
	if resp == nil || resp.Request == nil || resp.Request.URL == nil {
		return "arm"
	}
	return resp.Request.URL.String()
}

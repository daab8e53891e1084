package arm

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	armpolicy "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm/policy"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	csfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	subfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions/fake"

	"github.com/syspool/syspool/internal/snapshot"
)

const (
	testSub     = "00000000-0000-0000-0000-000000000000"
	testRG      = "rg-replay"
	testCluster = "aks-replay"
	testTenant  = "11111111-2222-3333-4444-555555555555"
)

// testRetry keeps the budget's shape (tries, Retry-After cap) but not its waits.
var testRetry = policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: 2 * time.Second, TryTimeout: 10 * time.Second}

func readJSON[T any](t *testing.T, name string) T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "replay", name))
	if err != nil {
		t.Fatal(err)
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// fakeARM serves the replay bodies through the SDK's own fake servers: the cluster, the agent pool
// list in two pages, and the subscription.
func fakeARM(t *testing.T) policy.Transporter {
	t.Helper()
	mc := readJSON[armcontainerservice.ManagedCluster](t, "managedcluster.json")
	pools := readJSON[armcontainerservice.AgentPoolListResult](t, "agentpools.json")
	sub := readJSON[armsubscriptions.Subscription](t, "subscription.json")
	cs := csfake.ServerFactory{
		ManagedClustersServer: csfake.ManagedClustersServer{
			Get: func(_ context.Context, rg, name string, _ *armcontainerservice.ManagedClustersClientGetOptions) (
				resp azfake.Responder[armcontainerservice.ManagedClustersClientGetResponse], errResp azfake.ErrorResponder) {
				if !strings.EqualFold(rg, testRG) || name != testCluster {
					errResp.SetResponseError(http.StatusNotFound, "ResourceNotFound")
					return
				}
				resp.SetResponse(http.StatusOK, armcontainerservice.ManagedClustersClientGetResponse{ManagedCluster: mc}, nil)
				return
			},
		},
		AgentPoolsServer: csfake.AgentPoolsServer{
			NewListPager: func(string, string, *armcontainerservice.AgentPoolsClientListOptions) (
				resp azfake.PagerResponder[armcontainerservice.AgentPoolsClientListResponse]) {
				for _, p := range pools.Value {
					resp.AddPage(http.StatusOK, armcontainerservice.AgentPoolsClientListResponse{
						AgentPoolListResult: armcontainerservice.AgentPoolListResult{Value: []*armcontainerservice.AgentPool{p}}}, nil)
				}
				return
			},
		},
	}
	subs := subfake.ServerFactory{Server: subfake.Server{
		Get: func(_ context.Context, id string, _ *armsubscriptions.ClientGetOptions) (
			resp azfake.Responder[armsubscriptions.ClientGetResponse], errResp azfake.ErrorResponder) {
			if id != testSub {
				errResp.SetResponseError(http.StatusNotFound, "SubscriptionNotFound")
				return
			}
			resp.SetResponse(http.StatusOK, armsubscriptions.ClientGetResponse{Subscription: sub}, nil)
			return
		},
	}}
	return router{cs: csfake.NewServerFactoryTransport(&cs), subs: subfake.NewServerFactoryTransport(&subs)}
}

// router sends each request to the fake of its resource provider, as ARM's front door would.
type router struct{ cs, subs policy.Transporter }

func (r router) Do(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, "/providers/Microsoft.ContainerService/") {
		return r.cs.Do(req)
	}
	return r.subs.Do(req)
}

// canned is one scripted answer: pass hands the request to the fake, anything else is returned as
// ARM would return an error. forever repeats the last answer for every later try.
type canned struct {
	status  int
	header  map[string]string
	pass    bool
	forever bool
}

// scripted plays canned answers per route (cluster, pools, subscription) before the fake servers
// answer, and counts the tries of each route: faults the SDK's fakes cannot produce (Retry-After
// headers, a failure on the second page) go through the SDK's real retry policy this way.
type scripted struct {
	next   policy.Transporter
	mu     sync.Mutex
	script map[string][]canned
	tries  map[string]int
}

func route(req *http.Request) string {
	switch p := strings.ToLower(req.URL.Path); {
	// The fakes link later pages as <list path>/fake_page_N.
	case strings.HasSuffix(p, "/agentpools") || strings.Contains(p, "/agentpools/fake_page_"):
		return "pools"
	case strings.Contains(p, "/managedclusters/"):
		return "cluster"
	}
	return "subscription"
}

func (s *scripted) Do(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	r := route(req)
	s.tries[r]++
	var c *canned
	if q := s.script[r]; len(q) > 0 {
		c = &q[0]
		if !c.forever || len(q) > 1 {
			s.script[r] = q[1:]
		}
	}
	s.mu.Unlock()
	if c == nil || c.pass {
		return s.next.Do(req)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range c.header {
		h.Set(k, v)
	}
	code := map[int]string{403: "AuthorizationFailed", 404: "ResourceNotFound", 429: "TooManyRequests"}[c.status]
	if code == "" {
		code = "InternalServerError"
	}
	body := `{"error":{"code":"` + code + `","message":"scripted by the test"}}`
	return &http.Response{StatusCode: c.status, Status: http.StatusText(c.status), Header: h, Request: req,
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}, nil
}

func collectWith(t *testing.T, script map[string][]canned) (*snapshot.Snapshot, map[string]int, error) {
	t.Helper()
	tr := &scripted{next: fakeARM(t), script: script, tries: map[string]int{}}
	c := New(Options{
		SubscriptionID: testSub, ResourceGroup: testRG, ClusterName: testCluster,
		Credential:    &azfake.TokenCredential{},
		ClientOptions: armpolicy.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: tr}},
		Retry:         testRetry,
		Now:           func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := c.Collect(ctx)
	return s, tr.tries, err
}

func TestCollectThroughFakeServers(t *testing.T) {
	s, tries, err := collectWith(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cluster.Name != testCluster || s.Cluster.NodeResourceGroup != "MC_rg-replay_aks-replay_westeurope" ||
		s.Cluster.FQDN != "aks-replay-dns-k3x9q2ab.hcp.westeurope.azmk8s.io" {
		t.Errorf("cluster = %+v", s.Cluster)
	}
	var names []string
	for _, p := range s.Pools {
		names = append(names, p.Name+"/"+p.Mode)
	}
	if got := strings.Join(names, ","); got != "apps/User,system/System" {
		t.Errorf("pools = %s", got)
	}
	for _, k := range []snapshot.DataKind{snapshot.KindCluster, snapshot.KindPools} {
		if !s.Coverage.Has(k) {
			t.Errorf("coverage[%s] = %+v, want present", k, s.Coverage[k])
		}
	}
	id := s.Provenance.Identity
	if id.TenantID != testTenant || id.SubscriptionName != "Platform Production" {
		t.Errorf("identity = %+v", id)
	}
	if s.Provenance.Mode != "live" || len(s.Provenance.Sources) != 3 {
		t.Errorf("provenance = %+v", s.Provenance)
	}
	for _, src := range s.Provenance.Sources {
		if !strings.HasPrefix(src.Path, "https://management.azure.com/subscriptions/"+testSub) {
			t.Errorf("source %q does not name the request", src.Path)
		}
	}
	if want := map[string]int{"cluster": 1, "pools": 2, "subscription": 1}; !equalTries(tries, want) {
		t.Errorf("tries = %v, want %v", tries, want)
	}
}

func equalTries(got, want map[string]int) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return len(got) == len(want)
}

// Every fault must end as a reason in Coverage (rules then report error), never as a pass and
// never as a crash; only a cluster that does not exist stops the run.
func TestCollectFaults(t *testing.T) {
	ms10 := map[string]string{"retry-after-ms": "10"}
	forever := func(status int, h map[string]string) []canned {
		return []canned{{status: status, header: h, forever: true}}
	}
	tests := []struct {
		name   string
		script map[string][]canned
		// want: kind -> "present", "partial" or a substring of the reason it is missing for.
		want      map[snapshot.DataKind]string
		wantTries map[string]int
		wantNote  string
		minTime   time.Duration
	}{
		{
			name:      "throttled twice then served",
			script:    map[string][]canned{"cluster": {{status: 429, header: ms10}, {status: 429, header: ms10}}},
			want:      map[snapshot.DataKind]string{snapshot.KindCluster: "present", snapshot.KindPools: "present"},
			wantTries: map[string]int{"cluster": 3, "pools": 2, "subscription": 1},
		},
		{
			name:      "Retry-After in seconds is honoured",
			script:    map[string][]canned{"subscription": {{status: 429, header: map[string]string{"Retry-After": "1"}}}},
			want:      map[snapshot.DataKind]string{snapshot.KindCluster: "present", snapshot.KindPools: "present"},
			wantTries: map[string]int{"cluster": 1, "pools": 2, "subscription": 2},
			minTime:   time.Second,
		},
		{
			name:      "throttled beyond the budget",
			script:    map[string][]canned{"cluster": forever(429, ms10)},
			want:      map[snapshot.DataKind]string{snapshot.KindCluster: "throttled by ARM (HTTP 429 TooManyRequests) beyond the retry budget", snapshot.KindPools: "present"},
			wantTries: map[string]int{"cluster": 4, "pools": 2, "subscription": 1},
		},
		{
			name:      "Retry-After longer than the budget allows ends the retries",
			script:    map[string][]canned{"cluster": forever(429, map[string]string{"Retry-After": "3600"})},
			want:      map[snapshot.DataKind]string{snapshot.KindCluster: "throttled by ARM", snapshot.KindPools: "present"},
			wantTries: map[string]int{"cluster": 1, "pools": 2, "subscription": 1},
		},
		{
			name:      "5xx sequence then served",
			script:    map[string][]canned{"cluster": {{status: 500}, {status: 502}, {status: 503}}},
			want:      map[snapshot.DataKind]string{snapshot.KindCluster: "present", snapshot.KindPools: "present"},
			wantTries: map[string]int{"cluster": 4, "pools": 2, "subscription": 1},
		},
		{
			name:      "5xx forever on the pool list: pools come from the cluster",
			script:    map[string][]canned{"pools": forever(503, nil)},
			want:      map[snapshot.DataKind]string{snapshot.KindCluster: "present", snapshot.KindPools: "present"},
			wantTries: map[string]int{"cluster": 1, "pools": 4, "subscription": 1},
			wantNote:  "ARM failed (HTTP 503",
		},
		{
			name:   "cluster forbidden",
			script: map[string][]canned{"cluster": {{status: 403}}},
			want: map[snapshot.DataKind]string{
				snapshot.KindCluster: "forbidden (HTTP 403 AuthorizationFailed): the signed-in principal lacks Microsoft.ContainerService/managedClusters/read",
				snapshot.KindPools:   "present",
			},
			wantTries: map[string]int{"cluster": 1, "pools": 2, "subscription": 1},
		},
		{
			name:   "everything forbidden",
			script: map[string][]canned{"cluster": {{status: 403}}, "pools": {{status: 403}}, "subscription": {{status: 403}}},
			want: map[snapshot.DataKind]string{
				snapshot.KindCluster: "managedClusters/read",
				snapshot.KindPools:   "managedClusters/agentPools/read",
			},
			wantTries: map[string]int{"cluster": 1, "pools": 1, "subscription": 1},
			wantNote:  "the subscription's name was not read",
		},
		{
			name:   "second page of pools fails while the cluster is forbidden",
			script: map[string][]canned{"cluster": {{status: 403}}, "pools": {{pass: true}, {status: 403}}},
			want: map[snapshot.DataKind]string{
				snapshot.KindCluster: "managedClusters/read",
				snapshot.KindPools:   "partial",
			},
			wantTries: map[string]int{"cluster": 1, "pools": 2, "subscription": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			began := time.Now()
			s, tries, err := collectWith(t, tt.script)
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if d := time.Since(began); d < tt.minTime {
				t.Errorf("took %s, want at least %s (Retry-After ignored?)", d, tt.minTime)
			}
			for k, want := range tt.want {
				kc := s.Coverage[k]
				switch want {
				case "present":
					if !s.Coverage.Has(k) {
						t.Errorf("coverage[%s] = %+v, want present", k, kc)
					}
				case "partial":
					if !kc.Present || !kc.Partial || kc.Reason == "" {
						t.Errorf("coverage[%s] = %+v, want partial with a reason", k, kc)
					}
				default:
					if kc.Present || !strings.Contains(kc.Reason, want) {
						t.Errorf("coverage[%s] = %+v, want absent with a reason containing %q", k, kc, want)
					}
				}
			}
			if !equalTries(tries, tt.wantTries) {
				t.Errorf("tries = %v, want %v", tries, tt.wantTries)
			}
			if tt.wantNote != "" && !hasNote(s, tt.wantNote) {
				t.Errorf("no note contains %q: %+v", tt.wantNote, s.Notes)
			}
			// Whatever failed, the header still names the cluster that was asked for.
			if s.Cluster.Name != testCluster || s.Cluster.ResourceGroup == "" || s.Cluster.SubscriptionID != testSub {
				t.Errorf("cluster identity = %q %q %q", s.Cluster.Name, s.Cluster.ResourceGroup, s.Cluster.SubscriptionID)
			}
		})
	}
}

func hasNote(s *snapshot.Snapshot, sub string) bool {
	for _, n := range s.Notes {
		if strings.Contains(n.Message, sub) {
			return true
		}
	}
	return false
}

func TestCollectNotFoundStopsTheRun(t *testing.T) {
	_, _, err := collectWith(t, map[string][]canned{"cluster": {{status: 404}}})
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.ClusterName != testCluster {
		t.Fatalf("err = %v, want a NotFoundError for %s", err, testCluster)
	}
	if !strings.Contains(err.Error(), "--cluster-name") {
		t.Errorf("the message should say which flags to check: %v", err)
	}
}

func TestCollectNeedsTheClusterNamed(t *testing.T) {
	_, err := New(Options{SubscriptionID: testSub, Credential: &azfake.TokenCredential{}}).Collect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "--resource-group, --cluster-name") {
		t.Fatalf("err = %v", err)
	}
}

func TestJWTTenant(t *testing.T) {
	tests := []struct{ name, token, want string }{
		// {"tid":"t-1"} base64url-encoded, with header and signature placeholders.
		{"tid claim", "e30.eyJ0aWQiOiJ0LTEifQ.sig", "t-1"},
		{"no tid", "e30.e30.sig", ""},
		{"not a JWT", "fake_token", ""},
		{"bad base64", "e30.!!!.sig", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jwtTenant(tt.token); got != tt.want {
				t.Errorf("jwtTenant = %q, want %q", got, tt.want)
			}
		})
	}
}

package arm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	armpolicy "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
)

// TestReplayRealResponseBodies runs the collector against a loopback TLS server that answers with
// spec-shaped ARM bodies (testdata/replay/README.md), through the SDK's whole pipeline: bearer
// token, api-version, retry and paging. Unlike the SDK's fakes, which re-encode the SDK's models,
// the bodies arrive byte for byte, so this proves the collector keeps fields newer than the models.
func TestReplayRealResponseBodies(t *testing.T) {
	bodies := map[string][]byte{}
	for _, name := range []string{"managedcluster.json", "agentpools.json", "subscription.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "replay", name))
		if err != nil {
			t.Fatal(err)
		}
		bodies[name] = b
	}
	clusterPath := "/subscriptions/" + testSub + "/resourceGroups/" + testRG + "/providers/Microsoft.ContainerService/managedClusters/" + testCluster
	var mu sync.Mutex
	versions := map[string]string{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || r.Method != http.MethodGet {
			http.Error(w, `{"error":{"code":"InvalidAuthenticationToken"}}`, http.StatusUnauthorized)
			return
		}
		var name string
		switch r.URL.Path {
		case clusterPath:
			name = "managedcluster.json"
		case clusterPath + "/agentPools":
			name = "agentpools.json"
		case "/subscriptions/" + testSub:
			name = "subscription.json"
		default:
			http.Error(w, `{"error":{"code":"ResourceNotFound"}}`, http.StatusNotFound)
			return
		}
		mu.Lock()
		versions[name] = r.URL.Query().Get("api-version")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(bodies[name])
	}))
	defer srv.Close()

	c := New(Options{
		SubscriptionID: testSub, ResourceGroup: testRG, ClusterName: testCluster,
		Credential: &azfake.TokenCredential{},
		ClientOptions: armpolicy.ClientOptions{ClientOptions: azcore.ClientOptions{
			Transport: srv.Client(),
			Cloud: cloud.Configuration{
				ActiveDirectoryAuthorityHost: "https://login.invalid/",
				Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
					cloud.ResourceManager: {Audience: "https://management.core.windows.net/", Endpoint: srv.URL},
				},
			},
		}},
		Retry: testRetry,
		Now:   func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := c.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"managedcluster.json": APIVersion, "agentpools.json": APIVersion, "subscription.json": "2022-12-01"}; len(versions) != 3 ||
		versions["managedcluster.json"] != want["managedcluster.json"] || versions["agentpools.json"] != want["agentpools.json"] ||
		versions["subscription.json"] != want["subscription.json"] {
		t.Errorf("api-versions requested = %v, want %v", versions, want)
	}
	sys := s.Pools[1]
	if sys.Name != "system" || sys.Mode != "System" || sys.SSHAccess != "Disabled" || sys.VMSize != "Standard_D4ds_v5" || len(sys.Taints) != 1 {
		t.Errorf("system pool = %+v", sys)
	}
	if s.Cluster.SupportPlan != "KubernetesOfficial" || s.Cluster.UpgradeChannel != "patch" || s.Cluster.SKUTier != "Standard" {
		t.Errorf("cluster = %+v", s.Cluster)
	}
	if id := s.Provenance.Identity; id.SubscriptionName != "Platform Production" || id.TenantID != testTenant {
		t.Errorf("identity = %+v", id)
	}
	if !s.Coverage.Has("cluster") || !s.Coverage.Has("pools") {
		t.Errorf("coverage = %+v", s.Coverage)
	}
}

// Package livetest helps tests prove that a live collection and an offline one agree: it serves
// the same az captures the offline reader reads as ARM responses on a loopback TLS server, loads
// kubectl captures into a real API server (internal/kubetest), and dumps an API server's objects
// as `kubectl get -o json` would write them. It is imported by tests, and by hack/livebench,
// which serves a generated cluster's ARM side to the syspool it measures.
package livetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	armpolicy "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
)

// ARM is a loopback TLS server answering the three calls the ARM collector makes.
type ARM struct {
	URL string
	// SubscriptionID, ResourceGroup and Cluster are what the served cluster's id says.
	SubscriptionID, ResourceGroup, Cluster string
	// TenantID and SubscriptionName are served for the subscription.
	TenantID, SubscriptionName string

	srv    *httptest.Server
	mu     sync.Mutex
	bodies map[string][]byte
	status map[string]int
	calls  map[string]int
}

// Options returns the client options that send the SDK's requests to the replay server.
func (a *ARM) Options() armpolicy.ClientOptions {
	return armpolicy.ClientOptions{ClientOptions: azcore.ClientOptions{
		Transport: a.srv.Client(),
		Cloud: cloud.Configuration{
			ActiveDirectoryAuthorityHost: "https://login.invalid/",
			Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Audience: "https://management.core.windows.net/", Endpoint: a.srv.URL},
			},
		},
	}}
}

// Credential is a token credential the replay server accepts.
func (a *ARM) Credential() azcore.TokenCredential { return &azfake.TokenCredential{} }

// Fail makes every later call of route ("cluster", "pools" or "subscription") answer status.
func (a *ARM) Fail(route string, status int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status[route] = status
}

// Calls returns how often route was called.
func (a *ARM) Calls(route string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[route]
}

// ServeAz starts a replay server for the cluster of an `az aks show -o json` capture and the pools
// of an `az aks nodepool list -o json` capture, converted into the ARM bodies ARM itself returns:
// the resource envelope with the settings under properties, and a {"value": [...]} pool list.
func ServeAz(t testing.TB, azShow, azPools []byte) *ARM {
	t.Helper()
	a, err := NewARM(azShow, azPools)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// NewARM is ServeAz outside a test (hack/livebench runs syspool against it); the caller closes
// it.
func NewARM(azShow, azPools []byte) (*ARM, error) {
	cluster, pools, err := AzToARM(azShow, azPools)
	if err != nil {
		return nil, err
	}
	var head struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(cluster, &head); err != nil {
		return nil, fmt.Errorf("read the cluster's id and name: %w", err)
	}
	a := &ARM{TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", SubscriptionName: "Replay Subscription",
		bodies: map[string][]byte{}, status: map[string]int{}, calls: map[string]int{}}
	parts := strings.Split(strings.Trim(head.ID, "/"), "/")
	for i := 0; i+1 < len(parts); i += 2 {
		switch strings.ToLower(parts[i]) {
		case "subscriptions":
			a.SubscriptionID = parts[i+1]
		case "resourcegroups":
			a.ResourceGroup = parts[i+1]
		}
	}
	a.Cluster = head.Name
	sub, err := json.Marshal(map[string]any{
		"id": "/subscriptions/" + a.SubscriptionID, "subscriptionId": a.SubscriptionID, "tenantId": a.TenantID,
		"displayName": a.SubscriptionName, "state": "Enabled",
	})
	if err != nil {
		return nil, err
	}
	a.bodies["cluster"], a.bodies["pools"], a.bodies["subscription"] = cluster, pools, sub
	clusterPath := strings.ToLower("/subscriptions/" + a.SubscriptionID + "/resourceGroups/" + a.ResourceGroup +
		"/providers/Microsoft.ContainerService/managedClusters/" + a.Cluster)
	a.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var route string
		// ARM compares paths case-insensitively.
		switch p := strings.ToLower(r.URL.Path); p {
		case clusterPath:
			route = "cluster"
		case clusterPath + "/agentpools":
			route = "pools"
		case strings.ToLower("/subscriptions/" + a.SubscriptionID):
			route = "subscription"
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"error":{"code":"ResourceNotFound","message":"%s was not found"}}`, r.URL.Path)
			return
		}
		a.mu.Lock()
		a.calls[route]++
		status, body := a.status[route], a.bodies[route]
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if status != 0 {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"code":"%s","message":"replayed failure"}}`, strings.ReplaceAll(http.StatusText(status), " ", ""))
			return
		}
		_, _ = w.Write(body)
	}))
	a.URL = a.srv.URL
	return a, nil
}

// Close stops the server.
func (a *ARM) Close() { a.srv.Close() }

// armEnvelope are the members ARM keeps outside properties; az flattens the rest beside them.
var armEnvelope = map[string]bool{"id": true, "name": true, "type": true, "location": true, "tags": true, "sku": true,
	"identity": true, "kind": true, "eTag": true, "extendedLocation": true, "systemData": true}

// AzToARM turns az captures back into ARM bodies. az's attribute spellings (osSku, vnetSubnetId)
// differ from ARM's only in case, which the offline reader accepts either way, so only the shape
// changes: the envelope, properties, and for pools the ARM type moving back from
// typePropertiesType to properties.type.
func AzToARM(azShow, azPools []byte) (cluster, pools []byte, err error) {
	var c map[string]any
	if err := json.Unmarshal(azShow, &c); err != nil {
		return nil, nil, fmt.Errorf("az aks show capture: %w", err)
	}
	cluster, err = json.Marshal(envelope(c, "Microsoft.ContainerService/ManagedClusters"))
	if err != nil {
		return nil, nil, err
	}
	var ps []map[string]any
	if len(azPools) > 0 {
		if err := json.Unmarshal(azPools, &ps); err != nil {
			return nil, nil, fmt.Errorf("az aks nodepool list capture: %w", err)
		}
	}
	value := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		poolType := p["typePropertiesType"]
		delete(p, "typePropertiesType")
		e := envelope(p, "Microsoft.ContainerService/managedClusters/agentPools")
		e["properties"].(map[string]any)["type"] = poolType
		value = append(value, e)
	}
	pools, err = json.Marshal(map[string]any{"value": value})
	return cluster, pools, err
}

func envelope(az map[string]any, typ string) map[string]any {
	out := map[string]any{"type": typ}
	props := map[string]any{}
	for k, v := range az {
		switch {
		case k == "resourceGroup":
			// az adds it; ARM has it only inside the id.
		case armEnvelope[k] && k != "type":
			out[k] = v
		case k != "type":
			props[k] = v
		}
	}
	out["properties"] = props
	return out
}

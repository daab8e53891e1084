package checks

import (
	"testing"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

func TestFixCommands(t *testing.T) {
	const id = "/subscriptions/0b1f/resourceGroups/rg-(prod)/providers/Microsoft.ContainerService/managedClusters/aks1"
	tests := []struct {
		name string
		snap snapshot.Snapshot
		got  func(c *rule.Context) string
		want string
	}{
		{
			name: "identity from explicit fields and kube context",
			snap: snapshot.Snapshot{
				Cluster:    snapshot.Cluster{Name: "aks1", ResourceGroup: "rg", SubscriptionID: "sub"},
				Provenance: snapshot.Provenance{Identity: snapshot.Identity{KubeContext: "aks1-admin"}},
			},
			got:  func(c *rule.Context) string { return azNodepool(c, "start", "sys", "") },
			want: "az aks nodepool start --subscription sub -g rg --cluster-name aks1 -n sys",
		},
		{
			name: "identity recovered from the ARM ID, quoted where the shell needs it",
			snap: snapshot.Snapshot{Cluster: snapshot.Cluster{ID: id}},
			got:  func(c *rule.Context) string { return azAKS(c, "update", "") },
			want: "az aks update --subscription 0b1f -g 'rg-(prod)' -n aks1",
		},
		{
			name: "placeholders when identity is unknown",
			snap: snapshot.Snapshot{},
			got: func(c *rule.Context) string {
				return azNodepool(c, "update", "sys", "--node-taints CriticalAddonsOnly=true:NoSchedule")
			},
			want: "az aks nodepool update --subscription <subscription> -g <resource-group> --cluster-name <cluster> -n sys --node-taints CriticalAddonsOnly=true:NoSchedule",
		},
		{
			name: "kubectl with a context that needs quoting",
			snap: snapshot.Snapshot{Provenance: snapshot.Provenance{Identity: snapshot.Identity{KubeContext: "prod west"}}},
			got:  func(c *rule.Context) string { return kubectl(c, "uncordon n1") },
			want: "kubectl --context 'prod west' uncordon n1",
		},
		{
			name: "kubectl without a known context",
			snap: snapshot.Snapshot{},
			got:  func(c *rule.Context) string { return kubectl(c, "uncordon n1") },
			want: "kubectl uncordon n1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.snap
			c := rule.NewContext(&s, snapshot.NewIndex(&s), now, nil)
			if got := tt.got(c); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestSuccessorName(t *testing.T) {
	for in, want := range map[string]string{"system": "systemv2", "nodepool1": "nodepool1v2", "systempool01": "systempoolv2"} {
		if got := successorName(in); got != want || len(got) > 12 {
			t.Errorf("successorName(%q) = %q, want %q (at most 12 characters)", in, got, want)
		}
	}
}

func TestTolerationFor(t *testing.T) {
	cao := snapshot.Taint{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}
	tests := []struct {
		name string
		tols []snapshot.Toleration
		ok   bool
	}{
		{"exists on the key", []snapshot.Toleration{{Key: "CriticalAddonsOnly", Operator: "Exists"}}, true},
		{"blanket exists", []snapshot.Toleration{{Operator: "Exists"}}, true},
		{"blanket exists for another effect", []snapshot.Toleration{{Operator: "Exists", Effect: "NoExecute"}}, false},
		{"equal with the value", []snapshot.Toleration{{Key: "CriticalAddonsOnly", Value: "true"}}, true},
		{"equal with another value", []snapshot.Toleration{{Key: "CriticalAddonsOnly", Operator: "Equal", Value: "yes"}}, false},
		{"empty key without Exists matches nothing", []snapshot.Toleration{{Value: "true"}}, false},
		{"other key", []snapshot.Toleration{{Key: "sku", Operator: "Exists"}}, false},
		{"none", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tolerationFor(tt.tols, cao); ok != tt.ok {
				t.Errorf("tolerated = %v, want %v", ok, tt.ok)
			}
		})
	}
}

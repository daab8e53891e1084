package report

import (
	"testing"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/version"
)

var fixtureNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// pinVersion fixes the tool version, which SARIF embeds, so goldens do not depend on the build.
func pinVersion(t *testing.T) {
	old := version.Version
	version.Version = "v0.0.0-test"
	t.Cleanup(func() { version.Version = old })
}

func iptr(v int) *int { return &v }

// fixtureCatalog is a small rule catalog with everything SARIF embeds: rationale, remediation,
// sources, a category, and one severity of each kind.
func fixtureCatalog() []rule.Rule {
	nop := func(*rule.Context) []rule.Result { return nil }
	return []rule.Rule{
		{ID: "SP006", Title: "System pool has at least three nodes", Category: "Reliability", Severity: rule.High,
			Rationale:   "Two nodes leave no room to drain one during an upgrade while CoreDNS keeps two replicas.",
			Remediation: "Scale the system pool to three nodes or enable the autoscaler with minCount 3.",
			Sources:     []rule.Source{{Title: "AKS system node pools", URL: "https://learn.microsoft.com/azure/aks/use-system-pools"}},
			Check:       nop},
		{ID: "SP001", Title: "A System pool exists", Category: "Reliability", Severity: rule.Critical,
			Rationale: "Every AKS cluster needs at least one System pool.", Remediation: "Add a System pool.", Check: nop},
		{ID: "SP014", Title: "No application pods on system nodes", Category: "Isolation", Severity: rule.Medium,
			Rationale: "Application pods compete with kube-system for CPU and memory.", Remediation: "Taint the system pool with CriticalAddonsOnly=true:NoSchedule.", Check: nop},
		{ID: "SP015", Title: "kube-system pods are healthy", Category: "Health", Severity: rule.Low,
			Rationale: "Restarting system pods <like coredns> signal pressure.", Remediation: "Inspect with `kubectl describe pod`.", Check: nop},
		{ID: "SP016", Title: "System nodes are Ready", Category: "Health", Severity: rule.Info,
			Rationale: "A NotReady node cannot host system pods.", Remediation: "Check the node.", Check: nop},
	}
}

// fixtureInput is a two-pool cluster read from two files, with a finding of every status: a high
// failure with a fix, a waived medium failure, a low failure whose message needs escaping in
// Markdown and XML, an unevaluated rule, a pass and a skip.
func fixtureInput() Input {
	id := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod"
	s := &snapshot.Snapshot{
		SchemaVersion: 1,
		Provenance: snapshot.Provenance{Tool: "syspool", ToolVersion: "v0.0.0-test", CollectedAt: fixtureNow.Add(-time.Hour), Mode: "files",
			Sources: []snapshot.Source{
				{Path: "captures/az-aks-show.json", SHA256: "1111111111111111111111111111111111111111111111111111111111111111", Kind: "az aks show",
					Objects: map[snapshot.DataKind]int{snapshot.KindCluster: 1, snapshot.KindPools: 2}},
				{Path: "captures/kube system.json", SHA256: "2222222222222222222222222222222222222222222222222222222222222222", Kind: "kubectl list",
					Objects: map[snapshot.DataKind]int{snapshot.KindNodes: 3, snapshot.KindPods: 4}},
			},
			Identity: snapshot.Identity{TenantID: "tenant-1", SubscriptionName: "Production"}},
		Cluster: snapshot.Cluster{ID: id, Name: "aks-prod", ResourceGroup: "rg-prod", SubscriptionID: "00000000-0000-0000-0000-000000000001",
			Location: "westeurope", KubernetesVersion: "1.33", CurrentKubernetesVersion: "1.33.2", ProvisioningState: "Succeeded", PowerState: "Running",
			SKUName: "Base", SKUTier: "Standard", FQDN: "aks-prod-dns.hcp.westeurope.azmk8s.io"},
		Pools: []snapshot.Pool{
			{Name: "sys", Mode: snapshot.ModeSystem, Count: iptr(2), VMSize: "Standard_D4ds_v5", OSType: "Linux", Zones: []string{"1", "2"},
				Taints:              []snapshot.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}},
				OrchestratorVersion: "1.33.2", CurrentOrchestratorVersion: "1.33.2", NodeImageVersion: "AKSUbuntu-2204gen2containerd-202611.01.0",
				ProvisioningState: "Succeeded", PowerState: "Running"},
			{Name: "user1", Mode: snapshot.ModeUser, Count: iptr(1), EnableAutoScaling: true, MinCount: iptr(1), MaxCount: iptr(5),
				VMSize: "Standard_D8ds_v5", OSType: "Linux", OrchestratorVersion: "1.33.2", ProvisioningState: "Succeeded", PowerState: "Running"},
		},
		Nodes: []snapshot.Node{
			{Name: "aks-sys-1", Pool: "sys", Ready: "True", Zone: "westeurope-1"},
			{Name: "aks-sys-2", Pool: "sys", Ready: "True", Zone: "westeurope-2"},
			{Name: "aks-user1-1", Pool: "user1", Ready: "True", Zone: "westeurope-1"},
		},
		Pods: []snapshot.Pod{
			{Namespace: "kube-system", Name: "coredns-a", NodeName: "aks-sys-1", Workload: snapshot.Owner{Kind: "Deployment", Name: "coredns"}, Owner: snapshot.Owner{Kind: "ReplicaSet", Name: "coredns-x"}, Phase: "Running"},
			{Namespace: "kube-system", Name: "coredns-b", NodeName: "aks-user1-1", Workload: snapshot.Owner{Kind: "Deployment", Name: "coredns"}, Owner: snapshot.Owner{Kind: "ReplicaSet", Name: "coredns-x"}, Phase: "Running"},
			{Namespace: "kube-system", Name: "kube-proxy-1", NodeName: "aks-sys-1", Owner: snapshot.Owner{Kind: "DaemonSet", Name: "kube-proxy"}, Workload: snapshot.Owner{Kind: "DaemonSet", Name: "kube-proxy"}, Phase: "Running"},
			{Namespace: "shop", Name: "web-1", NodeName: "aks-sys-2", Phase: "Running"},
		},
		Coverage: snapshot.Coverage{snapshot.KindCluster: {Present: true}, snapshot.KindPools: {Present: true},
			snapshot.KindNodes: {Present: true}, snapshot.KindPods: {Present: true}},
		Notes: []snapshot.Note{{Source: "captures/kube system.json", Message: "1 pod has no owner"}},
	}
	f := func(id, title, cat string, st rule.Status, sev rule.Severity, res rule.Resource, msg string) rule.Finding {
		return rule.Finding{RuleID: id, Title: title, Category: cat, Status: st, Severity: sev, Resource: res, Message: msg,
			Fingerprint: rule.Fingerprint(id, res)}
	}
	pool := rule.Resource{Kind: "pool", Name: "sys", Pool: "sys"}
	findings := []rule.Finding{
		f("SP001", "A System pool exists", "Reliability", rule.Pass, rule.Critical, rule.Resource{Kind: "cluster", Name: "aks-prod"}, "pool sys is a System pool"),
		f("SP006", "System pool has at least three nodes", "Reliability", rule.Fail, rule.High, pool, "System pool sys has 2 nodes; at least 3 keep CoreDNS available during an upgrade"),
		f("SP014", "No application pods on system nodes", "Isolation", rule.Fail, rule.Medium, rule.Resource{Kind: "pod", Namespace: "shop", Name: "web-1", Pool: "sys"}, "pod shop/web-1 runs on system node aks-sys-2"),
		f("SP015", "kube-system pods are healthy", "Health", rule.Fail, rule.Low, rule.Resource{Kind: "pod", Namespace: "kube-system", Name: "coredns-b", Pool: "user1"}, "restarted 7 times | last reason <OOMKilled> & \"CrashLoopBackOff\""),
		f("SP016", "System nodes are Ready", "Health", rule.Error, rule.Info, rule.Resource{Kind: "cluster", Name: "aks-prod"}, "not evaluated: needs nodes: no source was given (capture with `kubectl get nodes -o json`)"),
		f("SP017", "Special pools are User pools", "Reliability", rule.Skip, rule.Medium, rule.Resource{Kind: "cluster", Name: "aks-prod"}, "no GPU or Spot pool"),
	}
	findings[1].Evidence = []rule.Evidence{{Field: "pool.count", Value: "2"}, {Field: "threshold", Value: "3"}}
	findings[1].Fix = "az aks nodepool scale --subscription 00000000-0000-0000-0000-000000000001 -g rg-prod --cluster-name aks-prod -n sys --node-count 3"
	findings[2].Waiver = &rule.Waived{Reason: "shop moves to its own pool in Q1", Owner: "team-shop", Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}
	rep := &rule.Report{SchemaVersion: 1, GeneratedAt: fixtureNow, Cluster: s.Cluster, Provenance: s.Provenance, Coverage: s.Coverage,
		Notes: s.Notes, Findings: findings, PolicyNotes: []string{"waiver SP099 on * (owner ops) matched no finding: remove it or fix its rule/resource"},
		Counts: rule.Counts{Pass: 1, Fail: 2, Skip: 1, Error: 1, Waived: 1, BySeverity: map[string]int{"high": 1, "low": 1}}}
	return Input{Snapshot: s, Report: rep, Catalog: fixtureCatalog(), FailOn: rule.High}
}

// fixtureLive is a live collection of a cluster named only by name: no source files (so SARIF
// falls back to its placeholder location), no kube data, nothing failing.
func fixtureLive() Input {
	s := &snapshot.Snapshot{SchemaVersion: 1, Digest: "sha256:" + "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12",
		Provenance: snapshot.Provenance{Tool: "syspool", ToolVersion: "v0.0.0-test", CollectedAt: fixtureNow, Mode: "live",
			Sources: []snapshot.Source{{Path: "arm://managedClusters/dev", Kind: "live ARM"}}},
		Cluster:  snapshot.Cluster{Name: "dev"},
		Pools:    []snapshot.Pool{{Name: "agentpool", Mode: snapshot.ModeSystem, ModeDefaulted: false, Count: iptr(3), VMSize: "Standard_D2s_v3"}},
		Coverage: snapshot.Coverage{snapshot.KindPools: {Present: true}},
	}
	findings := []rule.Finding{
		{RuleID: "SP001", Title: "A System pool exists", Status: rule.Pass, Severity: rule.Critical,
			Resource: rule.Resource{Kind: "cluster", Name: "dev"}, Message: "ok", Fingerprint: rule.Fingerprint("SP001", rule.Resource{Kind: "cluster", Name: "dev"})},
		{RuleID: "SP016", Title: "System nodes are Ready", Status: rule.Error, Severity: rule.Info,
			Resource: rule.Resource{Kind: "cluster", Name: "dev"}, Message: "needs nodes", Fingerprint: rule.Fingerprint("SP016", rule.Resource{Kind: "cluster", Name: "dev"})},
	}
	rep := &rule.Report{SchemaVersion: 1, GeneratedAt: fixtureNow, Cluster: s.Cluster, Provenance: s.Provenance, Coverage: s.Coverage,
		Findings: findings, Counts: rule.Counts{Pass: 1, Error: 1, BySeverity: map[string]int{}}}
	return Input{Snapshot: s, Report: rep, Catalog: fixtureCatalog()[:2], FailOn: rule.Medium}
}

var fixtures = []struct {
	name string
	in   func() Input
}{
	{"cluster", fixtureInput},
	{"live", fixtureLive},
}

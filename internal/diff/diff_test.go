package diff

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/report"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

func iptr(v int) *int { return &v }

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func full() snapshot.Coverage {
	return snapshot.Coverage{snapshot.KindCluster: {Present: true}, snapshot.KindPools: {Present: true},
		snapshot.KindNodes: {Present: true}, snapshot.KindPods: {Present: true}}
}

// beforeSnap: a healthy three-node system pool, CoreDNS on it, one user pool.
func beforeSnap() *snapshot.Snapshot {
	return &snapshot.Snapshot{SchemaVersion: 1, Digest: "sha256:" + strings.Repeat("a", 64),
		Provenance: snapshot.Provenance{CollectedAt: t0},
		Cluster:    snapshot.Cluster{Name: "aks-prod", KubernetesVersion: "1.32"},
		Pools: []snapshot.Pool{
			{Name: "sys", Mode: "System", Count: iptr(3), VMSize: "Standard_D4ds_v5", Zones: []string{"1", "2", "3"},
				Taints: []snapshot.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}},
				Labels: map[string]string{"team": "platform", "tier": "system"}, NodeImageVersion: "img-1"},
			{Name: "user1", Mode: "User", Count: iptr(2), VMSize: "Standard_D8ds_v5"},
			{Name: "old", Mode: "User", Count: iptr(1), VMSize: "Standard_D2s_v3"},
		},
		Nodes: []snapshot.Node{{Name: "sys-1", Pool: "sys"}, {Name: "sys-2", Pool: "sys"}, {Name: "sys-3", Pool: "sys"}, {Name: "user1-1", Pool: "user1"}},
		Pods: []snapshot.Pod{
			{Namespace: "kube-system", Name: "coredns-aaa-1", NodeName: "sys-1", Workload: snapshot.Owner{Kind: "Deployment", Name: "coredns"}},
			{Namespace: "kube-system", Name: "coredns-aaa-2", NodeName: "sys-2", Workload: snapshot.Owner{Kind: "Deployment", Name: "coredns"}},
			{Namespace: "kube-system", Name: "metrics-server-1", NodeName: "sys-3", Workload: snapshot.Owner{Kind: "Deployment", Name: "metrics-server"}},
			{Namespace: "kube-system", Name: "kube-proxy-x", NodeName: "sys-1", Owner: snapshot.Owner{Kind: "DaemonSet", Name: "kube-proxy"}},
		},
		Coverage: full(),
	}
}

// afterSnap: the drift a day later. The system pool lost its taint and a node, one node was
// replaced, a GPU pool appeared, an old pool went, and CoreDNS (new pod names) spread to user1.
func afterSnap() *snapshot.Snapshot {
	s := beforeSnap()
	s.Digest = "sha256:" + strings.Repeat("b", 64)
	s.Provenance.CollectedAt = t0.Add(24 * time.Hour)
	s.Cluster.KubernetesVersion = "1.33"
	s.Pools = []snapshot.Pool{
		{Name: "gpu", Mode: "User", Count: iptr(1), VMSize: "Standard_NC6s_v3"},
		{Name: "sys", Mode: "System", Count: iptr(2), VMSize: "Standard_D4ds_v5", Zones: []string{"3", "1", "2"},
			Labels: map[string]string{"team": "apps", "new": ""}, NodeImageVersion: "img-2"},
		{Name: "user1", Mode: "User", Count: iptr(2), VMSize: "Standard_D8ds_v5"},
	}
	s.Nodes = []snapshot.Node{{Name: "sys-1", Pool: "sys"}, {Name: "sys-4", Pool: "sys"}, {Name: "user1-1", Pool: "user1"}, {Name: "gpu-1", Pool: "gpu"}}
	s.Pods = []snapshot.Pod{
		{Namespace: "kube-system", Name: "coredns-bbb-1", NodeName: "sys-1", Workload: snapshot.Owner{Kind: "Deployment", Name: "coredns"}},
		{Namespace: "kube-system", Name: "coredns-bbb-2", NodeName: "user1-1", Workload: snapshot.Owner{Kind: "Deployment", Name: "coredns"}},
		{Namespace: "kube-system", Name: "metrics-server-2", NodeName: "sys-4", Workload: snapshot.Owner{Kind: "Deployment", Name: "metrics-server"}},
		{Namespace: "kube-system", Name: "konnectivity-1", NodeName: "", Workload: snapshot.Owner{Kind: "Deployment", Name: "konnectivity-agent"}},
		{Namespace: "kube-system", Name: "kube-proxy-y", NodeName: "gpu-1", Owner: snapshot.Owner{Kind: "DaemonSet", Name: "kube-proxy"}},
	}
	return s
}

func fnd(id string, st rule.Status, sev rule.Severity, kind, name, msg string) rule.Finding {
	res := rule.Resource{Kind: kind, Name: name}
	return rule.Finding{RuleID: id, Title: id + " title", Status: st, Severity: sev, Resource: res, Message: msg, Fingerprint: rule.Fingerprint(id, res)}
}

func beforeFindings() []rule.Finding {
	waived := fnd("SP014", rule.Fail, rule.Medium, "pod", "shop/web", "app pod on system node")
	waived.Waiver = &rule.Waived{Reason: "moving", Owner: "shop", Expires: t0.Add(72 * time.Hour)}
	return []rule.Finding{
		fnd("SP006", rule.Pass, rule.High, "pool", "sys", "3 nodes"),
		fnd("SP010", rule.Fail, rule.Medium, "pool", "sys", "zones 1,2"),
		fnd("SP012", rule.Fail, rule.Low, "pool", "user1", "taint on user pool"),
		waived,
		fnd("SP015", rule.Error, rule.Low, "cluster", "aks-prod", "needs pods"),
	}
}

func afterFindings() []rule.Finding {
	return []rule.Finding{
		fnd("SP006", rule.Fail, rule.High, "pool", "sys", "2 nodes"),                      // new
		fnd("SP010", rule.Fail, rule.Medium, "pool", "sys", "zones 1,2"),                  // unchanged
		fnd("SP012", rule.Pass, rule.Low, "pool", "user1", "ok"),                          // resolved
		fnd("SP014", rule.Fail, rule.Medium, "pod", "shop/web", "app pod on system node"), // waiver lapsed: changed
		fnd("SP016", rule.Fail, rule.Critical, "node", "sys-4", "NotReady"),               // new
	}
}

func TestCompareSnapshots(t *testing.T) {
	r := Compare(FromSnapshot("before.json", beforeSnap(), beforeFindings()), FromSnapshot("after.json", afterSnap(), afterFindings()))

	if diff := cmp.Diff([]FieldChange{{"kubernetesVersion", "1.32", "1.33"}}, r.Cluster); diff != "" {
		t.Errorf("cluster changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]PoolBrief{{Name: "gpu", Mode: "User", VMSize: "Standard_NC6s_v3", Count: "1"}}, r.PoolsAdded); diff != "" {
		t.Errorf("pools added:\n%s", diff)
	}
	if len(r.PoolsRemoved) != 1 || r.PoolsRemoved[0].Name != "old" {
		t.Errorf("pools removed: %+v", r.PoolsRemoved)
	}
	wantSys := []FieldChange{
		{"count", "3", "2"},
		{"taints", "CriticalAddonsOnly=true:NoSchedule", ""},
		{"nodeImageVersion", "img-1", "img-2"},
		{"labels[new]", "", `""`},
		{"labels[team]", "platform", "apps"},
		{"labels[tier]", "system", ""},
	}
	if len(r.PoolsChanged) != 1 || r.PoolsChanged[0].Name != "sys" {
		t.Fatalf("pools changed: %+v", r.PoolsChanged)
	}
	if diff := cmp.Diff(wantSys, r.PoolsChanged[0].Changes); diff != "" {
		t.Errorf("sys changes (zones reordered is no change) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]NodeRef{{Name: "gpu-1", Pool: "gpu"}, {Name: "sys-4", Pool: "sys"}}, r.NodesAdded); diff != "" {
		t.Errorf("nodes added:\n%s", diff)
	}
	if diff := cmp.Diff([]NodeRef{{Name: "sys-2", Pool: "sys"}, {Name: "sys-3", Pool: "sys"}}, r.NodesRemoved); diff != "" {
		t.Errorf("nodes removed:\n%s", diff)
	}
	wantMoved := []Movement{
		{Workload: "coredns", Before: map[string]int{"sys": 2}, After: map[string]int{"sys": 1, "user1": 1}, Counted: true},
		{Workload: "konnectivity-agent", Before: map[string]int{}, After: map[string]int{PoolUnscheduled: 1}, Counted: true},
	}
	if diff := cmp.Diff(wantMoved, r.Moved); diff != "" {
		t.Errorf("moved: metrics-server changed pod and node but not pool, so it did not move; DaemonSets are ignored (-want +got):\n%s", diff)
	}
	ids := func(fs []rule.Finding) (out []string) {
		for _, f := range fs {
			out = append(out, f.RuleID)
		}
		return out
	}
	if diff := cmp.Diff([]string{"SP006", "SP016"}, ids(r.New)); diff != "" {
		t.Errorf("new:\n%s", diff)
	}
	if len(r.Resolved) != 2 || r.Resolved[0].Finding.RuleID != "SP012" || r.Resolved[0].Now != "pass" ||
		r.Resolved[1].Finding.RuleID != "SP015" || r.Resolved[1].Now != "absent" {
		t.Errorf("resolved: %+v", r.Resolved)
	}
	if len(r.Changed) != 1 || r.Changed[0].After.RuleID != "SP014" || r.Changed[0].What[0] != "no longer waived" {
		t.Errorf("changed: %+v", r.Changed)
	}
	if r.Unchanged != 1 {
		t.Errorf("unchanged = %d, want 1 (SP010)", r.Unchanged)
	}
}

func TestCompareOnlyWhatBothSidesKnow(t *testing.T) {
	noNodes := beforeSnap()
	noNodes.Coverage = snapshot.Coverage{snapshot.KindPools: {Present: true}}
	tests := []struct {
		name                             string
		before, after                    Side
		nodes, placement, findings, warn bool
	}{
		{"both full", FromSnapshot("a", beforeSnap(), []rule.Finding{}), FromSnapshot("b", afterSnap(), []rule.Finding{}), true, true, true, false},
		{"no node capture before", FromSnapshot("a", noNodes, nil), FromSnapshot("b", afterSnap(), nil), false, false, false, false},
		{"kube-system pods only", FromSnapshot("a", withCoverage(beforeSnap(), snapshot.KindPods, snapshot.KindCoverage{Present: true, Partial: true, Scope: "namespace kube-system"}), nil),
			FromSnapshot("b", afterSnap(), nil), true, true, false, false},
		{"different clusters", FromSnapshot("a", beforeSnap(), nil), FromSnapshot("b", renamed(afterSnap(), "aks-dev"), nil), true, true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Compare(tt.before, tt.after)
			if r.NodesCompared != tt.nodes || r.PlacementCompared != tt.placement || r.FindingsCompared != tt.findings {
				t.Errorf("compared nodes/placement/findings = %v/%v/%v, want %v/%v/%v", r.NodesCompared, r.PlacementCompared, r.FindingsCompared, tt.nodes, tt.placement, tt.findings)
			}
			if !tt.nodes && len(r.NodesRemoved) > 0 {
				t.Error("a missing node capture must not read as every node removed")
			}
			if (len(r.Warnings) > 0) != tt.warn {
				t.Errorf("warnings %v", r.Warnings)
			}
		})
	}
}

func withCoverage(s *snapshot.Snapshot, k snapshot.DataKind, kc snapshot.KindCoverage) *snapshot.Snapshot {
	s.Coverage[k] = kc
	return s
}

func renamed(s *snapshot.Snapshot, name string) *snapshot.Snapshot {
	s.Cluster.Name = name
	return s
}

// A report's placement names workloads per pool without counts: a report and a snapshot of the
// same state compare as equal, and a move between pools still shows.
func TestCompareReportWithSnapshot(t *testing.T) {
	b := beforeSnap()
	doc := report.NewDocument(report.Input{Snapshot: b, Report: &rule.Report{Cluster: b.Cluster, Provenance: b.Provenance, Coverage: b.Coverage, Findings: beforeFindings()}})
	same := Compare(FromReport("report.json", doc), FromSnapshot("snap.json", beforeSnap(), beforeFindings()))
	if !same.PlacementCompared || len(same.Moved) != 0 || len(same.PoolsChanged) != 0 || same.NodesCompared {
		t.Errorf("report vs snapshot of the same state: %+v", same)
	}
	moved := Compare(FromReport("report.json", doc), FromSnapshot("snap.json", afterSnap(), afterFindings()))
	if len(moved.Moved) != 2 || moved.Moved[0].Counted || moved.Moved[0].Workload != "coredns" {
		t.Errorf("moved: %+v", moved.Moved)
	}
}

func TestNewBlocking(t *testing.T) {
	before := beforeFindings()
	after := afterFindings()
	tests := []struct {
		failOn rule.Severity
		want   []string
	}{
		{rule.Critical, []string{"SP016"}},
		{rule.High, []string{"SP006", "SP016"}},
		// SP010 was already blocking in the baseline; SP014's waiver lapsed, so it now blocks.
		{rule.Medium, []string{"SP006", "SP014", "SP016"}},
		{rule.Never, nil},
	}
	for _, tt := range tests {
		t.Run(tt.failOn.String(), func(t *testing.T) {
			var got []string
			for _, f := range NewBlocking(before, after, tt.failOn) {
				got = append(got, f.RuleID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderGolden(t *testing.T) {
	cases := map[string]Result{
		"drift":     Compare(FromSnapshot("before.json", beforeSnap(), beforeFindings()), FromSnapshot("after.json", afterSnap(), afterFindings())),
		"unchanged": Compare(FromSnapshot("a.json", beforeSnap(), nil), FromSnapshot("b.json", beforeSnap(), nil)),
	}
	ext := map[string]string{"table": "txt", "json": "json", "markdown": "md"}
	for name, r := range cases {
		for _, format := range Formats {
			t.Run(name+"."+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, format, r); err != nil {
					t.Fatal(err)
				}
				golden.File(t, name+"."+ext[format], buf.Bytes())
			})
		}
	}
	if err := Write(&bytes.Buffer{}, "xml", Result{}); err == nil || !strings.Contains(err.Error(), "valid: table, json, markdown") {
		t.Errorf("unknown format error %v must list the valid ones", err)
	}
}

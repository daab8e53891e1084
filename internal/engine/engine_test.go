package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func testRegistry(t *testing.T, rules ...rule.Rule) *rule.Registry {
	t.Helper()
	reg, err := rule.NewRegistry(rules)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func failEachPool(c *rule.Context) []rule.Result {
	var out []rule.Result
	for _, p := range c.Snap.Pools {
		out = append(out, rule.Result{Status: rule.Fail, Resource: rule.Resource{Kind: "pool", Name: p.Name}, Message: "bad"})
	}
	return out
}

func snap(cov snapshot.Coverage, pools ...string) *snapshot.Snapshot {
	s := &snapshot.Snapshot{SchemaVersion: 1, Cluster: snapshot.Cluster{Name: "c1"}, Coverage: cov}
	for _, p := range pools {
		s.Pools = append(s.Pools, snapshot.Pool{Name: p, Mode: snapshot.ModeSystem})
	}
	return s
}

func TestRunStatuses(t *testing.T) {
	full := snapshot.Coverage{snapshot.KindPools: {Present: true}, snapshot.KindNodes: {Present: true}, snapshot.KindPods: {Present: true}}
	tests := []struct {
		name       string
		rule       rule.Rule
		snap       *snapshot.Snapshot
		wantStatus rule.Status
		wantMsg    string
	}{
		{
			name:       "missing data is an error, not a pass",
			rule:       rule.Rule{ID: "SP900", Title: "t", Needs: []snapshot.DataKind{snapshot.KindNodes}, Check: failEachPool},
			snap:       snap(snapshot.Coverage{snapshot.KindPools: {Present: true}}, "a"),
			wantStatus: rule.Error,
			wantMsg:    "needs nodes",
		},
		{
			name:       "kube-system pods satisfy a system-pods need",
			rule:       rule.Rule{ID: "SP900", Title: "t", Needs: []snapshot.DataKind{snapshot.KindSystemPods}, Check: failEachPool},
			snap:       snap(snapshot.Coverage{snapshot.KindPods: {Present: true, Partial: true, Scope: "namespace kube-system"}}, "a"),
			wantStatus: rule.Fail,
		},
		{
			name:       "kube-system pods do not satisfy an all-pods need",
			rule:       rule.Rule{ID: "SP900", Title: "t", Needs: []snapshot.DataKind{snapshot.KindPods}, Check: failEachPool},
			snap:       snap(snapshot.Coverage{snapshot.KindPods: {Present: true, Partial: true, Scope: "namespace kube-system"}}, "a"),
			wantStatus: rule.Error,
			wantMsg:    "only namespace kube-system was read",
		},
		{
			name: "a stopped cluster skips kube rules",
			rule: rule.Rule{ID: "SP900", Title: "t", Needs: []snapshot.DataKind{snapshot.KindNodes}, Check: failEachPool},
			snap: func() *snapshot.Snapshot {
				s := snap(full, "a")
				s.Cluster.PowerState = "Stopped"
				return s
			}(),
			wantStatus: rule.Skip,
			wantMsg:    "stopped",
		},
		{
			name: "a panicking rule is an error",
			rule: rule.Rule{ID: "SP900", Title: "t", Check: func(c *rule.Context) []rule.Result {
				return []rule.Result{{Status: rule.Pass, Message: c.String("undeclared")}}
			}},
			snap:       snap(full, "a"),
			wantStatus: rule.Error,
			wantMsg:    "internal error",
		},
		{
			name:       "a silent rule is an error",
			rule:       rule.Rule{ID: "SP900", Title: "t", Check: func(*rule.Context) []rule.Result { return nil }},
			snap:       snap(full, "a"),
			wantStatus: rule.Error,
			wantMsg:    "no result",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Run(tt.snap, Options{Registry: testRegistry(t, tt.rule), Now: now})
			if len(rep.Findings) != 1 {
				t.Fatalf("got %d findings, want 1: %+v", len(rep.Findings), rep.Findings)
			}
			f := rep.Findings[0]
			if f.Status != tt.wantStatus {
				t.Errorf("status = %s, want %s (%s)", f.Status, tt.wantStatus, f.Message)
			}
			if !strings.Contains(f.Message, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", f.Message, tt.wantMsg)
			}
		})
	}
}

func TestSeverityParamsAndOrder(t *testing.T) {
	graded := rule.Rule{ID: "SP901", Title: "t", Severity: rule.Low,
		Params: []rule.Param{{Name: "min", Default: 3}},
		Check: func(c *rule.Context) []rule.Result {
			return []rule.Result{
				{Status: rule.Fail, Resource: rule.Resource{Kind: "pool", Name: "z"}, Severity: rule.High, Message: "graded"},
				{Status: rule.Fail, Resource: rule.Resource{Kind: "pool", Name: "a"}, Message: strings.Repeat("x", c.Int("min"))},
			}
		}}
	s := snap(snapshot.Coverage{}, "a")
	rep := Run(s, Options{Registry: testRegistry(t, graded), Now: now, Params: map[string]map[string]any{"SP901": {"min": 5}}})
	if got := rep.Findings[0].Resource.Name; got != "a" {
		t.Errorf("findings not sorted by resource: first is %s", got)
	}
	if got := rep.Findings[0].Message; got != "xxxxx" {
		t.Errorf("param override not applied: %q", got)
	}
	if rep.Findings[0].Severity != rule.Low || rep.Findings[1].Severity != rule.High {
		t.Errorf("severities = %s, %s; want low (default), high (graded)", rep.Findings[0].Severity, rep.Findings[1].Severity)
	}
	rep = Run(s, Options{Registry: testRegistry(t, graded), Now: now, Severity: map[string]rule.Severity{"SP901": rule.Medium}})
	for _, f := range rep.Findings {
		if f.Severity != rule.Medium {
			t.Errorf("policy severity override not applied to %s: %s", f.Resource, f.Severity)
		}
	}
	if rep.Counts.Fail != 2 || rep.Counts.BySeverity["medium"] != 2 {
		t.Errorf("counts = %+v", rep.Counts)
	}
}

func TestWaivers(t *testing.T) {
	r := rule.Rule{ID: "SP902", Title: "t", Check: failEachPool}
	s := snap(snapshot.Coverage{}, "sys1", "sys2")
	tests := []struct {
		name       string
		waivers    []Waiver
		wantWaived int
		wantNote   string
	}{
		{"live waiver on one pool", []Waiver{{Rule: "SP902", Resource: "pool/sys1", Reason: "r", Owner: "o", Expires: now.Add(24 * time.Hour)}}, 1, ""},
		{"glob waiver", []Waiver{{Rule: "sp902", Resource: "pool/sys*", Reason: "r", Owner: "o", Expires: now.Add(time.Hour)}}, 2, ""},
		{"expired waiver stops waiving and is reported", []Waiver{{Rule: "SP902", Resource: "pool/sys1", Reason: "r", Owner: "o", Expires: now}}, 0, "expired on 2026-11-27 and no longer waives 1"},
		{"unused waiver is reported", []Waiver{{Rule: "SP902", Resource: "pool/other", Reason: "r", Owner: "o", Expires: now.Add(time.Hour)}}, 0, "matched no finding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Run(s, Options{Registry: testRegistry(t, r), Now: now, Waivers: tt.waivers})
			if rep.Counts.Waived != tt.wantWaived {
				t.Errorf("waived = %d, want %d", rep.Counts.Waived, tt.wantWaived)
			}
			if rep.Counts.Fail+rep.Counts.Waived != 2 {
				t.Errorf("a waived finding must stay visible: counts %+v", rep.Counts)
			}
			notes := strings.Join(rep.PolicyNotes, "\n")
			if tt.wantNote == "" && notes != "" || !strings.Contains(notes, tt.wantNote) {
				t.Errorf("policy notes = %q, want %q", notes, tt.wantNote)
			}
		})
	}
}

// TestWaiversThatWaiveNothing: a waiver whose findings pass or are skipped has nothing to waive
// and is reported for removal, expired or not; one whose finding could not be evaluated this run
// is left alone, since the data may be back on the next run.
func TestWaiversThatWaiveNothing(t *testing.T) {
	byPool := func(c *rule.Context) []rule.Result {
		status := map[string]rule.Status{"good": rule.Pass, "na": rule.Skip, "bad": rule.Fail, "blind": rule.Error}
		var out []rule.Result
		for _, p := range c.Snap.Pools {
			out = append(out, rule.Result{Status: status[p.Name], Resource: rule.Resource{Kind: "pool", Name: p.Name}, Message: "m"})
		}
		return out
	}
	r := rule.Rule{ID: "SP903", Title: "t", Check: byPool}
	s := snap(snapshot.Coverage{}, "good", "na", "bad", "blind")
	live, gone := now.Add(time.Hour), now.Add(-time.Hour)
	tests := []struct {
		name     string
		waiver   Waiver
		wantNote string // "" means no note at all
	}{
		{"on a passing finding", Waiver{Rule: "SP903", Resource: "pool/good", Expires: live}, "waives nothing: its 1 finding(s) pass or do not apply"},
		{"on a skipped finding", Waiver{Rule: "SP903", Resource: "pool/na", Expires: live}, "waives nothing"},
		{"on a failing finding", Waiver{Rule: "SP903", Resource: "pool/bad", Expires: live}, ""},
		{"on a finding that could not be evaluated", Waiver{Rule: "SP903", Resource: "pool/blind", Expires: live}, ""},
		{"on every finding, one failing", Waiver{Rule: "SP903", Expires: live}, ""},
		{"expired on a passing finding", Waiver{Rule: "SP903", Resource: "pool/good", Expires: gone}, "expired on 2026-11-27 and waives nothing"},
		{"expired on a failing finding", Waiver{Rule: "SP903", Resource: "pool/bad", Expires: gone}, "no longer waives 1 finding(s)"},
		{"expired on every finding counts the failing one", Waiver{Rule: "SP903", Expires: gone}, "no longer waives 1 finding(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.waiver
			w.Reason, w.Owner = "r", "o"
			rep := Run(s, Options{Registry: testRegistry(t, r), Now: now, Waivers: []Waiver{w}})
			notes := strings.Join(rep.PolicyNotes, "\n")
			if tt.wantNote == "" && notes != "" || !strings.Contains(notes, tt.wantNote) {
				t.Errorf("policy notes = %q, want %q", notes, tt.wantNote)
			}
		})
	}
}

func TestFingerprintStable(t *testing.T) {
	a := rule.Fingerprint("SP001", rule.Resource{Kind: "pool", Name: "x"})
	if a != rule.Fingerprint("SP001", rule.Resource{Kind: "pool", Name: "x", Pool: "x"}) {
		t.Error("fingerprint must not depend on the pool annotation")
	}
	if a == rule.Fingerprint("SP002", rule.Resource{Kind: "pool", Name: "x"}) || a == rule.Fingerprint("SP001", rule.Resource{Kind: "pool", Name: "y"}) {
		t.Error("fingerprint must differ by rule and resource")
	}
	if len(a) != 16 {
		t.Errorf("fingerprint %q: want 16 hex chars", a)
	}
}

package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTableColorKeepsAlignment renders the table with and without colour: with the escape codes
// removed, the coloured table must be byte for byte the plain one, or columns drift.
func TestTableColorKeepsAlignment(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		var plain, colored bytes.Buffer
		if err := Table(&plain, fixtureInput(), Options{Verbose: verbose}); err != nil {
			t.Fatal(err)
		}
		if err := Table(&colored, fixtureInput(), Options{Color: true, Verbose: verbose}); err != nil {
			t.Fatal(err)
		}
		if !ansiEscape.Match(colored.Bytes()) {
			t.Fatal("the coloured table has no colour")
		}
		if got := ansiEscape.ReplaceAll(colored.Bytes(), nil); !bytes.Equal(got, plain.Bytes()) {
			t.Errorf("verbose=%v: the coloured table, escapes removed, differs from the plain one:\n%s\n--- plain:\n%s",
				verbose, got, plain.Bytes())
		}
	}
}

func TestZoneCount(t *testing.T) {
	tests := []struct {
		zones []string
		want  string
	}{
		{nil, "-"},
		{[]string{"0"}, "-"},            // a fault domain outside zones
		{[]string{"0", "1", "2"}, "-"},  // three fault domains are still no zone
		{[]string{"westeurope-1"}, "1"}, // one zone
		{[]string{"eastus2-1", "eastus2-3"}, "2"},
	}
	for _, tt := range tests {
		if got := zoneCount(tt.zones); got != tt.want {
			t.Errorf("zoneCount(%q) = %s, want %s", tt.zones, got, tt.want)
		}
	}
}

// TestJSONListsAreNeverNull: a capture with nothing to place (pods alone) still gives the lists
// docs/report.schema.json requires, empty rather than null.
func TestJSONListsAreNeverNull(t *testing.T) {
	s := &snapshot.Snapshot{SchemaVersion: 1, Pods: []snapshot.Pod{{Namespace: "kube-system", Name: "coredns-a"}},
		Coverage: snapshot.Coverage{snapshot.KindPods: {Present: true}}}
	in := Input{Snapshot: s, Report: &rule.Report{SchemaVersion: 1, Findings: []rule.Finding{}}, FailOn: rule.High}
	var buf bytes.Buffer
	if err := JSON(&buf, in, Options{}); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"pools", "placement", "findings"} {
		if v := string(doc[key]); len(v) == 0 || v[0] != '[' {
			t.Errorf("%s is %s, want a list", key, v)
		}
	}
}

// TestMarkdownPlacementZones: the Markdown placement table counts zones as the table does; a
// pool outside zones (fault-domain label "0") shows "-", never "0" or a zone of its own.
func TestMarkdownPlacementZones(t *testing.T) {
	in := fixtureInput()
	for i := range in.Snapshot.Nodes {
		if in.Snapshot.Nodes[i].Pool == "user1" {
			in.Snapshot.Nodes[i].Zone = "0"
		}
	}
	var md, tbl bytes.Buffer
	if err := Markdown(&md, in, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Table(&tbl, in, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| `sys` | System | 2 | 2 | 2 |", "| `user1` | User | 1 | 1 | - |"} {
		if !bytes.Contains(md.Bytes(), []byte(want)) {
			t.Errorf("Markdown placement lacks %q:\n%s", want, md.Bytes())
		}
	}
	if !regexp.MustCompile(`(?m)^user1\s+User\s+1\s+1\s+-\s`).Match(tbl.Bytes()) {
		t.Errorf("table placement of user1 does not show - zones:\n%s", tbl.Bytes())
	}
}

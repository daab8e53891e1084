package checks

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/<ID>/")

// now is the clock of every fixture run; fixtures date their objects relative to it.
var now = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func registry(t *testing.T) *rule.Registry {
	t.Helper()
	reg, err := rule.NewRegistry(All())
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// fixture is one snapshot under testdata/<ID>/; its name's prefix says what the rule must say.
type fixture struct {
	ruleID, name, path string
}

func (f fixture) expect() string { return strings.SplitN(f.name, "_", 2)[0] }

func fixtures(t *testing.T) []fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []fixture
	for _, p := range paths {
		out = append(out, fixture{
			ruleID: filepath.Base(filepath.Dir(p)),
			name:   strings.TrimSuffix(filepath.Base(p), ".json"),
			path:   p,
		})
	}
	if len(out) == 0 {
		t.Fatal("no fixtures under testdata")
	}
	return out
}

// load decodes a fixture and joins it, as the CLI does before running rules.
func load(t *testing.T, path string) *snapshot.Snapshot {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Decode(data)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	snapshot.Join(s)
	return s
}

func run(reg *rule.Registry, id string, s *snapshot.Snapshot) *rule.Report {
	return engine.Run(s, engine.Options{Registry: reg, Now: now, Enabled: func(x string) bool { return x == id }})
}

func TestFixtures(t *testing.T) {
	reg := registry(t)
	for _, f := range fixtures(t) {
		t.Run(f.ruleID+"/"+f.name, func(t *testing.T) {
			if _, ok := reg.Get(f.ruleID); !ok {
				t.Fatalf("testdata/%s belongs to no rule in All() (valid: %s)", f.ruleID, strings.Join(reg.IDs(), ", "))
			}
			rep := run(reg, f.ruleID, load(t, f.path))
			c := rep.Counts
			switch f.expect() {
			case "pass":
				if c.Fail > 0 || c.Error > 0 || c.Pass == 0 {
					t.Errorf("want no fail, no error and at least one pass; got %+v", c)
				}
			case "fail":
				if c.Fail == 0 {
					t.Errorf("want at least one fail; got %+v", c)
				}
			case "error":
				if c.Error == 0 || c.Pass > 0 {
					t.Errorf("want at least one error and no pass; got %+v", c)
				}
			case "skip":
				if c.Skip == 0 || c.Pass+c.Fail+c.Error > 0 {
					t.Errorf("want only skips; got %+v", c)
				}
			default:
				t.Fatalf("fixture name %q must start with pass_, fail_, error_ or skip_", f.name)
			}
			for _, fd := range rep.Findings {
				if fd.Status == rule.Fail && (fd.Fix == "" || len(fd.Evidence) == 0) {
					t.Errorf("failing finding on %s has no fix or no evidence: %+v", fd.Resource, fd)
				}
				if fd.Message == "" {
					t.Errorf("finding on %s has no message", fd.Resource)
				}
			}
			golden(t, filepath.Join("testdata", f.ruleID, f.name+".golden"), rep.Findings)
		})
	}
}

// golden compares the findings with the reviewed copy, so wording, evidence and fixes change only
// on purpose (go test ./internal/checks -update rewrites them).
func golden(t *testing.T, path string, findings []rule.Finding) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(findings); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/checks -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("%s differs (-golden +got):\n%s", path, diff)
	}
}

var (
	idPattern  = regexp.MustCompile(`^SP\d{3}$`)
	categories = []string{catAvailability, catIsolation, catCapacity, catHealth, catConfiguration}
)

// TestRuleMetadata holds every rule to the catalog's standard: the catalog, `rules explain` and
// SARIF metadata are generated from these values, so a gap here is a gap in the docs.
func TestRuleMetadata(t *testing.T) {
	reg := registry(t)
	have := map[string]map[string]bool{}
	for _, f := range fixtures(t) {
		if have[f.ruleID] == nil {
			have[f.ruleID] = map[string]bool{}
		}
		have[f.ruleID][f.expect()] = true
	}
	seen := map[string]bool{}
	for _, r := range All() {
		t.Run(r.ID, func(t *testing.T) {
			if !idPattern.MatchString(r.ID) {
				t.Errorf("ID %q does not match %s", r.ID, idPattern)
			}
			if seen[r.ID] {
				t.Errorf("ID %s is used twice", r.ID)
			}
			seen[r.ID] = true
			for field, v := range map[string]string{"Title": r.Title, "Rationale": r.Rationale, "Remediation": r.Remediation} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s is empty", field)
				}
			}
			if !slices.Contains(categories, r.Category) {
				t.Errorf("category %q is not one of %v", r.Category, categories)
			}
			if r.Severity < rule.Info || r.Severity > rule.Critical {
				t.Errorf("severity %v is not a finding severity", r.Severity)
			}
			if len(r.Sources) == 0 {
				t.Error("no sources")
			}
			for _, s := range r.Sources {
				u, err := url.Parse(s.URL)
				if err != nil || u.Scheme != "https" || u.Host == "" || s.Title == "" {
					t.Errorf("source %+v needs a title and an https URL", s)
				}
			}
			if len(r.Needs) == 0 {
				t.Error("Needs is empty: every rule reads some data kind")
			}
			for _, p := range r.Params {
				switch p.Default.(type) {
				case int, float64, string, bool, []string:
				default:
					t.Errorf("param %s has default of type %T", p.Name, p.Default)
				}
				if p.Name == "" || p.Doc == "" {
					t.Errorf("param %+v needs a name and a doc", p)
				}
			}
			if r.Check == nil {
				t.Error("no Check")
			}
			if !have[r.ID]["pass"] || !have[r.ID]["fail"] {
				t.Errorf("needs testdata/%s/pass_*.json and fail_*.json fixtures", r.ID)
			}
			if _, ok := reg.Get(r.ID); !ok {
				t.Error("not in the registry")
			}
		})
	}
}

// TestEveryRuleOnEveryFixture runs each rule on every fixture of every rule. The engine turns a
// panic (an undeclared parameter read, a nil dereference on data another rule's fixture lacks)
// into an "internal error" result, which must never appear; nor may a rule stay silent.
func TestEveryRuleOnEveryFixture(t *testing.T) {
	reg := registry(t)
	for _, f := range fixtures(t) {
		s := load(t, f.path)
		for _, r := range All() {
			rep := run(reg, r.ID, s)
			if len(rep.Findings) == 0 {
				t.Errorf("%s on %s: no findings", r.ID, f.path)
			}
			for _, fd := range rep.Findings {
				if strings.Contains(fd.Message, "internal error") {
					t.Errorf("%s on %s: %s", r.ID, f.path, fd.Message)
				}
				if fd.Status == rule.Fail && fd.Fix == "" {
					t.Errorf("%s on %s: failing finding on %s has no fix", r.ID, f.path, fd.Resource)
				}
			}
		}
	}
}

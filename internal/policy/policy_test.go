package policy

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var update = flag.Bool("update", false, "rewrite golden files")

func testRegistry(t *testing.T) *rule.Registry {
	t.Helper()
	pass := func(*rule.Context) []rule.Result { return []rule.Result{{Status: rule.Pass}} }
	reg, err := rule.NewRegistry([]rule.Rule{
		{ID: "SP006", Title: "count", Severity: rule.High, Check: pass, Params: []rule.Param{
			{Name: "minNodes", Default: 3}, {Name: "minNodesHigh", Default: 2}}},
		{ID: "SP007", Title: "size", Check: pass, Params: []rule.Param{{Name: "minVCPU", Default: 4}, {Name: "minMemoryGiB", Default: 4.0}}},
		{ID: "SP010", Title: "zones", Check: pass, Params: []rule.Param{{Name: "minZones", Default: 2}}},
		{ID: "SP014", Title: "apps", Check: pass, Params: []rule.Param{{Name: "platformNamespaces", Default: []string{"kube-system"}}}},
		{ID: "SP015", Title: "restarts", Check: pass, Params: []rule.Param{{Name: "maxRestarts", Default: 5}}},
		{ID: "SP020", Title: "other", Check: pass},
		{ID: "SP027", Title: "autoscaler", Check: pass, Params: []rule.Param{{Name: "headroomNodes", Default: 2}, {Name: "minCount", Default: 3}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestParseErrors(t *testing.T) {
	reg := testRegistry(t)
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"empty", "\n", "policy file is empty"},
		{"unknown key", "apiVersion: syspool.io/v1\nkind: Policy\nrulez: {}\n", "p.yaml:3: field rulez is not a policy key"},
		{"unknown rule", "rules:\n  SP999:\n    severity: high\n", "p.yaml:2: unknown rule \"SP999\""},
		{"unknown rule setting", "rules:\n  SP006:\n    sevrity: high\n", "p.yaml:3: field sevrity is not a rule setting"},
		{"bad severity", "rules:\n  SP006:\n    severity: urgent\n", "rules.SP006.severity \"urgent\""},
		{"unknown threshold", "rules:\n  SP006:\n    params:\n      minNode: 2\n", "p.yaml:4: rules.SP006.params.minNode: unknown threshold (valid for SP006: minNodes, minNodesHigh)"},
		{"mistyped threshold", "rules:\n  SP006:\n    params:\n      minNodes: three\n", "expected a whole number, got three"},
		{"list threshold", "rules:\n  SP014:\n    params:\n      platformNamespaces: kube-system\n", "expected a list of strings"},
		{"glob matching nothing", "disable: [SP9*]\n", "\"SP9*\" matches no rule"},
		{"unknown baseline", "baseline: lenient\n", "unknown baseline \"lenient\" (valid: advisor, strict, well-architected)"},
		{"waiver without owner", "waivers:\n  - rule: SP006\n    reason: r\n    expires: 2027-01-01\n", "owner is required"},
		{"waiver without expiry", "waivers:\n  - rule: SP006\n    reason: r\n    owner: o\n", "expires is required"},
		{"waiver bad date", "waivers:\n  - rule: SP006\n    reason: r\n    owner: o\n    expires: soon\n", "expected a date like 2027-01-31"},
		{"override without match", "overrides:\n  - rules: {SP006: {severity: low}}\n", "match is empty"},
		// Messages about one waiver or override point at it, not at the section's first line.
		{"second waiver's unknown rule", "waivers:\n  - rule: SP006\n    reason: r\n    owner: o\n    expires: 2027-01-01\n" +
			"  - rule: SP999\n    reason: r\n    owner: o\n    expires: 2027-01-01\n", "p.yaml:6: waivers[1]: unknown rule \"SP999\""},
		{"second waiver without owner", "waivers:\n  - rule: SP006\n    reason: r\n    owner: o\n    expires: 2027-01-01\n" +
			"  - rule: SP007\n    reason: r\n    expires: 2027-01-01\n", "p.yaml:6: waivers[1] (SP007): owner is required"},
		{"waiver's bad glob", "waivers:\n  - rule: SP006\n    reason: r\n    owner: o\n    expires: 2027-01-01\n    resource: \"pool/[\"\n",
			"p.yaml:6: waivers[0] (SP006): resource \"pool/[\" is not a valid glob"},
		{"second override without match", "overrides:\n  - match: {clusters: [a]}\n    rules: {SP006: {severity: low}}\n" +
			"  - rules: {SP006: {severity: low}}\n", "p.yaml:4: overrides[1]: match is empty"},
		{"malformed yaml", "rules: [\n", "p.yaml"},
		{"two documents", "kind: Policy\n---\nkind: Policy\n", "expected one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tt.src), reg)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
		})
	}
}

func TestResolveLayers(t *testing.T) {
	reg := testRegistry(t)
	user := `
baseline: strict
failOn: low
disable: ["*"]
enable: [SP006, SP01*]
rules:
  SP006:
    severity: critical
    params: {minNodes: 4}
  SP007:
    enabled: true
overrides:
  - match: {clusters: ["dev-*"], tags: {env: dev}}
    rules:
      SP006: {params: {minNodes: 1}}
    disable: [SP010]
waivers:
  - rule: SP006
    resource: pool/sys*
    cluster: prod-*
    reason: replacing the pool in CHG-1
    owner: platform@contoso.com
    expires: 2027-01-31
`
	tests := []struct {
		name        string
		cluster     snapshot.Cluster
		wantEnabled []string
		wantMin     int
		wantWaivers int
	}{
		{"prod", snapshot.Cluster{Name: "prod-1"}, []string{"SP006", "SP007", "SP010", "SP014", "SP015"}, 4, 1},
		{"dev matched by name and tag", snapshot.Cluster{Name: "DEV-7", Tags: map[string]string{"env": "dev"}}, []string{"SP006", "SP007", "SP014", "SP015"}, 1, 0},
		{"dev name without tag is not matched", snapshot.Cluster{Name: "dev-7"}, []string{"SP006", "SP007", "SP010", "SP014", "SP015"}, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, u, err := Load("p.yaml", []byte(user), reg)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Resolve(base, u, reg, tt.cluster)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, id := range reg.IDs() {
				if res.Options.Enabled(id) {
					got = append(got, id)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.wantEnabled, ",") {
				t.Errorf("enabled = %v, want %v", got, tt.wantEnabled)
			}
			if m := res.Options.Params["SP006"]["minNodes"]; m != tt.wantMin {
				t.Errorf("SP006 minNodes = %v, want %d", m, tt.wantMin)
			}
			if h := res.Options.Params["SP006"]["minNodesHigh"]; h != 3 {
				t.Errorf("strict baseline minNodesHigh = %v, want 3", h)
			}
			if res.Options.Severity["SP006"] != rule.Critical {
				t.Errorf("severity override lost: %v", res.Options.Severity["SP006"])
			}
			if res.FailOn != rule.Low {
				t.Errorf("failOn = %s, want low (user wins over strict's medium)", res.FailOn)
			}
			if len(res.Options.Waivers) != tt.wantWaivers {
				t.Fatalf("waivers = %d, want %d", len(res.Options.Waivers), tt.wantWaivers)
			}
			if tt.wantWaivers > 0 && !res.Options.Waivers[0].Expires.Equal(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("expiry = %v", res.Options.Waivers[0].Expires)
			}
		})
	}
}

func TestBaselinesDiffer(t *testing.T) {
	reg := testRegistry(t)
	get := func(name string) map[string]map[string]any {
		base, _, err := LoadBaseline(name, reg, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Resolve(base, nil, reg, snapshot.Cluster{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Options.Params
	}
	adv, waf, strict := get("advisor"), get("well-architected"), get("strict")
	if adv["SP006"]["minNodes"] != 2 || waf["SP006"]["minNodes"] != 3 || strict["SP006"]["minNodesHigh"] != 3 {
		t.Errorf("baselines: advisor %v, well-architected %v, strict %v", adv["SP006"], waf["SP006"], strict["SP006"])
	}
	if strict["SP010"]["minZones"] != 3 {
		t.Errorf("strict minZones = %v, want 3", strict["SP010"]["minZones"])
	}
}

func TestStarterIsValidAndGolden(t *testing.T) {
	reg := testRegistry(t)
	var buf bytes.Buffer
	if err := WriteStarter(&buf, DefaultBaseline, reg); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("starter.yaml", buf.Bytes(), reg); err != nil {
		t.Fatalf("the starter file must validate as written: %v", err)
	}
	// Uncommenting every rule block must also validate: the commented values are real.
	var un []string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(l, "  # SP") && strings.HasSuffix(l, ":") {
			l = "  " + strings.TrimPrefix(l, "  # ")
		} else if strings.HasPrefix(l, "  #   ") {
			l = "    " + strings.TrimPrefix(l, "  #   ")
		}
		un = append(un, l)
	}
	if _, err := Parse("uncommented.yaml", []byte(strings.Join(un, "\n")), reg); err != nil {
		t.Fatalf("uncommented starter must validate: %v\n%s", err, strings.Join(un, "\n"))
	}
	golden := filepath.Join("testdata", "starter.golden.yaml")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("starter differs from %s; run go test ./internal/policy -update and review", golden)
	}
}

// TestStarterCarriesItsBaseline: the starter written for a baseline must resolve exactly as the
// baseline does. It once wrote an uncommented "failOn: high", which silently undid strict's
// failOn: medium, and showed the rule defaults as the values to edit.
func TestStarterCarriesItsBaseline(t *testing.T) {
	reg := testRegistry(t)
	for _, name := range Baselines() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteStarter(&buf, name, reg); err != nil {
				t.Fatal(err)
			}
			resolve := func(data []byte) *Resolved {
				t.Helper()
				base, user, err := Load("p.yaml", data, reg)
				if err != nil {
					t.Fatal(err)
				}
				res, err := Resolve(base, user, reg, snapshot.Cluster{})
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			bare := resolve([]byte("baseline: " + name + "\n"))
			starter := resolve(buf.Bytes())
			// A baseline without failOn leaves --fail-on at its default, high.
			effective := func(s rule.Severity) rule.Severity {
				if s == rule.SeverityUnset {
					return rule.High
				}
				return s
			}
			if effective(starter.FailOn) != effective(bare.FailOn) {
				t.Errorf("starter fails on %v, the baseline on %v", starter.FailOn, bare.FailOn)
			}
			for id, params := range bare.Options.Params {
				for k, v := range params {
					want := fmt.Sprintf("%s: %s", k, yamlValue(v))
					if !strings.Contains(buf.String(), want) {
						t.Errorf("starter does not show %s's %s as %q", id, k, want)
					}
				}
			}
		})
	}
}

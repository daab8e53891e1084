package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syspool/syspool/internal/golden"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/syspool/syspool/internal/rule"
)

// goldenExt names each format's golden file so editors and GitHub render them properly.
var goldenExt = map[string]string{"table": "txt", "json": "json", "yaml": "yaml", "sarif": "sarif.json", "junit": "junit.xml", "markdown": "md"}

func render(t *testing.T, format string, in Input, opts Options) []byte {
	t.Helper()
	w, err := Lookup(format)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w(&buf, in, opts); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

// TestGoldenEveryFormat renders every registered format for every fixture, so a new format cannot
// land without a golden file.
func TestGoldenEveryFormat(t *testing.T) {
	pinVersion(t)
	for _, fx := range fixtures {
		for _, format := range Names() {
			for _, verbose := range []bool{false, true} {
				name := fx.name
				if verbose {
					if format != "markdown" && format != "sarif" && format != "table" {
						continue // the other formats ignore Verbose
					}
					name += "-verbose"
				}
				ext, ok := goldenExt[format]
				if !ok {
					t.Fatalf("format %q has no golden extension: add it to goldenExt", format)
				}
				t.Run(name+"."+format, func(t *testing.T) {
					got := render(t, format, fx.in(), Options{Verbose: verbose})
					if again := render(t, format, fx.in(), Options{Verbose: verbose}); !bytes.Equal(got, again) {
						t.Fatal("two renderings of the same input differ")
					}
					golden.File(t, filepath.Join("golden", name+"."+ext), got)
				})
			}
		}
	}
}

const sarifSchemaSHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

func sarifValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != sarifSchemaSHA256 {
		t.Fatalf("testdata/sarif-schema-2.1.0.json is not the official schema (sha256 %x); see its SOURCE.md", sum)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	// Formats (uri, uri-reference, date-time) are asserted too: GitHub rejects malformed URIs.
	c.AssertFormat()
	const loc = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestSARIFValidatesAgainstOfficialSchema(t *testing.T) {
	sch := sarifValidator(t)
	for _, fx := range fixtures {
		for _, verbose := range []bool{false, true} {
			t.Run(fx.name, func(t *testing.T) {
				out := render(t, "sarif", fx.in(), Options{Verbose: verbose})
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				if err := sch.Validate(inst); err != nil {
					t.Fatalf("SARIF does not validate:\n%v", err)
				}
			})
		}
	}
	t.Run("the validator rejects an invalid log", func(t *testing.T) {
		inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"level":"fatal"}]}]}`))
		if sch.Validate(inst) == nil {
			t.Fatal("an invalid SARIF log validated: the schema test proves nothing")
		}
	})
}

// sarifOut decodes just what the semantic checks below look at.
type sarifOut struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID         string `json:"id"`
					Name       string `json:"name"`
					HelpURI    string `json:"helpUri"`
					Properties struct {
						SecuritySeverity string   `json:"security-severity"`
						Tags             []string `json:"tags"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			Notifications []json.RawMessage `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Kind      string `json:"kind"`
			Level     string `json:"level"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Status string `json:"status"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFSemantics(t *testing.T) {
	in := fixtureInput()
	var log sarifOut
	if err := json.Unmarshal(render(t, "sarif", in, Options{}), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	byFP := map[string]rule.Finding{}
	for _, f := range in.Report.Findings {
		byFP[f.Fingerprint] = f
	}
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want the 3 failures and 1 error (pass and skip only with --verbose)", len(run.Results))
	}
	idPrefix := in.Snapshot.Cluster.ID
	wants := map[string]struct{ kind, level, uri, fqn string }{
		"SP006": {"fail", "error", "captures/az-aks-show.json", idPrefix + "/agentPools/sys"},
		"SP014": {"fail", "warning", "captures/kube%20system.json", idPrefix + "/namespaces/shop/pods/web-1"},
		"SP015": {"fail", "note", "captures/kube%20system.json", idPrefix + "/namespaces/kube-system/pods/coredns-b"},
		"SP016": {"review", "none", "captures/az-aks-show.json", idPrefix},
	}
	for _, r := range run.Results {
		f, ok := byFP[r.PartialFingerprints[sarifFingerprintKey]]
		if !ok || f.RuleID != r.RuleID {
			t.Errorf("%s: partialFingerprints %v do not carry the finding's fingerprint", r.RuleID, r.PartialFingerprints)
		}
		if got := run.Tool.Driver.Rules[r.RuleIndex].ID; got != r.RuleID {
			t.Errorf("%s: ruleIndex %d points at %s", r.RuleID, r.RuleIndex, got)
		}
		w := wants[r.RuleID]
		if r.Kind != w.kind || r.Level != w.level {
			t.Errorf("%s: kind/level %s/%s, want %s/%s", r.RuleID, r.Kind, r.Level, w.kind, w.level)
		}
		loc := r.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != w.uri {
			t.Errorf("%s: physical location %q, want %q", r.RuleID, loc.PhysicalLocation.ArtifactLocation.URI, w.uri)
		}
		if loc.LogicalLocations[0].FullyQualifiedName != w.fqn {
			t.Errorf("%s: logical location %q, want %q", r.RuleID, loc.LogicalLocations[0].FullyQualifiedName, w.fqn)
		}
		if waived := f.Waiver != nil; waived != (len(r.Suppressions) == 1 && r.Suppressions[0].Status == "accepted") {
			t.Errorf("%s: waived %v but suppressions %v", r.RuleID, waived, r.Suppressions)
		}
	}
	if n := len(run.Invocations[0].Notifications); n != 1 {
		t.Errorf("%d tool execution notifications, want 1 for the unevaluated rule", n)
	}
	sev := map[string]string{}
	for _, r := range run.Tool.Driver.Rules {
		sev[r.ID] = r.Properties.SecuritySeverity
		if r.HelpURI != helpBaseURI+strings.ToLower(r.ID) || r.Name == "" || strings.ContainsAny(r.Name, " -") {
			t.Errorf("rule %s: name %q helpUri %q", r.ID, r.Name, r.HelpURI)
		}
	}
	wantSev := map[string]string{"SP001": "9.5", "SP006": "8.0", "SP014": "5.5", "SP015": "3.0", "SP016": "", "SP017": "5.5"}
	for id, w := range wantSev {
		if sev[id] != w {
			t.Errorf("rule %s security-severity %q, want %q", id, sev[id], w)
		}
	}
}

func TestSARIFPlaceholderLocation(t *testing.T) {
	var log sarifOut
	if err := json.Unmarshal(render(t, "sarif", fixtureLive(), Options{}), &log); err != nil {
		t.Fatal(err)
	}
	for _, r := range log.Runs[0].Results {
		if got := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != ".syspool/dev" {
			t.Errorf("live finding located at %q, want the placeholder .syspool/dev", got)
		}
		if got := r.Locations[0].LogicalLocations[0].FullyQualifiedName; got != "managedClusters/dev" {
			t.Errorf("logical location %q", got)
		}
	}
}

func TestFileURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"captures/a.json", "captures/a.json"},
		{"./captures/a b.json", "captures/a%20b.json"},
		{"/abs/x#1.json", "file:///abs/x%231.json"},
		{"weird:name.json", "./weird:name.json"},
	}
	for _, tt := range tests {
		if got := fileURI(tt.in); got != tt.want {
			t.Errorf("fileURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// junitDoc mirrors the JUnit shape CI servers read, to check the counts they display.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Error   *struct{} `xml:"error"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitCounts(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			in := fx.in()
			var doc junitDoc
			if err := xml.Unmarshal(render(t, "junit", in, Options{}), &doc); err != nil {
				t.Fatalf("not well-formed XML: %v", err)
			}
			var tests, failures, errors, skipped int
			for _, s := range doc.Suites {
				var f, e, sk int
				for _, c := range s.Cases {
					n := 0
					for _, set := range []bool{c.Failure != nil, c.Error != nil, c.Skipped != nil} {
						if set {
							n++
						}
					}
					if n > 1 {
						t.Errorf("%s/%s carries %d outcomes", s.Name, c.Name, n)
					}
					if c.Failure != nil {
						f++
					}
					if c.Error != nil {
						e++
					}
					if c.Skipped != nil {
						sk++
					}
				}
				if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
					t.Errorf("suite %s counts %d/%d/%d/%d, cases say %d/%d/%d/%d", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
				}
				tests, failures, errors, skipped = tests+s.Tests, failures+f, errors+e, skipped+sk
			}
			if doc.Tests != tests || doc.Failures != failures || doc.Errors != errors || doc.Skipped != skipped {
				t.Errorf("testsuites counts %d/%d/%d/%d, suites sum to %d/%d/%d/%d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errors, skipped)
			}
			if tests != len(in.Report.Findings) {
				t.Errorf("%d test cases for %d findings", tests, len(in.Report.Findings))
			}
			// Counts agree with the report: waived failures are skipped, not failed.
			c := in.Report.Counts
			if failures != c.Fail || errors != c.Error || skipped != c.Skip+c.Waived {
				t.Errorf("failures/errors/skipped %d/%d/%d, report counts %d/%d/%d+%d", failures, errors, skipped, c.Fail, c.Error, c.Skip, c.Waived)
			}
		})
	}
}

// TestMarkdownTablesKeepTheirShape counts unescaped pipes on each table row: a message with "|"
// must not add a column on GitHub or Azure DevOps.
func TestMarkdownTablesKeepTheirShape(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			out := string(render(t, "markdown", fx.in(), Options{Verbose: true}))
			cols := 0
			for i, line := range strings.Split(out, "\n") {
				if !strings.HasPrefix(line, "|") {
					cols = 0
					continue
				}
				n := strings.Count(line, "|") - strings.Count(line, `\|`)
				if cols == 0 {
					cols = n
				} else if n != cols {
					t.Errorf("line %d has %d cells, its table has %d: %s", i+1, n-1, cols-1, line)
				}
			}
			if strings.Contains(out, "<OOMKilled>") {
				t.Error("raw angle brackets would be swallowed as HTML")
			}
		})
	}
}

func TestMdCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "`plain`"},
		{"a`b", "``a`b``"},
		{"`x`", "`` `x` ``"},
		{"a|b", "`a\\|b`"},
	}
	for _, tt := range tests {
		if got := mdCode(tt.in); got != tt.want {
			t.Errorf("mdCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestJUnitHostileText: control characters and a CDATA terminator in a message still give
// well-formed XML that reads back to the same text.
func TestJUnitHostileText(t *testing.T) {
	in := fixtureInput()
	in.Report.Findings[1].Message = "bad \x01 byte and ]]> terminator"
	var doc struct {
		Suites []struct {
			Cases []struct {
				Failure *struct {
					Body string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(render(t, "junit", in, Options{}), &doc); err != nil {
		t.Fatalf("not well-formed: %v", err)
	}
	body := doc.Suites[1].Cases[0].Failure.Body
	if !strings.HasPrefix(body, "bad \uFFFD byte and ]]> terminator\n") {
		t.Errorf("body read back as %q", body)
	}
}

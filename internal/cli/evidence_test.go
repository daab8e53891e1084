package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/golden"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/version"
)

// Tests of snapshot, verify, diff, history and check --record, end to end on the healthy example
// and a drifted copy of it. They run in a temporary directory so the paths recorded in snapshots,
// and so the digests in the goldens, do not depend on where the repository is checked out.

var evidenceNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// runAt is run with a chosen clock and environment.
func runAt(t *testing.T, now time.Time, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	sys := System{IO: ios, Now: func() time.Time { return now }, Getenv: func(k string) string { return env[k] }, ProgName: "syspool"}
	code = Main(context.Background(), args, sys)
	return code, out.String(), errOut.String()
}

// evidenceDir lays out before/ (examples/healthy) and after/ (the same cluster a day later: the
// system pool lost its taint and autoscaler floor, and a CoreDNS pod landed on the apps pool) in a
// temporary working directory.
func evidenceDir(t *testing.T) {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("..", "..", "examples", "healthy"))
	if err != nil {
		t.Fatal(err)
	}
	old := version.Version
	version.Version = "v0.0.0-test"
	t.Cleanup(func() { version.Version = old })
	t.Chdir(t.TempDir())
	for _, d := range []string{"before", "after"} {
		copyDir(t, src, d)
	}
	editJSON(t, "after/az-aks-nodepool-list.json", func(v any) {
		for _, p := range v.([]any) {
			pool := p.(map[string]any)
			if pool["mode"] == "System" {
				pool["nodeTaints"] = nil
				pool["minCount"] = 2.0
			}
		}
	})
	editJSON(t, "after/az-aks-show.json", func(v any) {
		for _, p := range v.(map[string]any)["agentPoolProfiles"].([]any) {
			pool := p.(map[string]any)
			if pool["mode"] == "System" {
				pool["nodeTaints"] = nil
				pool["minCount"] = 2.0
			}
		}
	})
	var appsNode string
	editJSON(t, "after/kubectl-get-nodes.json", func(v any) {
		for _, n := range v.(map[string]any)["items"].([]any) {
			md := n.(map[string]any)["metadata"].(map[string]any)
			if md["labels"].(map[string]any)["kubernetes.azure.com/agentpool"] == "apps" && appsNode == "" {
				appsNode = md["name"].(string)
			}
		}
	})
	editJSON(t, "after/kubectl-get-pods-A.json", func(v any) {
		for _, p := range v.(map[string]any)["items"].([]any) {
			pod := p.(map[string]any)
			name := pod["metadata"].(map[string]any)["name"].(string)
			if strings.HasPrefix(name, "coredns-") && !strings.HasPrefix(name, "coredns-autoscaler") {
				pod["spec"].(map[string]any)["nodeName"] = appsNode
				return
			}
		}
	})
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func editJSON(t *testing.T, path string, edit func(any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	edit(v)
	if b, err = json.MarshalIndent(v, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// digests masks snapshot digests in goldens: they change with every change to the collector or
// the snapshot model, and their determinism is tested in internal/snapshot, not here.
var digests = regexp.MustCompile(`sha256:[0-9a-f]{12,64}`)

// goldenAbs compares with a golden under the package's testdata while the test runs elsewhere.
func goldenAbs(t *testing.T, root, name string, got string) {
	t.Helper()
	got = digests.ReplaceAllString(got, "sha256:<digest>")
	golden.At(t, filepath.Join(root, "testdata", name), []byte(got))
}

func mustRun(t *testing.T, wantCode int, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := runAt(t, evidenceNow, nil, args...)
	if code != wantCode {
		t.Fatalf("syspool %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, wantCode, out, errOut)
	}
	return out, errOut
}

func TestSnapshotThenVerify(t *testing.T) {
	pkg, _ := os.Getwd()
	evidenceDir(t)
	_, errOut := mustRun(t, 0, "snapshot", "before", "-f", "before.json")
	if !strings.Contains(errOut, "Digest sha256:") || !strings.Contains(errOut, "syspool verify before.json") {
		t.Errorf("snapshot did not report its digest: %s", errOut)
	}
	out, _ := mustRun(t, 0, "verify", "before.json", "--sources")
	goldenAbs(t, pkg, "evidence/verify.golden", out)

	// Evidence is not overwritten by accident.
	if _, errOut := mustRun(t, 2, "snapshot", "before", "-f", "before.json"); !strings.Contains(errOut, "--force") {
		t.Errorf("overwrite refusal does not mention --force: %s", errOut)
	}

	sealed, err := os.ReadFile("before.json")
	if err != nil {
		t.Fatal(err)
	}
	edits := []struct {
		name string
		edit func([]byte) []byte
		code int
		want string
	}{
		{"one digit of a node count", func(b []byte) []byte {
			i := bytes.Index(b, []byte(`"count": 3`))
			b[i+len(`"count": `)] = '4'
			return b
		}, 1, "content does not match its digest"},
		{"one space", func(b []byte) []byte {
			i := bytes.Index(b, []byte("\n  \"cluster\""))
			b[i+1] = '\t'
			return b
		}, 1, "bytes are not the canonical encoding: line"},
		{"one letter of the digest", func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte("sha256:"))
			b[i+len("sha256:")] ^= 0x01
			return b
		}, 1, ""},
		{"one quote", func(b []byte) []byte {
			i := bytes.Index(b, []byte(`"pools"`))
			b[i] = ' '
			return b
		}, 2, "cannot verify"},
	}
	for _, tt := range edits {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile("edited.json", tt.edit(bytes.Clone(sealed)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, errOut := mustRun(t, tt.code, "verify", "edited.json")
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not name %q", errOut, tt.want)
			}
		})
	}

	t.Run("a changed source file", func(t *testing.T) {
		editJSON(t, "before/kubectl-get-nodes.json", func(any) {}) // re-indented: same objects, other bytes
		_, errOut := mustRun(t, 1, "verify", "before.json", "--sources")
		if !strings.Contains(errOut, "source before/kubectl-get-nodes.json: sha256 is") {
			t.Errorf("stderr: %s", errOut)
		}
	})

	t.Run("what is not a snapshot", func(t *testing.T) {
		mustRun(t, 1, "check", "after", "-o", "json", "--output-file", "report.json")
		if _, errOut := mustRun(t, 2, "verify", "report.json"); !strings.Contains(errOut, "this is a syspool report") {
			t.Errorf("stderr: %s", errOut)
		}
		os.WriteFile("future.json", bytes.Replace(sealed, []byte(`"schemaVersion": 1`), []byte(`"schemaVersion": 7`), 1), 0o644)
		if _, errOut := mustRun(t, 2, "verify", "future.json"); !strings.Contains(errOut, "schemaVersion 7 is not supported") {
			t.Errorf("stderr: %s", errOut)
		}
	})
}

func TestDiffSnapshotsAndReports(t *testing.T) {
	pkg, _ := os.Getwd()
	evidenceDir(t)
	mustRun(t, 0, "snapshot", "before", "-f", "before.json")
	mustRun(t, 0, "snapshot", "after", "-f", "after.json")
	for _, format := range []string{"table", "json", "markdown"} {
		out, _ := mustRun(t, 0, "diff", "before.json", "after.json", "-o", format)
		goldenAbs(t, pkg, "evidence/diff."+format+".golden", out)
	}
	// Gate on new findings only: against itself nothing is new; against the drift something is.
	mustRun(t, 0, "check", "before.json", "-o", "json", "--output-file", "baseline.json")
	mustRun(t, 0, "diff", "--baseline", "baseline.json", "before.json", "--fail-on-new", "--fail-on", "low")
	_, errOut := mustRun(t, 1, "diff", "--baseline", "baseline.json", "after", "--fail-on-new", "--fail-on", "low")
	goldenAbs(t, pkg, "evidence/fail-on-new.stderr.golden", errOut)

	t.Run("bad inputs", func(t *testing.T) {
		mustRun(t, 1, "check", "after.json", "-o", "sarif", "--output-file", "after.sarif")
		sealed, _ := os.ReadFile("after.json")
		os.WriteFile("tampered.json", bytes.Replace(sealed, []byte(`"count": 3`), []byte(`"count": 5`), 1), 0o644)
		base, _ := os.ReadFile("baseline.json")
		os.WriteFile("future-report.json", bytes.Replace(base, []byte(`"schemaVersion": 1`), []byte(`"schemaVersion": 9`), 1), 0o644)
		tests := []struct {
			args []string
			want string
		}{
			{[]string{"diff", "before.json", "after.sarif"}, "looks like SARIF"},
			{[]string{"diff", "before.json", "tampered.json"}, "diff refuses evidence that does not verify"},
			{[]string{"diff", "future-report.json", "after.json"}, "report schemaVersion 9 is not supported"},
			{[]string{"diff", "before.json"}, "give BEFORE and AFTER"},
			{[]string{"diff", "--since", "24h", "before.json"}, "give no files"},
			{[]string{"diff", "before.json", "after.json", "-o", "xml"}, `unknown output format "xml" (valid: table, json, markdown)`},
		}
		for _, tt := range tests {
			if _, errOut := mustRun(t, 2, tt.args...); !strings.Contains(errOut, tt.want) {
				t.Errorf("syspool %s: stderr %q does not contain %q", strings.Join(tt.args, " "), errOut, tt.want)
			}
		}
	})
}

func TestRecordHistoryAndSince(t *testing.T) {
	pkg, _ := os.Getwd()
	evidenceDir(t)
	env := map[string]string{"XDG_STATE_HOME": filepath.Join(mustGetwd(t), "state")}
	day := 24 * time.Hour
	steps := []struct {
		at   time.Time
		dir  string
		code int
	}{
		{evidenceNow.Add(-2 * day), "before", 0},
		{evidenceNow.Add(-1*day - time.Hour), "before", 0},
		{evidenceNow.Add(-time.Hour), "after", 1}, // the drift fails a high rule
	}
	for _, s := range steps {
		code, _, errOut := runAt(t, s.at, env, "check", s.dir, "--record", "-o", "json", "--output-file", "r.json")
		if code != s.code || !strings.Contains(errOut, "Recorded run") {
			t.Fatalf("check --record at %s: exit %d: %s", s.at, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join("state", "syspool", "history.db")); err != nil {
		t.Fatalf("the default database is $XDG_STATE_HOME/syspool/history.db: %v", err)
	}
	code, out, errOut := runAt(t, evidenceNow, env, "history")
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errOut)
	}
	goldenAbs(t, pkg, "evidence/history.golden", out)
	code, out, errOut = runAt(t, evidenceNow, env, "diff", "--since", "24h")
	if code != 0 {
		t.Fatalf("diff --since: exit %d: %s", code, errOut)
	}
	goldenAbs(t, pkg, "evidence/diff-since.golden", out)
	if !strings.Contains(out, "before  run 2") || !strings.Contains(out, "after   run 3") {
		t.Errorf("--since 24h must compare run 3 with run 2 (the newest at least a day old):\n%s", out)
	}
	if code, _, errOut = runAt(t, evidenceNow, env, "diff", "--since", "72h"); code != 2 || !strings.Contains(errOut, "no run of") {
		t.Errorf("nothing that old: exit %d: %s", code, errOut)
	}

	t.Run("a database it cannot read is left alone", func(t *testing.T) {
		junk := []byte("not a database, but someone's notes\n")
		os.WriteFile("notes.db", junk, 0o600)
		for _, args := range [][]string{{"history", "--db", "notes.db"}, {"check", "after", "--record", "--db", "notes.db", "-o", "json"}} {
			code, _, errOut := runAt(t, evidenceNow, env, args...)
			if code != 2 || !strings.Contains(errOut, "move it aside") {
				t.Errorf("%v: exit %d: %s", args, code, errOut)
			}
		}
		if b, _ := os.ReadFile("notes.db"); !bytes.Equal(b, junk) {
			t.Error("the unreadable file was modified")
		}
	})
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

func TestEvidenceHelpGolden(t *testing.T) {
	for _, cmd := range []string{"snapshot", "verify", "diff", "history"} {
		t.Run(cmd, func(t *testing.T) {
			code, out, _ := run(t, cmd, "--help")
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			golden.File(t, "help/"+cmd+".golden", []byte(out))
		})
	}
}

// TestRealSARIFValidates validates SARIF from a real run (every built-in rule, real messages and
// fixes, passes included) against the official schema kept in internal/report/testdata.
func TestRealSARIFValidates(t *testing.T) {
	schemaPath, err := filepath.Abs(filepath.Join("..", "report", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	evidenceDir(t)
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"before", "after"} {
		out, _ := mustRunAny(t, "check", dir, "-o", "sarif", "--verbose")
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate:\n%v", dir, err)
		}
	}
}

// mustRunAny runs a command whose exit code (findings or not) does not matter, but that must not
// fail on usage or input.
func mustRunAny(t *testing.T, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := runAt(t, evidenceNow, nil, args...)
	if code == int(ExitUsage) {
		t.Fatalf("syspool %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out, errOut
}

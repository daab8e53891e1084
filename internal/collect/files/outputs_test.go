package files

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsBesideCaptures: reports written next to the captures (check -o json|sarif|junit
// --output-file captures/...) are skipped with a note when the directory is walked, so the next
// run over the same directory works; named explicitly they are input errors (TestInputErrors).
func TestOutputsBesideCaptures(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"az-aks-show.json", "az-aks-nodepool-list.json", "kubectl-get-nodes.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "healthy", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// `syspool check . -o json > report.json` makes report.json, empty, before syspool reads the directory.
	if err := os.WriteFile(filepath.Join(dir, "report.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"syspool-report.json", "syspool.sarif", "syspool-junit.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "errors", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := mustCollect(t, dir)
	if len(s.Pools) == 0 || len(s.Nodes) == 0 {
		t.Fatalf("the captures were not read: %d pools, %d nodes", len(s.Pools), len(s.Nodes))
	}
	for _, src := range s.Provenance.Sources {
		if strings.Contains(src.Path, "syspool") || strings.HasSuffix(src.Path, "report.json") {
			t.Errorf("output %s is listed as a source", src.Path)
		}
	}
	var notes []string
	for _, n := range s.Notes {
		notes = append(notes, n.Source+": "+n.Message)
	}
	for _, want := range []string{"syspool-report.json: skipped: this is a syspool report", "syspool.sarif: skipped: this is a SARIF log",
		"syspool-junit.xml: skipped: this is XML", "report.json: skipped: the file is empty"} {
		if !strings.Contains(strings.Join(notes, "\n"), want) {
			t.Errorf("no note %q in %q", want, notes)
		}
	}

	only := t.TempDir()
	b, _ := os.ReadFile(filepath.Join("testdata", "errors", "syspool-report.json"))
	if err := os.WriteFile(filepath.Join(only, "report.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := collectPaths(t, only); err == nil || !strings.Contains(err.Error(), "only reports or empty files were found (report.json)") {
		t.Errorf("a directory of reports alone: err = %v", err)
	}
}

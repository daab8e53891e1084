// Package golden compares test output with files under testdata and rewrites them when the tests
// run with -update, so every package reviews its outputs the same way (it is imported by tests
// only; the flag exists in test binaries alone).
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Update reports whether the tests run with -update, for goldens that are not under testdata.
func Update() bool { return *update }

// File compares got with testdata/name of the package under test, or rewrites it with -update.
func File(t testing.TB, name string, got []byte) {
	t.Helper()
	At(t, filepath.Join("testdata", name), got)
}

// At compares got with the file at path, or rewrites it with -update.
func At(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from %s (run the test with -update and review the diff)\n--- got:\n%s", path, got)
	}
}

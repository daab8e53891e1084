package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/syspool/syspool/internal/iostreams"
)

func TestWriteOutput(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}

	t.Run("a new file gets the permissions of a plain create", func(t *testing.T) {
		dir := t.TempDir()
		ref, err := os.OpenFile(filepath.Join(dir, "ref"), os.O_CREATE|os.O_WRONLY, 0o666)
		if err != nil {
			t.Fatal(err)
		}
		ref.Close()
		want, _ := os.Stat(filepath.Join(dir, "ref"))
		path := filepath.Join(dir, "report.json")
		if err := writeOutput(ios, path, write("{}\n")); err != nil {
			t.Fatal(err)
		}
		got, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got.Mode().Perm() != want.Mode().Perm() {
			t.Errorf("mode %v, want %v (0666 less the umask, not CreateTemp's 0600)", got.Mode().Perm(), want.Mode().Perm())
		}
	})

	t.Run("a replaced file keeps its permissions", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("Windows files have no permission bits to keep")
		}
		path := filepath.Join(t.TempDir(), "report.json")
		if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o640); err != nil {
			t.Fatal(err)
		}
		if err := writeOutput(ios, path, write("new")); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o640 {
			t.Errorf("mode %v, want 0640", fi.Mode().Perm())
		}
		if b, _ := os.ReadFile(path); string(b) != "new" {
			t.Errorf("content %q, want new", b)
		}
	})

	t.Run("a failed render leaves nothing behind", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "report.json")
		boom := errors.New("boom")
		err := writeOutput(ios, path, func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("left behind: %v", entries)
		}
	})

	t.Run("a missing directory is named, not the temporary file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nodir", "report.json")
		err := writeOutput(ios, path, write("{}"))
		if err == nil {
			t.Fatal("no error")
		}
		if msg := err.Error(); strings.Contains(msg, ".tmp") || !strings.Contains(msg, filepath.Dir(path)) {
			t.Errorf("error %q should name the directory and not the temporary file", msg)
		}
	})
}

package files

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInputErrors runs every input under testdata/errors (a file, or a directory for mistakes
// that take several files) and compares the error with its .golden file.
func TestInputErrors(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "errors"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".golden") {
			continue
		}
		path := filepath.Join("testdata", "errors", e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			s, err := collectPaths(t, path)
			if err == nil {
				t.Fatalf("no error; read %d pools, %d nodes, %d pods", len(s.Pools), len(s.Nodes), len(s.Pods))
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError: %v", err, err)
			}
			golden(t, filepath.Join("..", "errors", e.Name()+".golden"),
				[]byte(err.Error()+"\n"))
		})
	}
}

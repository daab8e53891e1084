package files

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExamples reads every bundled example capture, so that the reader and the captures the
// README's first command runs on cannot drift apart.
func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "..", "examples", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			s := mustCollect(t, dir)
			if len(s.Provenance.Sources) == 0 || !s.Coverage.Has("cluster") && len(s.Pools) == 0 && len(s.Nodes) == 0 {
				t.Errorf("read nothing useful: %+v", s.Coverage)
			}
		})
	}
}

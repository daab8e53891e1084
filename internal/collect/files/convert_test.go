package files

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/syspool/syspool/internal/snapshot"
)

// The live ARM collector hands its response bodies to CollectDocuments; they must convert exactly as
// the same bytes read from files do, or live and offline verdicts could drift apart.
func TestCollectDocumentsMatchesFiles(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) }
	for _, dir := range []string{"healthy", "shared-pool", "automatic", "gpu-addons", "stopped"} {
		t.Run(dir, func(t *testing.T) {
			paths, err := filepath.Glob(filepath.Join("..", "..", "..", "examples", dir, "az-*.json"))
			if err != nil || len(paths) == 0 {
				t.Fatalf("no az captures in examples/%s: %v", dir, err)
			}
			var docs []Document
			for _, p := range paths {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				docs = append(docs, Document{Name: filepath.Base(p), Data: data})
			}
			fromFiles, err := New(Options{Paths: paths, Now: now}).Collect(context.Background())
			if err != nil {
				t.Fatalf("files: %v", err)
			}
			fromDocs, err := CollectDocuments(context.Background(), docs, Options{Now: now})
			if err != nil {
				t.Fatalf("documents: %v", err)
			}
			// Only the names of the sources differ (paths vs document names).
			ignore := cmpopts.IgnoreFields(snapshot.Source{}, "Path")
			noteSource := cmpopts.IgnoreFields(snapshot.Note{}, "Source")
			if d := cmp.Diff(fromFiles, fromDocs, ignore, noteSource); d != "" {
				t.Errorf("CollectDocuments differs from Collect (-files +documents):\n%s", d)
			}
		})
	}
}

func TestCollectDocumentsRefusesBadNames(t *testing.T) {
	for _, name := range []string{"", "/abs.json", "../up.json"} {
		if _, err := CollectDocuments(context.Background(), []Document{{Name: name, Data: []byte("{}")}}, Options{}); err == nil {
			t.Errorf("name %q: want an error", name)
		}
	}
	dup := []Document{{Name: "a.json", Data: []byte("{}")}, {Name: "a.json", Data: []byte("{}")}}
	if _, err := CollectDocuments(context.Background(), dup, Options{}); err == nil {
		t.Error("duplicate names: want an error")
	}
}

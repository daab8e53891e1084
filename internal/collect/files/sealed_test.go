package files

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syspool/syspool/internal/snapshot"
)

// A sealed snapshot is evidence: check must refuse one edited after sealing and read an intact one.
func TestSealedSnapshot(t *testing.T) {
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Cluster: snapshot.Cluster{Name: "c1"},
		Pools:    []snapshot.Pool{{Name: "sys", Mode: snapshot.ModeSystem, VMSize: "Standard_D4ds_v5"}},
		Coverage: snapshot.Coverage{snapshot.KindPools: {Present: true}}}
	if err := snapshot.Seal(s); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := snapshot.Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"intact", buf.Bytes(), ""},
		{"value edited", bytes.Replace(buf.Bytes(), []byte("Standard_D4ds_v5"), []byte("Standard_D2ds_v5"), 1), "was changed after it was sealed"},
		{"reindented only", bytes.ReplaceAll(buf.Bytes(), []byte("  "), []byte("\t")), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "snap.json")
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := New(Options{Paths: []string{path}}).Collect(context.Background())
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got.Pools[0].VMSize != "Standard_D4ds_v5" {
					t.Errorf("pool = %+v", got.Pools[0])
				}
				return
			}
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want an InputError containing %q", err, tt.wantErr)
			}
		})
	}
}

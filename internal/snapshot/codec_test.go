package snapshot

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestEncodeMatchesEncoder: the streaming Encode writes exactly what json.Encoder writes for the
// whole snapshot, which is what every snapshot sealed so far was hashed over.
func TestEncodeMatchesEncoder(t *testing.T) {
	full := fullSnapshot()
	full.Notes = []Note{{Source: "a<b>&c", Message: "ünïcødé \u2028 \"quoted\""}}
	full.Digest = "sha256:" + string(bytes.Repeat([]byte("a"), 64))
	for name, s := range map[string]*Snapshot{
		"full":        full,
		"empty":       {},
		"empty lists": {Pools: []Pool{}, Nodes: []Node{}, Pods: []Pod{}, Workloads: []Workload{}, PDBs: []PDB{}, Coverage: Coverage{}},
		"one pod":     {Pods: []Pod{{Namespace: "n", Name: "<p>", Labels: map[string]string{"z": "1", "a": "&"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			c := *s
			if c.SchemaVersion == 0 {
				c.SchemaVersion = SchemaVersion
			}
			if err := enc.Encode(&c); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := Encode(&got, s); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("Encode differs from json.Encoder: %s\ngot:\n%s\nwant:\n%s", firstDifference(got.Bytes(), want.Bytes()), got.Bytes(), want.Bytes())
			}
		})
	}
}

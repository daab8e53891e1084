package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// TestDecodeHeadMatchesEncodingJSON: the quick look at a snapshot's head reads what encoding/json
// reads, or leaves the input to it.
func TestDecodeHeadMatchesEncodingJSON(t *testing.T) {
	var sealedFull bytes.Buffer
	if err := Encode(&sealedFull, fullSnapshot()); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{
		sealedFull.String(),
		`{"schemaVersion":1,"cluster":{}}`,
		`{"schemaVersion":1,"cluster":null,"findings":[]}`,
		`{"SchemaVersion":2,"cluster":{}}`,
		`{"schemaVersion":1,"schemaVersion":3,"cluster":{}}`,
		`{"schemaVersion":"1","cluster":{}}`,
		`{"schemaVersion":1.5,"cluster":{}}`,
		`{"cluster":{"a":"\xff"}}`,
		`{"cluster":{}} {}`,
		`[1]`,
		`{"cluster":{}`,
	} {
		var want snapshotHead
		wantErr := json.Unmarshal([]byte(in), &want)
		got, err := decodeHead([]byte(in))
		if (err != nil) != (wantErr != nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Errorf("%.60q: error %v, want %v", in, err, wantErr)
			continue
		}
		if err == nil && (fmt.Sprint(got.SchemaVersion == nil) != fmt.Sprint(want.SchemaVersion == nil) ||
			(got.SchemaVersion != nil && *got.SchemaVersion != *want.SchemaVersion) ||
			(got.Cluster == nil) != (want.Cluster == nil) || (got.Findings == nil) != (want.Findings == nil)) {
			t.Errorf("%.60q: head %+v, want %+v", in, got, want)
		}
	}
}

package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Encode writes s as indented JSON with a trailing newline. Field order is fixed by the struct
// and maps are sorted by encoding/json, so the same snapshot always encodes to the same bytes.
func Encode(w io.Writer, s *Snapshot) error {
	if s.SchemaVersion == 0 {
		s.SchemaVersion = SchemaVersion
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(s)
}

// ErrNotSnapshot is returned by Decode for JSON that is not a syspool snapshot.
var ErrNotSnapshot = fmt.Errorf("not a syspool snapshot")

// Decode reads a snapshot. It refuses unknown schema versions and unknown fields rather than
// guessing, because a snapshot is evidence.
func Decode(data []byte) (*Snapshot, error) {
	var head struct {
		SchemaVersion *int            `json:"schemaVersion"`
		Cluster       json.RawMessage `json:"cluster"`
		Findings      json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, err
	}
	if head.SchemaVersion == nil || head.Cluster == nil {
		return nil, ErrNotSnapshot
	}
	if head.Findings != nil {
		return nil, fmt.Errorf("%w: this is a syspool report (it has findings); pass a snapshot", ErrNotSnapshot)
	}
	if *head.SchemaVersion < 1 || *head.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("snapshot schemaVersion %d is not supported (this syspool reads 1..%d)",
			*head.SchemaVersion, SchemaVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Snapshot
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	if s.Coverage == nil {
		s.Coverage = Coverage{}
	}
	return &s, nil
}

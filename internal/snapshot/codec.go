package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Encode writes s as indented JSON with a trailing newline. Field order is fixed by the struct
// and maps are sorted by encoding/json, so the same snapshot always encodes to the same bytes.
//
// The bytes are those of a json.Encoder with SetIndent("", "  ") and SetEscapeHTML(false) over
// the whole snapshot (TestEncodeMatchesEncoder), but written one node, pod and workload at a time:
// the encoder would build all of a 150,000-pod snapshot (some 250 MB) in memory first, and the
// digest twice that again.
func Encode(w io.Writer, s *Snapshot) error {
	if s.SchemaVersion == 0 {
		s.SchemaVersion = SchemaVersion
	}
	e := &streamEncoder{w: bufio.NewWriterSize(w, 64<<10)}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	e.write("{")
	e.field("schemaVersion", s.SchemaVersion)
	e.field("provenance", &s.Provenance)
	e.field("cluster", &s.Cluster)
	list(e, "pools", s.Pools)
	list(e, "nodes", s.Nodes)
	list(e, "pods", s.Pods)
	list(e, "workloads", s.Workloads)
	list(e, "pdbs", s.PDBs)
	e.field("coverage", &s.Coverage)
	if len(s.Notes) > 0 {
		e.field("notes", &s.Notes)
	}
	if s.Digest != "" {
		e.field("digest", s.Digest)
	}
	e.write("\n}\n")
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// streamEncoder writes the members of the top-level object of a snapshot as json.Encoder would.
type streamEncoder struct {
	w       *bufio.Writer
	enc     *json.Encoder
	buf     bytes.Buffer
	members int
	err     error
}

func (e *streamEncoder) write(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// value writes v indented as if it sat at depth levels of the whole document.
func (e *streamEncoder) value(v any, depth int) {
	if e.err != nil {
		return
	}
	prefix := strings.Repeat("  ", depth)
	e.enc.SetIndent(prefix, "  ")
	e.buf.Reset()
	if e.err = e.enc.Encode(v); e.err != nil {
		return
	}
	_, e.err = e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
}

func (e *streamEncoder) name(name string) {
	if e.members > 0 {
		e.write(",")
	}
	e.members++
	e.write("\n  \"" + name + "\": ")
}

func (e *streamEncoder) field(name string, v any) {
	e.name(name)
	e.value(v, 1)
}

// list writes a slice element by element; nil is null and empty is [], as encoding/json has them.
func list[T any](e *streamEncoder, name string, items []T) {
	e.name(name)
	switch {
	case items == nil:
		e.write("null")
		return
	case len(items) == 0:
		e.write("[]")
		return
	}
	e.write("[")
	for i := range items {
		if i > 0 {
			e.write(",")
		}
		e.write("\n    ")
		e.value(&items[i], 2)
	}
	e.write("\n  ]")
}

// snapshotHead is what Decode looks at before decoding a snapshot whole.
type snapshotHead struct {
	SchemaVersion *int            `json:"schemaVersion"`
	Cluster       json.RawMessage `json:"cluster"`
	Findings      json.RawMessage `json:"findings"`
}

// decodeHead reads the head of data. A saved snapshot of a large cluster is hundreds of MB, and
// decoding the head with encoding/json is a full scan before the real decode; the tokenizer of
// go-json-experiment finds the three top-level members in a fraction of that. Anything it does
// not read plainly (a syntax error, a name in another case or twice, another top level) goes to
// encoding/json, whose result and messages are the reference.
func decodeHead(data []byte) (snapshotHead, error) {
	var head snapshotHead
	if fastHead(data, &head) {
		return head, nil
	}
	head = snapshotHead{}
	err := json.Unmarshal(data, &head)
	return head, err
}

func fastHead(data []byte, head *snapshotHead) bool {
	dec := jsontext.NewDecoder(bytes.NewBuffer(data))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return false
		}
		name := tok.String()
		val, err := dec.ReadValue()
		if err != nil {
			return false
		}
		switch {
		case name == "schemaVersion":
			var v int
			if json.Unmarshal(val, &v) != nil {
				return false
			}
			head.SchemaVersion = &v
		case name == "cluster":
			head.Cluster = json.RawMessage(val)
		case name == "findings":
			head.Findings = json.RawMessage(val)
		case strings.EqualFold(name, "schemaVersion") || strings.EqualFold(name, "cluster") || strings.EqualFold(name, "findings"):
			return false
		}
	}
	if _, err := dec.ReadToken(); err != nil { // }
		return false
	}
	_, err := dec.ReadToken()
	return err == io.EOF
}

// ErrNotSnapshot is returned by Decode for JSON that is not a syspool snapshot.
var ErrNotSnapshot = fmt.Errorf("not a syspool snapshot")

// Decode reads a snapshot. It refuses unknown schema versions and unknown fields rather than
// guessing, because a snapshot is evidence.
func Decode(data []byte) (*Snapshot, error) {
	head, err := decodeHead(data)
	if err != nil {
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

package files

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// checkpoint remembers where the decoder was before its last call and in what syntactic state, so
// that a syntax error can be placed exactly: json.Decoder's own offsets are relative to internal
// buffers, but the bytes from the checkpoint on are in the window, and prefix (a made-up opening
// like `{"":[0`) puts a fresh scanner in the same state to find the first bad byte.
type checkpoint struct {
	from   int64
	prefix string
}

// Scanner states used as checkpoint prefixes.
const (
	stTop           = ""
	stObjectFirst   = "{"
	stObjectNext    = `{"":0`
	stObjectValue   = `{""`
	stListFirst     = `{"":[`
	stListNext      = `{"":[0`
	stTopArrayFirst = "["
	stTopArrayNext  = "[0"
)

// itemsCheckEvery is how often a long list checks for cancellation.
const itemsCheckEvery = 512

// skipValue consumes a JSON value without copying it.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

func (r *fileReader) off() int64 { return r.start + r.dec.InputOffset() }

func (r *fileReader) mark(prefix string) { r.ck = checkpoint{from: r.off(), prefix: prefix} }

// readJSON reads a stream of JSON values (normally one; `kubectl get ... -o json >> f` appends
// more, which is read as well).
func (r *fileReader) readJSON() error {
	r.start = r.w.rd
	r.dec = json.NewDecoder(r.w)
	for {
		r.w.release(r.off())
		r.mark(stTop)
		tok, err := r.dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return r.syntaxErr(err)
		}
		at := r.off() - 1
		switch tok {
		case json.Delim('{'):
			err = r.readObject(at)
		case json.Delim('['):
			err = r.readArray(at)
		default:
			return r.errAt(r.skipBlank(r.ck.from), "top level is %s; expected an object or a list: %s",
				describeToken(tok), acceptedKinds)
		}
		if err != nil {
			return err
		}
	}
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	default:
		return fmt.Sprintf("the number %v", v)
	}
}

// readObject reads one top-level object. A list under "items" (kubectl) or "value" (ARM) is
// streamed one element at a time; every other member is kept, and an object that had no list is
// handed on whole.
func (r *fileReader) readObject(at int64) error {
	head := map[string]json.RawMessage{}
	streamed := ""
	count := 0
	prefix := stObjectFirst
	for r.dec.More() {
		r.mark(prefix)
		tok, err := r.dec.Token()
		if err != nil {
			return r.syntaxErr(err)
		}
		key, _ := tok.(string) // the decoder only returns string tokens in key position
		r.mark(stObjectValue)
		if (key == "items" || key == "value") && streamed == "" && r.peekValue() == '[' {
			if _, err := r.dec.Token(); err != nil {
				return r.syntaxErr(err)
			}
			if count, err = r.streamList(key, head); err != nil {
				return err
			}
			streamed = key
		} else if key == "kind" || key == "apiVersion" {
			// All a list needs of its other members; a document without a list is taken whole
			// from the window once it ends.
			var v json.RawMessage
			if err := r.dec.Decode(&v); err != nil {
				return r.syntaxErr(err)
			}
			head[key] = v
		} else if err := r.dec.Decode(&skipValue{}); err != nil {
			return r.syntaxErr(err)
		}
		prefix = stObjectNext
	}
	r.mark(prefix)
	if _, err := r.dec.Token(); err != nil {
		return r.syntaxErr(err)
	}
	if streamed != "" {
		return r.b.endList(r, at, streamed, head, count)
	}
	return r.b.topObject(r, r.object(at, r.w.slice(at, r.off())))
}

// streamList decodes the elements of the array the decoder has just opened, one at a time,
// releasing everything before the current element.
func (r *fileReader) streamList(key string, head map[string]json.RawMessage) (int, error) {
	var raw json.RawMessage
	i := 0
	prefix := stListFirst
	for r.dec.More() {
		r.w.release(r.off())
		r.mark(prefix)
		if err := r.dec.Decode(&raw); err != nil {
			return i, r.syntaxErr(err)
		}
		obj := r.element(r.skipBlank(r.ck.from), raw, key, i)
		var err error
		if key == "items" {
			err = r.b.listItem(r, obj, head)
		} else {
			err = r.b.valueElement(r, obj)
		}
		if err != nil {
			return i, err
		}
		prefix = stListNext
		i++
		if i%itemsCheckEvery == 0 {
			if err := r.ctx.Err(); err != nil {
				return i, err
			}
		}
	}
	r.mark(prefix)
	if _, err := r.dec.Token(); err != nil {
		return i, r.syntaxErr(err)
	}
	return i, nil
}

// readArray reads a top-level array: `az aks nodepool list` and `az aks list` print one.
func (r *fileReader) readArray(at int64) error {
	var raw json.RawMessage
	i := 0
	prefix := stTopArrayFirst
	for r.dec.More() {
		r.w.release(r.off())
		r.mark(prefix)
		if err := r.dec.Decode(&raw); err != nil {
			return r.syntaxErr(err)
		}
		if err := r.b.arrayElement(r, r.element(r.skipBlank(r.ck.from), raw, "", i)); err != nil {
			return err
		}
		prefix = stTopArrayNext
		i++
		if i%itemsCheckEvery == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
	}
	r.mark(prefix)
	if _, err := r.dec.Token(); err != nil {
		return r.syntaxErr(err)
	}
	return r.b.endArray(r, at, i)
}

// peekValue returns the first byte of the value after the key the decoder has just returned,
// without consuming it, so a list can be streamed and anything else decoded whole.
func (r *fileReader) peekValue() byte {
	off := r.off()
	for {
		for _, c := range r.w.slice(off, r.w.end()) {
			if !isBlank(c) && c != ':' {
				return c
			}
			off++
		}
		if !r.w.fill() && off >= r.w.end() {
			return 0
		}
	}
}

// skipBlank returns the offset of the first byte at or after from that is not white space or a
// separator: where the next value starts.
func (r *fileReader) skipBlank(from int64) int64 {
	for _, c := range r.w.slice(from, r.w.end()) {
		if !isBlank(c) && c != ',' && c != ':' {
			break
		}
		from++
	}
	return from
}

// syntaxErr turns a decoder error into an InputError at the exact offending byte.
func (r *fileReader) syntaxErr(err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		if r.w.err != nil && !errors.Is(r.w.err, io.EOF) {
			return r.ioErr(r.w.err)
		}
		return r.errAt(r.ck.from, "malformed JSON: %v", err)
	}
	if r.yaml != nil {
		// The JSON was produced from YAML by the converter; it cannot be malformed.
		return r.errAt(r.ck.from, "cannot convert YAML: %v", err)
	}
	data := append([]byte(r.ck.prefix), r.w.slice(r.ck.from, r.w.end())...)
	base := r.ck.from - int64(len(r.ck.prefix))
	for {
		var v json.RawMessage
		var ue *json.SyntaxError
		if !errors.As(json.Unmarshal(data, &v), &ue) {
			break
		}
		msg := ue.Error()
		bad := ue.Offset - 1
		switch {
		case msg == "unexpected end of JSON input":
			line, col := r.w.lastPos()
			return &InputError{Path: r.path, Line: line, Col: col,
				Msg: "unexpected end of file: the JSON is truncated (was the capture cut short?)"}
		case r.ck.prefix == stTop && strings.HasSuffix(msg, "after top-level value") && bad > 0:
			// A complete value followed by another one: a stream of values is fine, look further.
			data = data[bad:]
			base += bad
			continue
		}
		return r.errAt(base+bad, "malformed JSON: %s", msg)
	}
	return r.errAt(r.ck.from, "malformed JSON: %v", err)
}

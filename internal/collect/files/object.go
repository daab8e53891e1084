package files

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// object is one JSON object read from a file (a whole document, or one element of a list) with
// what is needed to point the user at a place inside it.
type object struct {
	r   *fileReader
	raw []byte
	at  int64 // absolute offset of raw[0] in the JSON being read
	// list and index place an element of a list ("items", "value", or "" for a top-level array);
	// index is -1 for an object that is a document of its own.
	list  string
	index int
}

func (r *fileReader) object(at int64, raw []byte) object {
	return object{r: r, raw: raw, at: at, index: -1}
}

func (r *fileReader) element(at int64, raw []byte, list string, index int) object {
	return object{r: r, raw: raw, at: at, list: list, index: index}
}

// where names a list element for messages, as a JSON path would.
func (o object) where() string {
	if o.index < 0 {
		return ""
	}
	return fmt.Sprintf("%s[%d]: ", o.list, o.index)
}

// errorf makes an InputError placed at needle, a string value or key inside the object (the
// object's start when it is not found).
func (o object) errorf(needle string, format string, args ...any) *InputError {
	e := &InputError{Path: o.r.path, Msg: fmt.Sprintf(format, args...)}
	e.Line, e.Col = o.position(needle)
	return e
}

// position returns where needle (a string value or key) first occurs in the object, or where the
// object starts.
func (o object) position(needle string) (line, col int) {
	if y := o.r.yaml; y != nil {
		return y.find(needle)
	}
	off := o.at
	if needle != "" {
		q, _ := json.Marshal(needle) // marshaling a string cannot fail
		if i := bytes.Index(o.raw, q); i >= 0 {
			off += int64(i)
		}
	}
	return o.r.w.pos(off)
}

// sub returns the object for raw, a value copied out of o's bytes, placed where it sits in o and
// named as o is.
func (o object) sub(raw []byte) object {
	s := o
	s.raw = raw
	if i := bytes.Index(o.raw, raw); i >= 0 {
		s.at += int64(i)
	}
	return s
}

// decode unmarshals the object into v; what names the object for the message ("pool sys").
func (o object) decode(v any, what string) error {
	err := json.Unmarshal(o.raw, v)
	if err == nil {
		return nil
	}
	return o.decodeError(err, what)
}

// decodeError turns an error of json.Unmarshal(o.raw, ...) into an *InputError naming what.
func (o object) decodeError(err error, what string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the object"
		}
		e := o.errorf("", "%s: %s is %s; expected %s", what, field, te.Value, jsonTypeName(te.Type))
		if o.r.yaml != nil {
			e.Line, e.Col = o.r.yaml.find(lastSegment(te.Field) + ":")
		} else if te.Offset > 0 && te.Offset <= int64(len(o.raw)) {
			// Offset is just past the offending value.
			e.Line, e.Col = o.r.w.pos(o.at + int64(valueStart(o.raw, int(te.Offset)-1)))
		}
		e.Err = err
		return e
	}
	e := o.errorf("", "%s: %v", what, err)
	e.Err = err
	return e
}

// valueStart finds where the scalar ending at raw[end] begins: the opening quote of a string, or
// the first byte of a number or literal.
func valueStart(raw []byte, end int) int {
	if raw[end] == '"' {
		for i := end - 1; i >= 0; i-- {
			if raw[i] == '"' && (i == 0 || raw[i-1] != '\\') {
				return i
			}
		}
		return end
	}
	i := end
	for i > 0 && !bytes.ContainsRune([]byte(" \t\r\n:,[{"), rune(raw[i-1])) {
		i--
	}
	return i
}

func lastSegment(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

// jsonTypeName says what JSON a Go type accepts, in the words of the input rather than of Go.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// mapOrNil and sliceOrNil drop empty collections: the snapshot codec omits them, so keeping them
// would make a snapshot differ from its own encoding.
func mapOrNil[M ~map[K]V, K comparable, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return m
}

func sliceOrNil[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

package gen

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// kubectl prints `get -o json` by decoding the server's JSON into maps (unstructured objects) and
// re-encoding them with json.MarshalIndent(obj, "", "    "): every object's keys come out sorted,
// four spaces per level. Decoding into maps and re-encoding costs several times more than the
// encoding itself, so layout re-lays compact JSON (as encoding/json writes it) in one pass into the
// same bytes: a flat tree of spans, object members sorted by key, raw tokens copied through. That
// is exact because encoding/json's output is already canonical token by token (its escapes are the
// ones it would write again); TestLayoutMatchesMarshalIndent and FuzzLayout hold it to that.

type jnode struct {
	kind       byte  // '{', '[' or 0 for a scalar
	start, end int32 // the value's bytes (a scalar's token)
	kstart     int32 // an object member's key token, quotes included; kend is start's key end
	kend       int32
	key        string // decoded key when the raw key holds an escape; sorting needs the decoded form
	kids       []int32
}

// layout holds reusable buffers; one per goroutine.
type layout struct {
	in    []byte
	nodes []jnode
	kids  []int32 // arena the nodes' kids slices are cut from
	stack []int32
}

var errLayout = errors.New("invalid JSON")

// indentUnit is kubectl's indentation.
const indentUnit = "    "

// append appends in, laid out as kubectl prints it at nesting depth depth (the first line is not
// indented: the caller has already written the indentation or key), to out.
func (l *layout) append(out, in []byte, depth int) ([]byte, error) {
	l.in = in
	l.nodes = l.nodes[:0]
	l.kids = l.kids[:0]
	root, i, err := l.parse(0)
	if err != nil {
		return out, err
	}
	if skipSpace(in, i) != len(in) {
		return out, errLayout
	}
	return l.emit(out, root, depth), nil
}

func skipSpace(in []byte, i int) int {
	for i < len(in) && (in[i] == ' ' || in[i] == '\n' || in[i] == '\r' || in[i] == '\t') {
		i++
	}
	return i
}

// parse reads the value at in[i:] and returns its node and the offset after it.
func (l *layout) parse(i int) (int32, int, error) {
	in := l.in
	i = skipSpace(in, i)
	if i >= len(in) {
		return 0, i, errLayout
	}
	id := int32(len(l.nodes))
	switch c := in[i]; c {
	case '{', '[':
		l.nodes = append(l.nodes, jnode{kind: c, start: int32(i)})
		close := byte('}')
		if c == '[' {
			close = ']'
		}
		// Children are collected on a shared stack and copied into the arena when the container
		// closes, so nested containers do not interleave their kids.
		mark := len(l.stack)
		i = skipSpace(in, i+1)
		if i < len(in) && in[i] == close {
			i++
		} else {
			for {
				var ks, ke int
				if c == '{' {
					i = skipSpace(in, i)
					if i >= len(in) || in[i] != '"' {
						return 0, i, errLayout
					}
					ks = i
					end, err := stringEnd(in, i)
					if err != nil {
						return 0, i, err
					}
					ke = end
					i = skipSpace(in, end)
					if i >= len(in) || in[i] != ':' {
						return 0, i, errLayout
					}
					i++
				}
				kid, next, err := l.parse(i)
				if err != nil {
					return 0, next, err
				}
				if c == '{' {
					n := &l.nodes[kid]
					n.kstart, n.kend = int32(ks), int32(ke)
					if raw := in[ks+1 : ke-1]; slices.Contains(raw, '\\') {
						if n.key, err = unescape(raw); err != nil {
							return 0, next, err
						}
					}
				}
				l.stack = append(l.stack, kid)
				i = skipSpace(in, next)
				if i >= len(in) {
					return 0, i, errLayout
				}
				if in[i] == ',' {
					i++
					continue
				}
				if in[i] != close {
					return 0, i, errLayout
				}
				i++
				break
			}
		}
		start := len(l.kids)
		l.kids = append(l.kids, l.stack[mark:]...)
		l.stack = l.stack[:mark]
		kids := l.kids[start:len(l.kids):len(l.kids)]
		if c == '{' {
			slices.SortFunc(kids, l.compareKeys)
		}
		l.nodes[id].kids = kids
		l.nodes[id].end = int32(i)
		return id, i, nil
	case '"':
		end, err := stringEnd(in, i)
		if err != nil {
			return 0, i, err
		}
		l.nodes = append(l.nodes, jnode{start: int32(i), end: int32(end)})
		return id, end, nil
	default:
		j := i
		for j < len(in) && !strings.ContainsRune(",]} \n\r\t", rune(in[j])) {
			j++
		}
		if j == i || !validScalar(in[i:j]) {
			return 0, i, errLayout
		}
		l.nodes = append(l.nodes, jnode{start: int32(i), end: int32(j)})
		return id, j, nil
	}
}

// compareKeys orders object members as encoding/json orders map keys: by the decoded key's bytes.
// Keys without escapes are compared in place.
func (l *layout) compareKeys(a, b int32) int {
	na, nb := &l.nodes[a], &l.nodes[b]
	ra, rb := l.in[na.kstart+1:na.kend-1], l.in[nb.kstart+1:nb.kend-1]
	if na.key == "" && nb.key == "" {
		return bytes.Compare(ra, rb)
	}
	ka, kb := na.key, nb.key
	if ka == "" {
		ka = string(ra)
	}
	if kb == "" {
		kb = string(rb)
	}
	return strings.Compare(ka, kb)
}

// validScalar accepts the literals and anything that starts like a number; the bytes are copied
// through unchanged, so a stricter check would only cost time on encoding/json's own output.
func validScalar(b []byte) bool {
	switch string(b) {
	case "true", "false", "null":
		return true
	}
	return b[0] == '-' || (b[0] >= '0' && b[0] <= '9')
}

// stringEnd returns the offset just past the string token that starts at in[i] (a quote).
func stringEnd(in []byte, i int) (int, error) {
	for j := i + 1; j < len(in); j++ {
		switch in[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return len(in), errLayout
}

// unescape decodes the body of a JSON string.
func unescape(raw []byte) (string, error) {
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(raw) {
			return "", errLayout
		}
		switch raw[i] {
		case '"', '\\', '/':
			b.WriteByte(raw[i])
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				return "", errLayout
			}
			i += 4
			if utf16.IsSurrogate(r) {
				// A lone surrogate decodes to U+FFFD, as encoding/json does.
				r2, ok := rune(0), false
				if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2, ok = hex4(raw[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			return "", errLayout
		}
	}
	return b.String(), nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (l *layout) emit(out []byte, id int32, depth int) []byte {
	n := &l.nodes[id]
	if n.kind == 0 {
		return append(out, l.in[n.start:n.end]...)
	}
	open, close := byte('{'), byte('}')
	if n.kind == '[' {
		open, close = '[', ']'
	}
	if len(n.kids) == 0 {
		return append(out, open, close)
	}
	out = append(out, open)
	for k, kid := range n.kids {
		if k > 0 {
			out = append(out, ',')
		}
		out = appendNewline(out, depth+1)
		if n.kind == '{' {
			kn := &l.nodes[kid]
			out = append(out, l.in[kn.kstart:kn.kend]...)
			out = append(out, ':', ' ')
		}
		out = l.emit(out, kid, depth+1)
	}
	out = appendNewline(out, depth)
	return append(out, close)
}

func appendNewline(out []byte, depth int) []byte {
	out = append(out, '\n')
	for range depth {
		out = append(out, indentUnit...)
	}
	return out
}

package files

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// yamlDoc is one document of a YAML file, kept while its objects are read so that positions can
// be given in YAML lines. YAML is converted to JSON one document at a time: `kubectl -o yaml`
// writes a List as a single document, so a huge YAML capture is held whole (prefer -o json there,
// which is streamed item by item).
type yamlDoc struct {
	text      []byte
	startLine int // the file line of text's first line
}

// find returns the position of the first occurrence of needle in the document, or the document's
// first line when it does not occur. It is a search, not a parse: good enough to send the user to
// the right line for a value that does not parse, which is all it is used for.
func (d *yamlDoc) find(needle string) (line, col int) {
	if needle != "" {
		if i := bytes.Index(d.text, []byte(needle)); i >= 0 {
			before := d.text[:i]
			line = d.startLine + bytes.Count(before, []byte{'\n'})
			return line, i - (bytes.LastIndexByte(before, '\n') + 1) + 1
		}
	}
	return d.startLine, 0
}

// readYAML splits the file into documents at "---" lines and reads each one.
func (r *fileReader) readYAML() error {
	br := bufio.NewReader(r.w)
	var doc bytes.Buffer
	line, start, docs := 0, 1, 0
	flush := func() error {
		defer doc.Reset()
		text, skipped := trimYAMLHead(doc.Bytes())
		if len(text) == 0 {
			return nil
		}
		docs++
		return r.readYAMLDoc(&yamlDoc{text: text, startLine: start + skipped})
	}
	for {
		l, err := br.ReadBytes('\n')
		// Positions come from the document text, so the window need not keep anything.
		r.w.release(r.w.rd)
		if len(l) > 0 {
			line++
			switch trimmed := strings.TrimRight(string(l), " \t\r\n"); {
			case trimmed == "---" || strings.HasPrefix(trimmed, "--- ") || strings.HasPrefix(trimmed, "---\t"):
				if ferr := flush(); ferr != nil {
					return ferr
				}
				// "--- {a: 1}" starts a document on the marker line; blank the marker to keep columns.
				start = line
				doc.WriteString("   ")
				doc.Write(l[3:])
			case trimmed == "...":
				if ferr := flush(); ferr != nil {
					return ferr
				}
				start = line + 1
			default:
				doc.Write(l)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return r.ioErr(err)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if docs == 0 {
		return &InputError{Path: r.path, Msg: emptyFileMsg + " (it holds only comments)"}
	}
	return nil
}

// trimYAMLHead drops the blank and comment lines that open a document, so that a document's first
// line (where errors without a better place are reported) is its first line of content. It returns
// nothing for a document that has no content at all.
func trimYAMLHead(text []byte) ([]byte, int) {
	skipped := 0
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte{'\n'})
		if l := bytes.TrimSpace(line); len(l) > 0 && l[0] != '#' {
			return text, skipped
		}
		text = rest
		skipped++
	}
	return nil, skipped
}

var yamlLineRE = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: `)

func (r *fileReader) readYAMLDoc(d *yamlDoc) error {
	j, err := yamlToJSON(d.text)
	if err != nil {
		e := &InputError{Path: r.path, Line: d.startLine, Err: err}
		msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
		msg = strings.TrimPrefix(msg, "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1]) // the pattern matched digits
			e.Line = d.startLine + n - 1
			if m[2] != "" {
				e.Col, _ = strconv.Atoi(m[2])
			}
			msg = strings.Replace(msg, m[0], "", 1)
		}
		e.Msg = "malformed YAML: " + msg
		if col, ok := leadingTab(d, e.Line); ok && strings.Contains(msg, "cannot start any token") {
			// The YAML parser's words for a tab in the indentation.
			e.Col = col
			e.Msg += " (YAML does not allow tabs for indentation; use spaces)"
		}
		return e
	}
	sub := &fileReader{ctx: r.ctx, path: r.path, b: r.b, src: r.src, yaml: d}
	sub.w = newWindow(bytes.NewReader(j))
	return sub.readJSON()
}

// leadingTab finds a tab in the indentation of file line line of d, returning its column.
func leadingTab(d *yamlDoc, line int) (int, bool) {
	lines := bytes.Split(d.text, []byte{'\n'})
	i := line - d.startLine
	if i < 0 || i >= len(lines) {
		return 0, false
	}
	for col, c := range lines[i] {
		switch c {
		case ' ':
		case '\t':
			return col + 1, true
		default:
			return 0, false
		}
	}
	return 0, false
}

// yamlToJSON converts one document. The YAML parser is third-party code fed with arbitrary user
// bytes; should it panic on some input, the user gets an input error instead of a crash.
func yamlToJSON(text []byte) (j []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			j, err = nil, fmt.Errorf("the YAML parser failed on this document: %v", p)
		}
	}()
	return yaml.YAMLToJSON(text)
}

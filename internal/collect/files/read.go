package files

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// fileReader reads one input file. It owns the decoding position; what the decoded objects mean is
// the builder's business.
type fileReader struct {
	ctx  context.Context
	path string
	b    *builder
	src  *sourceAcc
	// yaml is set while a YAML document, converted to JSON, runs through the JSON reader: JSON
	// offsets then mean nothing to the user, so positions come from the YAML text instead.
	yaml *yamlDoc

	w     *window
	dec   *json.Decoder
	start int64 // absolute offset at which dec began reading
	ck    checkpoint
}

// readFile reads path once: the bytes are hashed as they stream past the decoder, so the recorded
// sha256 is of exactly what was parsed.
func (b *builder) readFile(ctx context.Context, in inputFS, path string) error {
	f, err := in.fsys.Open(path)
	if err != nil {
		return &InputError{Path: path, Msg: "cannot read: " + describeFSError(err), Err: err}
	}
	defer func() { f.Close() }()
	if size, ok := fastWorthIt(f, b.fastMin); ok {
		err := b.readFast(ctx, f, path, size)
		if !errors.Is(err, errDecline) {
			return err
		}
		f.Close()
		if f, err = in.fsys.Open(path); err != nil {
			return &InputError{Path: path, Msg: "cannot read: " + describeFSError(err), Err: err}
		}
	}
	h := sha256.New()
	src := b.newSource(path)
	r := &fileReader{ctx: ctx, path: path, b: b, src: src}
	err = r.read(io.TeeReader(f, h))
	if r.w != nil {
		src.peakKept = r.w.peak
	}
	if err != nil {
		return err
	}
	// The decoder may stop before EOF (trailing blanks); hash the rest so the sum covers the file.
	if _, err := io.Copy(h, f); err != nil {
		return r.ioErr(err)
	}
	src.sha256 = hex.EncodeToString(h.Sum(nil))
	return nil
}

// fastMinSize is the smallest file the fast path of fastlist.go tries: below it, setting the fast
// path up costs more than it saves. Tests lower it (Collector.fastMin) to run inputs both ways.
const fastMinSize = 4 << 20

// fastWorthIt says whether f is a file of at least min bytes, and its size.
func fastWorthIt(f fs.File, min int64) (int64, bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < min {
		return 0, false
	}
	return st.Size(), true
}

func (r *fileReader) read(raw io.Reader) error {
	br := bufio.NewReaderSize(raw, 64<<10)
	head, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return r.ioErr(err)
	}
	var text io.Reader = br
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(len(bomUTF8)) // cannot fail: the bytes were peeked
	case bytes.HasPrefix(head, bomUTF16LE):
		_, _ = br.Discard(2)
		text = &utf16Reader{r: br}
	case bytes.HasPrefix(head, bomUTF16BE):
		_, _ = br.Discard(2)
		text = &utf16Reader{r: br, bigEndian: true}
	}
	r.w = newWindow(text)
	if text == io.Reader(br) {
		if what := binaryContent(r.w.peek(512)); what != "" {
			return &InputError{Path: r.path, Msg: what + ", not JSON or YAML text; expected az, ARM or kubectl output"}
		}
	}
	first, ok := r.firstNonBlank()
	if r.w.err != nil && !errors.Is(r.w.err, io.EOF) {
		return r.ioErr(r.w.err)
	}
	if !ok {
		return &InputError{Path: r.path, Msg: emptyFileMsg, Err: errEmptyFile}
	}
	if first == '<' {
		// JUnit reports and other XML sit beside captures in CI workspaces.
		return &outputFile{what: "this is XML (a JUnit report?), not JSON or YAML"}
	}
	if first == '{' || first == '[' {
		r.src.format = "json"
		return r.readJSON()
	}
	r.src.format = "yaml"
	return r.readYAML()
}

// binaryMagic names the file types most often passed by mistake (a screenshot, a zipped capture),
// by the bytes they start with.
var binaryMagic = []struct{ magic, what string }{
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF8", "a GIF image"},
	{"%PDF-", "a PDF document"},
	{"\x1f\x8b", "gzip-compressed data (gunzip it first)"},
	{"PK\x03\x04", "a zip archive (unzip it first)"},
}

// binaryContent says what the first bytes of a file are when they cannot be JSON or YAML text, so
// the user is not told about a "malformed YAML" in a PNG. It returns "" for anything else.
func binaryContent(head []byte) string {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(head, []byte(m.magic)) {
			return "this is " + m.what
		}
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		if i%2 == 1 && i < 8 {
			return fmt.Sprintf("this is binary data (a NUL byte at offset %d; UTF-16 without a byte-order mark? save it as UTF-8)", i)
		}
		return fmt.Sprintf("this is binary data (a NUL byte at offset %d)", i)
	}
	return ""
}

// firstNonBlank peeks past leading white space without consuming anything.
func (r *fileReader) firstNonBlank() (byte, bool) {
	for n := 512; ; n *= 2 {
		buf := r.w.peek(n)
		for _, c := range buf {
			if !isBlank(c) {
				return c, true
			}
		}
		if len(buf) < n {
			return 0, false
		}
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func (r *fileReader) ioErr(err error) error {
	return &InputError{Path: r.path, Msg: "cannot read: " + describeFSError(err), Err: err}
}

// errAt makes an InputError at an absolute offset of the JSON being read.
func (r *fileReader) errAt(off int64, format string, args ...any) *InputError {
	e := &InputError{Path: r.path, Msg: fmt.Sprintf(format, args...)}
	if r.yaml != nil {
		e.Line = r.yaml.startLine
		return e
	}
	e.Line, e.Col = r.w.pos(off)
	return e
}

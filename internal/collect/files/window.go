package files

import (
	"bytes"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// window sits between a file and the JSON decoder. It keeps the bytes from a checkpoint (the start
// of the current list item, or of the current top-level value) to the read position, so that a raw
// item can be inspected and an error placed at an exact line and column, while a list of any size
// is never held whole: the reader releases everything before the item it is working on.
type window struct {
	r   io.Reader
	err error
	buf []byte // bytes at absolute offsets [base, base+len(buf))
	// base is the absolute offset of buf[0]; rd the offset the next Read starts at. rd may lag
	// behind the end of buf after a peek.
	base, rd int64
	// line is the 1-based line number at base, and lineStart the offset at which it begins, so
	// positions stay exact after the bytes before base are gone.
	line      int
	lineStart int64
	// peak is the most bytes ever kept, which tests use to prove that lists are streamed.
	peak int
}

func newWindow(r io.Reader) *window { return &window{r: r, line: 1} }

func (w *window) end() int64 { return w.base + int64(len(w.buf)) }

func (w *window) Read(p []byte) (int, error) {
	if w.rd < w.end() {
		n := copy(p, w.buf[w.rd-w.base:])
		w.rd += int64(n)
		return n, nil
	}
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.r.Read(p)
	w.buf = append(w.buf, p[:n]...)
	w.peak = max(w.peak, len(w.buf))
	w.rd += int64(n)
	w.err = err
	return n, err
}

// peek returns at least n unread bytes unless the input ends first; it does not advance.
func (w *window) peek(n int) []byte {
	for w.end()-w.rd < int64(n) && w.fill() {
	}
	return w.buf[w.rd-w.base:]
}

// fill reads one more chunk into the window without advancing the read position; the decoder gets
// those bytes on its next Read. It reports whether more input may follow.
func (w *window) fill() bool {
	if w.err != nil {
		return false
	}
	var chunk [4096]byte
	k, err := w.r.Read(chunk[:])
	w.buf = append(w.buf, chunk[:k]...)
	w.peak = max(w.peak, len(w.buf))
	w.err = err
	return err == nil
}

// release forgets the bytes before off, keeping the line count.
func (w *window) release(off int64) {
	if off <= w.base {
		return
	}
	if off > w.end() {
		off = w.end()
	}
	gone := w.buf[:off-w.base]
	if k := bytes.Count(gone, []byte{'\n'}); k > 0 {
		w.line += k
		w.lineStart = w.base + int64(bytes.LastIndexByte(gone, '\n')) + 1
	}
	w.buf = w.buf[off-w.base:]
	w.base = off
}

// slice returns the kept bytes in [from, to), clamped to what is kept.
func (w *window) slice(from, to int64) []byte {
	from = max(from, w.base)
	to = min(to, w.end())
	if from >= to {
		return nil
	}
	return w.buf[from-w.base : to-w.base]
}

// pos converts an absolute offset into a 1-based line and byte column. Offsets before the kept
// bytes are reported at the first kept byte, which callers never need: they only place errors
// inside the value they are reading.
func (w *window) pos(off int64) (line, col int) {
	off = max(off, w.base)
	off = min(off, w.end())
	line, start := w.line, w.lineStart
	kept := w.buf[:off-w.base]
	if k := bytes.Count(kept, []byte{'\n'}); k > 0 {
		line += k
		start = w.base + int64(bytes.LastIndexByte(kept, '\n')) + 1
	}
	return line, int(off-start) + 1
}

// lastPos places an "unexpected end of file" just after the last non-blank byte read, which is
// where an editor shows the cut.
func (w *window) lastPos() (line, col int) {
	trimmed := bytes.TrimRight(w.buf, " \t\r\n")
	return w.pos(w.base + int64(len(trimmed)))
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// utf16Reader turns UTF-16 into UTF-8. Windows PowerShell 5's `>` writes UTF-16 with a byte-order
// mark, and `az ... -o json > pools.json` run there is an everyday way to capture a cluster.
type utf16Reader struct {
	r         io.Reader
	bigEndian bool
	in        []byte // undecoded bytes carried between reads (an odd byte or half a surrogate pair)
	out       []byte // encoded bytes not yet returned
	err       error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			if len(u.in) > 0 {
				// A dangling half character: emit U+FFFD so the JSON scanner reports it in place.
				u.in = nil
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				break
			}
			return 0, u.err
		}
		chunk := make([]byte, 4096)
		n, err := u.r.Read(chunk)
		u.in = append(u.in, chunk[:n]...)
		u.err = err
		u.decode()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

func (u *utf16Reader) decode() {
	units := make([]uint16, 0, len(u.in)/2)
	i := 0
	for ; i+1 < len(u.in); i += 2 {
		if u.bigEndian {
			units = append(units, uint16(u.in[i])<<8|uint16(u.in[i+1]))
		} else {
			units = append(units, uint16(u.in[i+1])<<8|uint16(u.in[i]))
		}
	}
	// Keep a trailing high surrogate for the next read; its low half may not have arrived yet.
	if len(units) > 0 && utf16.IsSurrogate(rune(units[len(units)-1])) && units[len(units)-1] < 0xDC00 && u.err == nil {
		units = units[:len(units)-1]
		i -= 2
	}
	for _, r := range utf16.Decode(units) {
		u.out = utf8.AppendRune(u.out, r)
	}
	u.in = append(u.in[:0], u.in[i:]...)
}

package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/syspool/syspool/internal/snapshot"
)

// The fast path reads the files that make up nearly all the bytes of a large cluster's capture:
// `kubectl get pods -A -o json` and its siblings, one JSON object whose "items" list holds the
// objects. encoding/json scans every byte at about 100 MB/s and the exact path scans each item
// more than once (see docs/performance.md); here the file is read once, in chunks, with
//
//   - the sha256 computed on the reading goroutine while earlier chunks are parsed;
//   - the items found by a structural scan that only tracks strings and brackets, and copied
//     without the white space between tokens (kubectl's indentation, half the bytes);
//   - the items decoded in batches on every CPU with github.com/go-json-experiment/json (the
//     module encoding/json/v2 comes from), into the narrow types of narrow.go, which validates
//     each item completely and skips what no rule reads without building it; pods, nine tenths
//     of the bytes, are walked token by token (fastpod.go);
//   - the results handed to the builder in file order as they are decoded, so the snapshot is
//     the same and a large list is held once.
//
// It takes no decisions of its own about what the input means. Anything it is not sure of (another
// shape of document, a syntax or type error, an item without a kind, a snapshot in the same run)
// declines the whole file: a journal takes back what the builder was given, and the exact path of
// stream.go reads the file again, with its positions and messages. TestFastMatchesExact,
// TestFastRollback and FuzzFastMatchesExact hold the two paths to the same result.

// errDecline says the fast path leaves the file to the exact path.
var errDecline = errors.New("fast path declined")

const (
	fastChunkSize = 1 << 20
	fastChunks    = 6
	// fastBatchBytes is how many bytes of items one worker decodes at a time: large enough that
	// handing batches around costs nothing, small enough that memory stays flat.
	fastBatchBytes = 512 << 10
)

// fastDecodeOptions make go-json-experiment read what encoding/json reads on the exact path:
// member names matched without regard to case (but not to dashes and underscores), and invalid
// UTF-8 replaced rather than refused. A name given twice in one object is an error here, where
// encoding/json keeps the last (or merges two maps): such an item declines to the exact path.
var fastDecodeOptions = jsonv2.JoinOptions(
	jsonv2.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsontext.AllowInvalidUTF8(true),
)

// readFast reads path through the fast path. It returns errDecline, having changed nothing, when
// the exact path must read the file instead.
func (b *builder) readFast(parent context.Context, f io.Reader, path string, size int64) error {
	if b.snapPath != "" {
		return errDecline
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	// One goroutine reads and hashes chunks for the parser, which hands them back through free.
	// Small files (tests, fuzzing) get small buffers; size is a hint, a file may still grow.
	chunk := int(min(fastChunkSize, max(size, 4096)))
	free := make(chan []byte, fastChunks)
	for range fastChunks {
		free <- make([]byte, chunk)
	}
	toParse := make(chan []byte, fastChunks)
	var readErr error
	var sum []byte
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(toParse)
		h := sha256.New()
		for {
			var buf []byte
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			n, err := io.ReadFull(f, buf)
			if n > 0 {
				h.Write(buf[:n])
				select {
				case toParse <- buf[:n]:
				case <-ctx.Done():
					return
				}
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				sum = h.Sum(nil)
				return
			}
			if err != nil {
				readErr = err
				return
			}
		}
	}()

	// Batches go to the builder as they are decoded, so that a large list is held once, as the
	// snapshot, and not a second time as decoded batches; the journal undoes them on a decline.
	mark := b.startJournal()
	src := b.newSource(path)
	src.format = "json"
	c := &fastCommit{b: b, r: &fileReader{path: path, b: b, src: src}, size: size}
	p := &fastParser{in: toParse, free: free, line: 1}
	err := p.parse(ctx, c.batch)
	cancel()
	for range toParse { // unblock the reader when the parser stopped early
	}
	wg.Wait()
	switch {
	case readErr != nil:
		err = &InputError{Path: path, Msg: "cannot read: " + describeFSError(readErr), Err: readErr}
	case parent.Err() != nil:
		// Cancelled: the reader stopped early, whatever the parser made of it.
		err = parent.Err()
	case err == nil && sum == nil:
		err = errDecline
	}
	if err != nil {
		b.rollback(mark)
		return err
	}
	b.endJournal()
	src.sha256 = hex.EncodeToString(sum)
	src.peakKept = p.peak
	return nil
}

// fastItem is one list element: its bytes and where it starts.
type fastItem struct {
	raw       []byte // without white space when compact
	compact   bool
	at        int64 // absolute offset of raw[0]
	line      int   // line of raw[0]
	lineStart int64 // offset at which that line starts
}

// fastBatch is a run of list items and, once decoded, what they hold: kinds[i] says which of
// the per-kind lists (in order) item i went to.
type fastBatch struct {
	arena []byte // holds the items' bytes until they are decoded
	items []fastItem
	kinds []kubeKind
	other []string // the kind of each item syspool does not read, "" for the others

	pods      []snapshot.Pod
	nodes     []fastNode
	pdbs      []snapshot.PDB
	workloads []snapshot.Workload

	err  error
	done chan struct{}
}

// fastNode is a node and where it is placed in its file.
type fastNode struct {
	node      snapshot.Node
	line, col int
}

// fastCommit hands the batches of a file read by the fast path to the builder exactly as the
// exact path would: one kubectl list, its items in order.
type fastCommit struct {
	b     *builder
	r     *fileReader
	size  int64 // of the file, to size the pod list once
	index int
}

func (c *fastCommit) batch(batch *fastBatch) {
	b, r := c.b, c.r
	if c.index == 0 && len(batch.pods) > 1 && len(batch.pods) == len(batch.items) {
		// A list of pods: room for them at once saves growing a 50 MB slice step by step, each
		// step holding the old and the new. The count is estimated from the largest of the
		// first ones, so that it errs low (and append grows the rest) rather than high.
		largest := int64(1)
		for i := 1; i < len(batch.items); i++ {
			largest = max(largest, batch.items[i].at-batch.items[i-1].at)
		}
		b.pods = slices.Grow(b.pods, int(c.size/largest))
	}
	var pods, nodes, pdbs, workloads int
	for i, k := range batch.kinds {
		o := r.element(batch.items[i].at, nil, "items", c.index)
		c.index++
		if b.firstDoc == "" {
			b.firstDoc = r.path
		}
		r.src.kind("kubectl list")
		switch k {
		case kindOther:
			r.src.ignore(batch.other[i])
		case kindNode:
			n := batch.nodes[nodes]
			nodes++
			b.addNodeAt(o, n.node, n.line, n.col)
		case kindPod:
			b.addInternedPod(o, batch.pods[pods])
			pods++
		case kindPDB:
			b.addPDB(o, batch.pdbs[pdbs])
			pdbs++
		default:
			b.add(o, decoded{kind: k, workload: batch.workloads[workloads]})
			workloads++
		}
	}
}

// fastParser finds the items of a kubectl list in a stream of chunks.
type fastParser struct {
	in   <-chan []byte
	free chan<- []byte
	win  []byte // bytes at absolute offsets [base, base+len(win))
	base int64
	pos  int // next byte to look at, an index into win
	eof  bool
	peak int

	compact bool // items are copied without white space

	// Newlines are counted up to lineOff: line is the line at lineOff, starting at lineStart.
	line      int
	lineStart int64
	lineOff   int64
}

// fill appends the next chunk, first dropping the bytes before keep (an index into win). It
// reports false at the end of the input.
func (p *fastParser) fill(keep int) bool {
	if p.eof {
		return false
	}
	c, ok := <-p.in
	if !ok {
		p.eof = true
		return false
	}
	if keep > 0 {
		p.countLines(p.base + int64(keep))
		n := copy(p.win, p.win[keep:])
		p.win = p.win[:n]
		p.base += int64(keep)
		p.pos -= keep
	}
	p.win = append(p.win, c...)
	p.free <- c[:cap(c)]
	p.peak = max(p.peak, len(p.win))
	return true
}

// countLines advances the line count to off, which must be within win.
func (p *fastParser) countLines(off int64) {
	if off <= p.lineOff {
		return
	}
	seg := p.win[p.lineOff-p.base : off-p.base]
	if k := bytes.Count(seg, []byte{'\n'}); k > 0 {
		p.line += k
		p.lineStart = p.lineOff + int64(bytes.LastIndexByte(seg, '\n')) + 1
	}
	p.lineOff = off
}

// skipBlank moves pos to the next byte that is not white space; false at the end of the input.
func (p *fastParser) skipBlank() bool {
	for {
		for p.pos < len(p.win) {
			if !isBlank(p.win[p.pos]) {
				return true
			}
			p.pos++
		}
		if !p.fill(p.pos) {
			return false
		}
	}
}

// next returns the next byte that is not white space, without consuming it.
func (p *fastParser) next() (byte, bool) {
	if !p.skipBlank() {
		return 0, false
	}
	return p.win[p.pos], true
}

// value scans the JSON value at pos and returns its bytes (valid until the next fill). Only its
// extent is found here; whoever uses the bytes validates them.
func (p *fastParser) value() ([]byte, bool) {
	if !p.skipBlank() {
		return nil, false
	}
	start := p.pos
	var s valueScan
	i := start
	for {
		end, _, done := s.scan(p.win, i, nil)
		if done {
			p.pos = end
			return p.win[start:end], true
		}
		// The value goes on past the window: keep it whole and read more.
		i = end - start
		if !p.fill(start) {
			return nil, false
		}
		start = 0
	}
}

// item scans the list element at pos like value, appending its bytes to out; compact leaves out
// the white space between tokens, which is half of what kubectl writes and which the decoder
// would otherwise step over byte by byte.
func (p *fastParser) item(out []byte, compact bool) ([]byte, bool) {
	if !p.skipBlank() {
		return out, false
	}
	start := p.pos
	s := valueScan{copy: true, compact: compact}
	i := start
	for {
		end, o, done := s.scan(p.win, i, out)
		out = o
		if done {
			p.pos = end
			return out, true
		}
		i = end - start
		if !p.fill(start) {
			return out, false
		}
		start = 0
	}
}

// valueScan finds where a JSON value ends, across calls as the window grows, copying the value
// out when copy is set (without white space when compact is).
type valueScan struct {
	depth         int
	inStr, scalar bool
	copy, compact bool
}

const eightSpaces = 0x2020202020202020

// scan looks at b from i and returns the index just past the value and true, or len(b) and false
// when b ends first; the bytes looked at are appended to out. b must hold the value from its first
// byte, so that the backslashes before a quote can be counted.
func (s *valueScan) scan(b []byte, i int, out []byte) (int, []byte, bool) {
	from := i // bytes from here on are not yet copied
	flush := func(to int) {
		if s.copy {
			out = append(out, b[from:to]...)
		}
	}
	for i < len(b) {
		if s.inStr {
			// Most strings in Kubernetes objects are short names and values: a plain loop finds
			// their end sooner than a call to the vectorised IndexByte, kept for long ones.
			q := i
			for q < len(b) && q < i+24 && b[q] != '"' {
				q++
			}
			if q == len(b) {
				break
			}
			if b[q] != '"' {
				j := bytes.IndexByte(b[q:], '"')
				if j < 0 {
					break // the string goes on in the next chunk
				}
				q += j
			}
			i = q + 1
			if b[q-1] == '\\' {
				k := q - 1
				for b[k-1] == '\\' {
					k--
				}
				if (q-k)%2 == 1 {
					continue // an escaped quote
				}
			}
			s.inStr = false
			if s.depth == 0 {
				flush(i)
				return i, out, true
			}
			continue
		}
		if s.scalar {
			switch b[i] {
			case ' ', '\t', '\r', '\n', ',', ']', '}', ':', '[', '{', '"':
				flush(i)
				return i, out, true
			}
			i++
			continue
		}
		switch c := b[i]; c {
		case '"':
			s.inStr = true
			i++
		case '{', '[':
			s.depth++
			i++
		case '}', ']':
			s.depth--
			i++
			if s.depth <= 0 {
				flush(i)
				return i, out, true
			}
		case ' ', '\n', '\t', '\r':
			if s.compact {
				flush(i)
			}
			i++
			for i < len(b) {
				if i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:]) == eightSpaces {
					i += 8
				} else if isBlank(b[i]) {
					i++
				} else {
					break
				}
			}
			if s.compact {
				from = i
			}
		default:
			if s.depth == 0 {
				s.scalar = true
				continue
			}
			i++
		}
	}
	flush(len(b))
	return len(b), out, false
}

// expect consumes c, the next byte that is not white space.
func (p *fastParser) expect(c byte) bool {
	got, ok := p.next()
	if !ok || got != c {
		return false
	}
	p.pos++
	return true
}

// parse reads the top-level object. Everything but "items" is checked for syntax and skipped,
// as the exact path skips it for a list; anything else than one object with a non-empty items
// list declines.
func (p *fastParser) parse(ctx context.Context, commit func(*fastBatch)) error {
	if !p.fill(0) || !p.expect('{') {
		return errDecline
	}
	d := newFastDecoder(commit)
	defer d.stop()
	streamed := false
	first := true
	for {
		c, ok := p.next()
		if !ok {
			return errDecline
		}
		if c == '}' {
			p.pos++
			break
		}
		if !first && !p.expect(',') {
			return errDecline
		}
		first = false
		raw, ok := p.value()
		var key string
		if !ok || len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &key) != nil {
			return errDecline
		}
		if !p.expect(':') {
			return errDecline
		}
		c, ok = p.next()
		if !ok {
			return errDecline
		}
		if (key == "items" || key == "value") && !streamed && c == '[' {
			if key == "value" {
				return errDecline // an ARM list, small: the exact path reads it
			}
			p.pos++
			n, err := p.items(ctx, d)
			if err != nil {
				return err
			}
			if n == 0 {
				return errDecline // an empty list is judged by its kind, on the exact path
			}
			streamed = true
			continue
		}
		raw, ok = p.value()
		if !ok || !json.Valid(raw) {
			return errDecline
		}
	}
	// One document only: a stream of them (`>>`) is the exact path's.
	if p.skipBlank() || !streamed {
		return errDecline
	}
	return d.wait()
}

// items reads the elements of the list just opened, handing them to the decoder in batches.
func (p *fastParser) items(ctx context.Context, d *fastDecoder) (int, error) {
	n := 0
	batch := &fastBatch{}
	var arena []byte
	send := func() error {
		if len(batch.items) == 0 {
			return nil
		}
		batch.arena = arena
		if err := d.submit(batch); err != nil {
			return err
		}
		batch, arena = &fastBatch{}, nil
		return ctx.Err()
	}
	for {
		c, ok := p.next()
		if !ok {
			return n, errDecline
		}
		if c == ']' {
			p.pos++
			return n, send()
		}
		if n > 0 {
			if c != ',' {
				return n, errDecline
			}
			p.pos++
			if c, ok = p.next(); !ok || c != '{' {
				return n, errDecline
			}
		} else if c != '{' {
			return n, errDecline
		}
		start := p.base + int64(p.pos)
		p.countLines(start)
		if arena == nil {
			arena = d.arena(0)
		}
		from := len(arena)
		if arena, ok = p.item(arena, p.compact); !ok {
			return n, errDecline
		}
		if n == 0 {
			// A list of nodes keeps its layout: the node checks place their findings at a line
			// and column. Any other list is compacted, and a node met in one later declines.
			kind, _, _ := peekKind(nil, arena[from:], false)
			if p.compact = kind != "Node"; p.compact {
				arena = compactJSON(arena, from)
			}
		}
		batch.items = append(batch.items, fastItem{raw: arena[from:len(arena):len(arena)], at: start, line: p.line,
			lineStart: p.lineStart, compact: p.compact})
		if len(arena) >= fastBatchBytes {
			if err := send(); err != nil {
				return n, err
			}
		}
		n++
	}
}

// fastDecoder decodes batches on every CPU and gives them back in the order they were submitted.
type fastDecoder struct {
	commit  func(*fastBatch)
	work    chan *fastBatch
	arenas  chan []byte         // arenas of decoded batches, for the next ones
	spare   chan []snapshot.Pod // pod lists of committed batches, likewise
	pending chan *fastBatch     // submitted and not yet collected, in order: bounds memory
	wg      sync.WaitGroup
}

func newFastDecoder(commit func(*fastBatch)) *fastDecoder {
	workers := runtime.GOMAXPROCS(0)
	d := &fastDecoder{commit: commit, work: make(chan *fastBatch, workers), pending: make(chan *fastBatch, 2*workers),
		arenas: make(chan []byte, 3*workers+1), spare: make(chan []snapshot.Pod, 3*workers+1)}
	d.wg.Add(workers)
	for range workers {
		go func() {
			defer d.wg.Done()
			var ws workerScratch
			for batch := range d.work {
				select {
				case batch.pods = <-d.spare:
				default:
				}
				batch.decode(&ws)
				select {
				case d.arenas <- batch.arena[:0]:
				default:
				}
				batch.arena = nil
				close(batch.done)
			}
		}()
	}
	return d
}

// arena returns an empty buffer for a batch's bytes, at least n long.
func (d *fastDecoder) arena(n int) []byte {
	select {
	case a := <-d.arenas:
		if cap(a) >= n {
			return a
		}
	default:
	}
	return make([]byte, 0, max(fastBatchBytes, n))
}

// workerScratch is what one decoding goroutine reuses from item to item.
type workerScratch struct {
	intern *snapshot.Interner // lives as long as the file: its maps are the snapshot's
	// Decoders over bytes.Buffers read the buffer in place; each is reset for the next item.
	dec, reqDec, peekDec *jsontext.Decoder
	buf, reqBuf, peekBuf bytes.Buffer
	strs                 map[string]string // see workerScratch.string
	pod                  corev1.Pod

	// req holds the raw request inputs of the pod being walked (see fastPod).
	req      [reqInputs][]byte
	reqSet   [reqInputs]bool
	key      []byte
	requests requestCache
}

// submit queues a batch, first waiting for the oldest one when too many are in flight.
func (d *fastDecoder) submit(b *fastBatch) error {
	b.done = make(chan struct{})
	if len(d.pending) == cap(d.pending) {
		if err := d.collect(); err != nil {
			return err
		}
	}
	d.pending <- b
	d.work <- b
	return nil
}

// collect waits for the oldest batch in flight.
func (d *fastDecoder) collect() error {
	b := <-d.pending
	<-b.done
	if b.err != nil {
		return errDecline
	}
	d.commit(b)
	// The builder has copied the pods: the next batch can decode into the same storage.
	clear(b.pods)
	select {
	case d.spare <- b.pods[:0]:
	default:
	}
	return nil
}

// wait hands over the batches still in flight.
func (d *fastDecoder) wait() error {
	for len(d.pending) > 0 {
		if err := d.collect(); err != nil {
			return err
		}
	}
	return nil
}

// stop ends the workers; batches in flight finish first.
func (d *fastDecoder) stop() {
	close(d.work)
	d.wg.Wait()
}

func (b *fastBatch) decode(ws *workerScratch) {
	b.kinds = make([]kubeKind, len(b.items))
	b.other = make([]string, len(b.items))
	for i, it := range b.items {
		kind, apiVersion, ok := peekKind(ws, it.raw, false)
		if !ok {
			b.err = errDecline
			return
		}
		k := kubeKindOf(kind, apiVersion)
		b.kinds[i] = k
		if k == kindOther {
			// Not decoded, so checked here whole: the exact path refuses a file with any bad
			// item, and reads a kind spelled in another case further on.
			if _, _, ok := peekKind(ws, it.raw, true); !ok {
				b.err = errDecline
				return
			}
			b.other[i] = kind
			continue
		}
		var d decoded
		var err error
		if k == kindPod {
			d.kind = k
			d.pod, d.typ, err = fastPod(ws, it.raw)
		} else {
			d, err = decodeAs(k, func(v any) error { return jsonv2.Unmarshal(it.raw, v, fastDecodeOptions) })
		}
		if err != nil || d.typ.Kind != kind || d.typ.APIVersion != apiVersion {
			// A type error, or names the first look read otherwise than encoding/json does
			// (another case, a duplicate): the exact path's to judge.
			b.err = errDecline
			return
		}
		switch k {
		case kindNode:
			if it.compact {
				b.err = errDecline // its position is lost
				return
			}
			n := fastNode{node: d.node}
			n.line, n.col = it.position(nodeNeedle(d.node))
			b.nodes = append(b.nodes, n)
		case kindPod:
			if ws.intern == nil {
				ws.intern = snapshot.NewInterner()
			}
			ws.intern.Pod(&d.pod)
			b.pods = append(b.pods, d.pod)
		case kindPDB:
			b.pdbs = append(b.pdbs, d.pdb)
		default:
			b.workloads = append(b.workloads, d.workload)
		}
	}
	for i := range b.items {
		b.items[i].raw = nil // the arena goes to the next batch
	}
}

// position is where needle (a string value) first occurs in the item, as object.position has it.
func (it fastItem) position(needle string) (line, col int) {
	q, _ := json.Marshal(needle) // marshaling a string cannot fail
	i := max(bytes.Index(it.raw, q), 0)
	before := it.raw[:i]
	line, start := it.line, it.lineStart
	if k := bytes.Count(before, []byte{'\n'}); k > 0 {
		line += k
		start = it.at + int64(bytes.LastIndexByte(before, '\n')) + 1
	}
	return line, int(it.at+int64(i)-start) + 1
}

// compactJSON removes the white space between tokens from the JSON value at b[from:], in place.
func compactJSON(b []byte, from int) []byte {
	out := b[from:from]
	in := false
	for i := from; i < len(b); i++ {
		c := b[i]
		switch {
		case in:
			if c == '\\' && i+1 < len(b) {
				out = append(out, c, b[i+1])
				i++
				continue
			}
			in = c != '"'
		case c == '"':
			in = true
		case isBlank(c):
			continue
		}
		out = append(out, c)
	}
	return b[:from+len(out)]
}

// peekKind reads the kind and apiVersion of an object. kubectl writes them first, so usually
// nothing else is looked at. An object without a kind takes the list's, which is the exact
// path's business.
func peekKind(ws *workerScratch, raw []byte, whole bool) (kind, apiVersion string, ok bool) {
	if ws == nil {
		ws = &workerScratch{}
	}
	dec := ws.walker(raw, &ws.peekDec, &ws.peekBuf).dec
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return "", "", false
	}
	var haveKind, haveVersion bool
	for dec.PeekKind() == '"' && (whole || !(haveKind && haveVersion)) {
		tok, err := dec.ReadToken()
		if err != nil {
			return "", "", false
		}
		switch name := tok.String(); {
		case (name == "kind" && !haveKind) || (name == "apiVersion" && !haveVersion):
			v, err := dec.ReadToken()
			if err != nil || v.Kind() != '"' {
				return "", "", false
			}
			if name == "kind" {
				kind, haveKind = v.String(), true
			} else {
				apiVersion, haveVersion = v.String(), true
			}
		case strings.EqualFold(name, "kind") || strings.EqualFold(name, "apiVersion"):
			// A second one, or one in another case: encoding/json would read it, and the last
			// one wins there. Whole objects only get here; the decode of the others tells.
			return "", "", false
		default:
			if dec.SkipValue() != nil {
				return "", "", false
			}
		}
	}
	if whole {
		if _, err := dec.ReadToken(); err != nil { // the closing brace
			return "", "", false
		}
		if _, err := dec.ReadToken(); err != io.EOF {
			return "", "", false
		}
	}
	return kind, apiVersion, haveKind && kind != ""
}

package gen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// File is one capture file: its name in the output directory and the command whose output it is.
type File struct {
	Name    string
	Command string
	write   func(ctx context.Context, c *Cluster, w io.Writer, workers int) error
}

// Files are the captures WriteDir writes, in the order it writes them.
var Files = []File{
	{"cluster.json", "az aks show -o json", func(_ context.Context, c *Cluster, w io.Writer, _ int) error {
		return writeAz(w, c.ManagedCluster())
	}},
	{"nodepools.json", "az aks nodepool list -o json", func(_ context.Context, c *Cluster, w io.Writer, _ int) error {
		return writeAz(w, c.AgentPools())
	}},
	{"nodes.json", "kubectl get nodes -o json", func(ctx context.Context, c *Cluster, w io.Writer, n int) error {
		return writeList(ctx, w, len(c.Nodes), n, func(i int) (any, error) { return c.node(i, false) })
	}},
	{"pods.json", "kubectl get pods -A -o json", func(ctx context.Context, c *Cluster, w io.Writer, n int) error {
		return writeList(ctx, w, len(c.Pods), n, func(i int) (any, error) { return c.pod(i, false) })
	}},
	{"pdbs.json", "kubectl get pdb -A -o json", func(ctx context.Context, c *Cluster, w io.Writer, n int) error {
		return writeList(ctx, w, len(c.PDBs), n, func(i int) (any, error) { return c.pdb(i) })
	}},
	{"workloads.json", "kubectl get deploy,ds -A -o json", func(ctx context.Context, c *Cluster, w io.Writer, n int) error {
		// kubectl lists the resources in the order asked for: every Deployment, then every DaemonSet.
		deploys, dss := c.Deployments(), c.DaemonSets()
		return writeList(ctx, w, len(deploys)+len(dss), n, func(i int) (any, error) {
			if i < len(deploys) {
				return c.deployment(deploys[i])
			}
			return c.daemonSet(dss[i-len(deploys)])
		})
	}},
}

// WriteStats says what WriteDir wrote.
type WriteStats struct {
	Bytes map[string]int64 // per file name
}

// WriteDir writes every capture file into dir (created if missing). Each file is written to a
// temporary name and renamed when complete, so an interrupted run never leaves a truncated capture
// that looks finished. workers ≤ 0 means one per CPU.
func (c *Cluster) WriteDir(ctx context.Context, dir string, workers int) (WriteStats, error) {
	st := WriteStats{Bytes: map[string]int64{}}
	if err := c.warm(); err != nil {
		return st, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, fmt.Errorf("create output directory: %w", err)
	}
	for _, f := range Files {
		n, err := c.writeFile(ctx, filepath.Join(dir, f.Name), f, workers)
		if err != nil {
			return st, err
		}
		st.Bytes[f.Name] = n
	}
	return st, nil
}

func (c *Cluster) writeFile(ctx context.Context, path string, f File, workers int) (n int64, err error) {
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", f.Name, err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	cw := &countingWriter{w: out}
	bw := bufio.NewWriterSize(cw, 1<<20)
	if err := f.write(ctx, c, bw, workers); err != nil {
		return 0, fmt.Errorf("write %s: %w", f.Name, err)
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("write %s: %w", f.Name, err)
	}
	if err := out.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", f.Name, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, fmt.Errorf("write %s: %w", f.Name, err)
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeAz writes v as the az CLI does: sorted keys, two-space indent, a final newline.
func writeAz(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// The parts of kubectl's List around the items (kubectl get -o json, research: printed with
// json.MarshalIndent(list, "", "    ") and a final newline).
const (
	listHead      = "{\n    \"apiVersion\": \"v1\",\n    \"items\": ["
	listTail      = "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	listEmptyTail = "],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	itemIndent    = "\n        "
)

// chunkSize items are rendered together: large enough to amortize the hand-off between
// goroutines, small enough that the chunks in flight stay a few megabytes.
const chunkSize = 64

type chunk struct {
	first, n int
	buf      []byte
	err      error
	done     chan struct{}
}

// writeList streams a kubectl List of n items, built and rendered by workers goroutines in chunks
// and written in order. Memory stays bounded by the chunks in flight, whatever n is.
func writeList(ctx context.Context, w io.Writer, n, workers int, item func(i int) (any, error)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if _, err := io.WriteString(w, listHead); err != nil {
		return err
	}
	if n == 0 {
		_, err := io.WriteString(w, listEmptyTail)
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel: the workers stop once the producer sees the cancellation
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *chunk)
	order := make(chan *chunk, 2*workers)
	go func() {
		defer close(order)
		defer close(jobs)
		for first := 0; first < n; first += chunkSize {
			ch := &chunk{first: first, n: min(chunkSize, n-first), done: make(chan struct{})}
			select {
			case order <- ch:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- ch:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		wg.Go(func() {
			r := newRenderer()
			for ch := range jobs {
				ch.buf, ch.err = r.render(ctx, ch, item)
				close(ch.done)
			}
		})
	}
	for ch := range order {
		select {
		case <-ch.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if ch.err != nil {
			return ch.err
		}
		if _, err := w.Write(ch.buf); err != nil {
			return err
		}
		putBuf(ch.buf)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := io.WriteString(w, listTail)
	return err
}

type renderer struct {
	enc *json.Encoder
	raw bytes.Buffer
	l   layout
}

func newRenderer() *renderer {
	r := &renderer{}
	r.enc = json.NewEncoder(&r.raw)
	return r
}

// render builds and lays out the items of ch, each preceded by its separator and indentation.
func (r *renderer) render(ctx context.Context, ch *chunk, item func(int) (any, error)) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := getBuf()
	for i := ch.first; i < ch.first+ch.n; i++ {
		v, err := item(i)
		if err != nil {
			return nil, err
		}
		r.raw.Reset()
		if err := r.enc.Encode(v); err != nil {
			return nil, fmt.Errorf("encode item %d: %w", i, err)
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, itemIndent...)
		if out, err = r.l.append(out, bytes.TrimSuffix(r.raw.Bytes(), []byte("\n")), 2); err != nil {
			return nil, fmt.Errorf("lay out item %d: %w", i, err)
		}
	}
	return out, nil
}

// bufPool recycles chunk buffers (about 500 KB of pods each).
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

func getBuf() []byte  { return (*bufPool.Get().(*[]byte))[:0] }
func putBuf(b []byte) { bufPool.Put(&b) }

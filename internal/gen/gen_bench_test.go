package gen

import (
	"bytes"
	"encoding/json"
	"testing"
)

// BenchmarkPod builds pods of the Small cluster (typed objects only).
func BenchmarkPod(b *testing.B) {
	c, err := New(Small)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c.Pod(i % len(c.Pods))
	}
}

// BenchmarkRenderPod builds, encodes and lays out pods as WriteDir does.
func BenchmarkRenderPod(b *testing.B) {
	c, err := New(Small)
	if err != nil {
		b.Fatal(err)
	}
	r := newRenderer()
	var out []byte
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r.raw.Reset()
		if err := r.enc.Encode(c.Pod(i % len(c.Pods))); err != nil {
			b.Fatal(err)
		}
		out, err = r.l.append(out[:0], bytes.TrimSpace(r.raw.Bytes()), 2)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}

// BenchmarkMarshalIndentPod is the alternative layout: what kubectl itself does, decoding the
// server's JSON into maps and re-encoding them with json.MarshalIndent.
func BenchmarkMarshalIndentPod(b *testing.B) {
	c, err := New(Small)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		raw, err := json.Marshal(c.Pod(i % len(c.Pods)))
		if err != nil {
			b.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			b.Fatal(err)
		}
		out, err := json.MarshalIndent(m, "        ", "    ")
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}

// BenchmarkLayoutPod is the layout alone, on pods encoded beforehand.
func BenchmarkLayoutPod(b *testing.B) {
	c, err := New(Small)
	if err != nil {
		b.Fatal(err)
	}
	raws := make([][]byte, 500)
	for i := range raws {
		if raws[i], err = json.Marshal(c.Pod(i * len(c.Pods) / len(raws))); err != nil {
			b.Fatal(err)
		}
	}
	var l layout
	var out []byte
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if out, err = l.append(out[:0], raws[i%len(raws)], 2); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}

package files

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/snapshot"
)

// TestStreamLargeList reads a kubectl list of 20,000 pods and checks that the reader never held
// more than a sliver of the file: lists are decoded one item at a time.
func TestStreamLargeList(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 20,000-pod list")
	}
	// The exact path keeps one item at a time; the fast path one read chunk and the item that
	// straddles its end (plus fastChunks chunks and a few batches in flight, also fixed sizes),
	// so its list must be several chunks long to show it streams.
	for _, tc := range []struct {
		name      string
		fastMin   int64
		pods      int
		racePods  int // -race would take a minute for 20,000 on the exact path
		limit     int
		sizeShare int64 // at most this share of the file kept
	}{
		{"exact", math.MaxInt64, 20000, 2000, 256 << 10, 50},
		{"fast", 0, 20000, 10000, fastChunkSize + 64<<10, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pods := tc.pods
			if raceDetector {
				pods = tc.racePods
			}
			path := filepath.Join(t.TempDir(), "pods.json")
			size := writePodList(t, path, pods)
			b := newBuilder()
			b.fastMin = tc.fastMin
			if err := b.readFile(context.Background(), newInputFS(nil), path); err != nil {
				t.Fatal(err)
			}
			s, err := b.finish(Options{Now: func() time.Time { return testNow }})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Pods) != pods {
				t.Errorf("read %d pods; want %d", len(s.Pods), pods)
			}
			if got := s.Provenance.Sources[0].Objects[snapshot.KindPods]; got != pods {
				t.Errorf("provenance counts %d pods; want %d", got, pods)
			}
			if !s.Coverage.Has(snapshot.KindPods) {
				t.Errorf("pods coverage = %+v; want present and complete", s.Coverage[snapshot.KindPods])
			}
			kept := b.sources[0].peakKept
			t.Logf("file %d bytes, at most %d bytes kept", size, kept)
			if kept > tc.limit || int64(kept) > size/tc.sizeShare {
				t.Errorf("kept up to %d bytes of a %d-byte file; the list is not being streamed", kept, size)
			}
		})
	}
}

// writePodList writes a kubectl-style list (apiVersion, items, kind, metadata, in that order).
func writePodList(t *testing.T, path string, n int) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n")
	for i := range n {
		if i > 0 {
			fmt.Fprint(w, ",\n")
		}
		ns := "shop"
		if i%10 == 0 {
			ns = "kube-system"
		}
		fmt.Fprintf(w, `        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "labels": {"app": "web", "pod-template-hash": "7d9f8c6b5"},
                "name": "web-7d9f8c6b5-%06d",
                "namespace": %q,
                "ownerReferences": [{"apiVersion": "apps/v1", "controller": true, "kind": "ReplicaSet", "name": "web-7d9f8c6b5", "uid": "u"}]
            },
            "spec": {
                "containers": [{"name": "web", "image": "web:1", "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}}],
                "nodeName": "aks-apps-73016294-vmss%06d"
            },
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        }`, i, ns, i%40)
	}
	fmt.Fprint(w, "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

package files

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/syspool/syspool/internal/gen"
	"github.com/syspool/syspool/internal/snapshot"
)

// collectPath reads paths with the fast path tried on every file (fast) or on none.
func collectPath(fsys fs.FS, fast bool, paths ...string) (*snapshot.Snapshot, error) {
	c := New(Options{FS: fsys, Paths: paths, Now: func() time.Time { return testNow }})
	c.fastMin = math.MaxInt64
	if fast {
		c.fastMin = 0
	}
	return c.Collect(context.Background())
}

// sameResult fails unless both reads gave the same snapshot, byte for byte once encoded, or the
// same error.
func sameResult(t *testing.T, fsys fs.FS, paths ...string) *snapshot.Snapshot {
	t.Helper()
	exact, exactErr := collectPath(fsys, false, paths...)
	fast, fastErr := collectPath(fsys, true, paths...)
	if exactErr != nil || fastErr != nil {
		if exactErr == nil || fastErr == nil || exactErr.Error() != fastErr.Error() {
			t.Fatalf("exact path: %v\nfast path: %v", exactErr, fastErr)
		}
		return nil
	}
	var a, b bytes.Buffer
	if err := snapshot.Encode(&a, exact); err != nil {
		t.Fatal(err)
	}
	if err := snapshot.Encode(&b, fast); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("the fast path's snapshot differs from the exact path's:\nexact: %.2000s\nfast:  %.2000s", a.Bytes(), b.Bytes())
	}
	return exact
}

// TestFastMatchesExact reads every test input, and a generated cluster, both ways.
func TestFastMatchesExact(t *testing.T) {
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".golden") || strings.HasSuffix(path, ".md") {
			return err
		}
		t.Run(path, func(t *testing.T) { sameResult(t, osFS{}, path) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := genDir(t, gen.Params{Nodes: 30, Pods: 600, Pools: 4, Seed: 7})
	s := sameResult(t, osFS{}, dir)
	if len(s.Pods) != 600 || len(s.Nodes) != 30 {
		t.Fatalf("read %d pods and %d nodes, want 600 and 30", len(s.Pods), len(s.Nodes))
	}
	// And the fast path did read the lists, rather than decline them all.
	for _, name := range []string{"pods.json", "nodes.json", "pdbs.json", "workloads.json"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b := newBuilder()
		if err := b.readFast(context.Background(), f, name, 0); err != nil {
			t.Errorf("%s: fast path: %v", name, err)
		}
		f.Close()
	}
}

// TestFastDeclines lists inputs the fast path must leave to the exact path, and checks that the
// result is still the exact path's.
func TestFastDeclines(t *testing.T) {
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"},"spec":{"nodeName":"x"}}`
	for name, doc := range map[string]string{
		"two documents":      `{"kind":"List","items":[` + pod + `]}` + "\n" + `{"kind":"List","items":[` + pod + `]}`,
		"syntax error":       `{"kind":"List","items":[` + pod + `,}]}`,
		"bad item":           `{"kind":"List","items":[` + pod + `,{"apiVersion":"v1","kind":"Pod","spec":{"nodeName":5}}]}`,
		"no kind":            `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"p"}}]}`,
		"kind in other case": `{"kind":"List","items":[{"apiVersion":"v1","kind":"Pod","KIND":"Node","metadata":{"name":"p"}}]}`,
		"duplicate kind":     `{"kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"kind":"Node"}]}`,
		"value list":         `{"value":[]}`,
		"empty list":         `{"kind":"NodeList","apiVersion":"v1","items":[]}`,
		"item not an object": `{"kind":"List","items":[` + pod + `,5]}`,
		"cut short":          `{"kind":"List","items":[` + pod,
		"bad quantity":       `{"kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"lots"}}}]}}]}`,
		"escaped quote":      `{"kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p\"}\\","namespace":"a\\\\"}}]}`,
		"bom":                "\xef\xbb\xbf" + `{"kind":"List","items":[` + pod + `]}`,
		"trailing garbage":   `{"kind":"List","items":[` + pod + `]} x`,
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"in.json": {Data: []byte(doc)}}
			sameResult(t, fsys, "in.json")
		})
	}
}

// TestFastReadError names the file when it cannot be read to the end.
func TestFastReadError(t *testing.T) {
	b := newBuilder()
	err := b.readFast(context.Background(), &failingReader{data: []byte(`{"kind":"List","items":[`)}, "in.json", 0)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Path != "in.json" || !strings.Contains(ie.Msg, "cannot read") {
		t.Fatalf("got %v, want an InputError saying in.json cannot be read", err)
	}
}

type failingReader struct{ data []byte }

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// FuzzFastMatchesExact: whatever the bytes, the fast path gives the exact path's result. The
// seeds are small on purpose: the fuzzer mutates them thousands of times a second.
func FuzzFastMatchesExact(f *testing.F) {
	for _, s := range []string{
		`{"apiVersion": "v1", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "n", "labels": {"a": "b"}, "ownerReferences": [{"kind": "ReplicaSet", "name": "r", "controller": true}]}, "spec": {"nodeName": "x", "tolerations": [{"key": "k", "operator": "Exists", "tolerationSeconds": 300}], "containers": [{"name": "c", "resources": {"requests": {"cpu": "100m", "memory": "1Gi"}}}]}, "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}], "containerStatuses": [{"restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}], "kind": "List"}`,
		`{"apiVersion":"v1","items":[{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"}}],"kind":"List"}`,
		`{"items":[{"kind":"Node","apiVersion":"v1","metadata":{"name":"n","labels":{"a":"b"}},"status":{"capacity":{"cpu":"2"}}}]}`,
		`{"items":[{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"d"},"spec":{"replicas":2}},{"kind":"Service","apiVersion":"v1"}]}`,
		`{"items":[{"kind":"PodDisruptionBudget","apiVersion":"policy/v1","metadata":{"name":"b"},"spec":{"maxUnavailable":"10%"}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameResult(t, fstest.MapFS{"in": {Data: data}}, "in")
	})
}

// TestWalkPodMatchesUnmarshal: the hand walk of a pod gives what jsonv2.Unmarshal gives, and
// fastPod, which decodes the request inputs of a pod only when the pod before it had others,
// converts every pod as decoding it whole and converting does.
func TestWalkPodMatchesUnmarshal(t *testing.T) {
	dir := genDir(t, gen.Params{Nodes: 30, Pods: 600, Pools: 4, Seed: 3})
	items := podListItems(t, dir)
	if len(items) != 600 {
		t.Fatalf("%d items in pods.json, want 600", len(items))
	}
	items = append(items,
		jsontext.Value(`{"kind":"Pod","spec":{"containers":[],"initContainers":null},"status":{"conditions":[]}}`),
		jsontext.Value(`{"kind":"Pod","metadata":{"labels":{},"ownerReferences":[{"controller":null,"uid":"u"}],"creationTimestamp":null},"spec":{"nodeSelector":null,"tolerations":[{"tolerationSeconds":null}],"containers":[{"resources":{"requests":{"cpu":null,"memory":1},"limits":{}}}]}}`),
		jsontext.Value(`{"kind":"Pod","spec":{"containers":[{"resources":{"requests":{"cpu":"1"}}}],"overhead":{"cpu":"250m"}}}`),
		jsontext.Value(`{"kind":"Pod","spec":{"containers":[{"resources":{"requests":{"cpu":"1"}}}],"overhead":null}}`),
		jsontext.Value(`{"kind":"Pod","spec":{"containers":[{"resources":{"requests":{"cpu":"1"}}}],"initContainers":[{"restartPolicy":"Always","resources":{"requests":{"cpu":"2"}}}]}}`),
		jsontext.Value(`{"kind":"Pod","metadata":null,"spec":{"containers":[{"name":"a","resources":null}]},"status":{"conditions":null,"containerStatuses":[{"state":{"waiting":{"reason":"x"}}}]}}`),
	)
	var ws workerScratch // reused, as the decoding goroutines reuse theirs
	for i, raw := range items {
		want, wantErr := unmarshalPod(raw)
		got, err := walkPod(&ws, raw)
		if wantErr != nil || err != nil {
			t.Fatalf("item %d: Unmarshal: %v; walk: %v", i, wantErr, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("item %d: walk gave\n%+v\nUnmarshal gave\n%+v", i, got, want)
		}
	}
	// Twice over the pods, so that the second pass takes every request from the cache.
	for pass := range 2 {
		for i, raw := range items {
			want, err := unmarshalPod(raw)
			if err != nil {
				t.Fatal(err)
			}
			got, typ, err := fastPod(&ws, raw)
			if err != nil || typ != want.narrowType {
				t.Fatalf("pass %d, item %d: fastPod: %v, %+v", pass, i, err, typ)
			}
			if w := convertPod(want.toAPI()); !reflect.DeepEqual(got, w) {
				t.Fatalf("pass %d, item %d: fastPod gave\n%+v\nthe converter\n%+v", pass, i, got, w)
			}
		}
	}
}

func unmarshalPod(raw []byte) (narrowPod, error) {
	var p narrowPod
	err := jsonv2.Unmarshal(raw, &p, fastDecodeOptions)
	return p, err
}

// TestFastRollback: a list the fast path declines after it has handed batches to the builder is
// taken out again, so the exact path's result is the same as if the fast path had never tried.
func TestFastRollback(t *testing.T) {
	dir := genDir(t, gen.Params{Nodes: 30, Pods: 600, Pools: 4, Seed: 5})
	pods, err := os.ReadFile(filepath.Join(dir, "pods.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pods) < 4*fastBatchBytes {
		t.Fatalf("pods.json is %d bytes, too few batches to test with", len(pods))
	}
	last := bytes.LastIndex(pods, []byte(`"kind": "Pod"`))
	for name, edit := range map[string]func([]byte) []byte{
		// encoding/json matches "KIND" to kind, the first look does not: declined, read anyway.
		"accepted by the exact path": func(b []byte) []byte {
			return append(b[:last:last], append([]byte(`"KIND": "Pod", `), b[last:]...)...)
		},
		// A type error in the last pod: declined, and the exact path says where.
		"refused by the exact path": func(b []byte) []byte {
			return append(b[:last:last], append([]byte(`"spec": 5, `), b[last:]...)...)
		},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"a-nodes.json": {Data: mustRead(t, filepath.Join(dir, "nodes.json"))},
				"b-pods.json":  {Data: edit(bytes.Clone(pods))},
				"c-pdbs.json":  {Data: mustRead(t, filepath.Join(dir, "pdbs.json"))},
			}
			sameResult(t, fsys, "a-nodes.json", "b-pods.json", "c-pdbs.json")
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFastCancelled: cancelling half way through a large list ends the read with the context's
// error, neither a snapshot of what was read so far nor a second read by the exact path.
func TestFastCancelled(t *testing.T) {
	dir := genDir(t, gen.Params{Nodes: 30, Pods: 600, Pools: 4, Seed: 5})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fsys := &cancellingFS{FS: os.DirFS(dir), after: 2 << 20, cancel: cancel}
	col := New(Options{FS: fsys, Paths: []string{"pods.json"}, Now: func() time.Time { return testNow }})
	col.fastMin = 0
	if _, err := col.Collect(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if fsys.opens != 1 {
		t.Errorf("the file was opened %d times; a cancelled read must not start over", fsys.opens)
	}
}

// cancellingFS cancels a context once after bytes have been read from its files.
type cancellingFS struct {
	fs.FS
	after  int
	cancel func()
	opens  int
}

func (c *cancellingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

func (c *cancellingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	c.opens++
	return &cancellingFile{File: f, fsys: c}, err
}

type cancellingFile struct {
	fs.File
	fsys *cancellingFS
	read int
}

func (f *cancellingFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.read += n
	if f.read >= f.fsys.after {
		f.fsys.cancel()
	}
	return n, err
}

// genDir writes a generated cluster's capture files into a temporary directory.
func genDir(tb testing.TB, p gen.Params) string {
	tb.Helper()
	c, err := gen.New(p)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	if _, err := c.WriteDir(context.Background(), dir, 0); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// podListItems returns the items of dir's pods.json as kubectl lays them out.
func podListItems(tb testing.TB, dir string) []jsontext.Value {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "pods.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var list struct {
		Items []jsontext.Value `json:"items"`
	}
	if err := jsonv2.Unmarshal(data, &list); err != nil {
		tb.Fatal(err)
	}
	return list.Items
}

// walkPod is the whole walk of a pod, request inputs decoded too: what the tests hold to
// jsonv2.Unmarshal. fastPod decodes the request inputs only when it has no identical replica's.
func walkPod(ws *workerScratch, raw []byte) (narrowPod, error) {
	p, err := walkPodNoRequests(ws, raw)
	if err == nil {
		err = ws.decodeRequestInputs(&p)
	}
	return p, err
}

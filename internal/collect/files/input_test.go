package files

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/snapshot"
)

func readTestdata(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func collectFS(t *testing.T, fsys fstest.MapFS, paths ...string) (*snapshot.Snapshot, error) {
	t.Helper()
	return New(Options{FS: fsys, Paths: paths, Now: func() time.Time { return testNow }}).Collect(context.Background())
}

// TestEncodings reads the same capture as Windows tools write it.
func TestEncodings(t *testing.T) {
	plain := readTestdata(t, "testdata/az/nodepool-list.json")
	utf16le := func(b []byte, bigEndian bool) []byte {
		out := []byte{0xFF, 0xFE}
		if bigEndian {
			out = []byte{0xFE, 0xFF}
		}
		for _, u := range utf16.Encode([]rune(string(b))) {
			if bigEndian {
				out = append(out, byte(u>>8), byte(u))
			} else {
				out = append(out, byte(u), byte(u>>8))
			}
		}
		return out
	}
	want, err := collectFS(t, fstest.MapFS{"pools.json": {Data: plain}}, "pools.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"utf-8 with BOM": append([]byte{0xEF, 0xBB, 0xBF}, plain...),
		"utf-16le":       utf16le(plain, false),
		"utf-16be":       utf16le(plain, true),
		"crlf":           bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n")),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := collectFS(t, fstest.MapFS{"pools.json": {Data: data}}, "pools.json")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Pools, got.Pools); diff != "" {
				t.Errorf("pools (-utf8 +%s):\n%s", name, diff)
			}
		})
	}
	t.Run("utf-16 error positions", func(t *testing.T) {
		bad := bytes.Replace(plain, []byte(`"count": 4`), []byte(`"count": 4,,`), 1)
		_, err := collectFS(t, fstest.MapFS{"pools.json": {Data: utf16le(bad, false)}}, "pools.json")
		_, err8 := collectFS(t, fstest.MapFS{"pools.json": {Data: bad}}, "pools.json")
		if err == nil || err8 == nil || err.Error() != err8.Error() {
			t.Errorf("UTF-16 error %v; want the UTF-8 one, %v", err, err8)
		}
	})
}

// TestWalk checks the directory walk: sorted, recursive, notes and hidden files left out, a file
// named twice read once, and explicit files always read.
func TestWalk(t *testing.T) {
	fsys := fstest.MapFS{
		"cap/b-nodes.json":        {Data: readTestdata(t, "testdata/kube/nodes.json")},
		"cap/a-pools.json":        {Data: readTestdata(t, "testdata/az/nodepool-list.json")},
		"cap/README.md":           {Data: []byte("# not JSON")},
		"cap/notes.MD":            {Data: []byte("not JSON")},
		"cap/.DS_Store":           {Data: []byte{0, 1, 2}},
		"cap/.git/config":         {Data: []byte("[core]")},
		"cap/sub/c-pods.yaml":     {Data: readTestdata(t, "testdata/kube/pods-kube-system.yaml")},
		"cap/README-capture.txt":  {Data: []byte("how these were taken")},
		"extra/.hidden-pdbs.json": {Data: readTestdata(t, "testdata/kube/pdbs.json")},
	}
	s, err := collectFS(t, fsys, "cap", "cap/a-pools.json", "extra/.hidden-pdbs.json")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, src := range s.Provenance.Sources {
		got = append(got, src.Path)
	}
	want := []string{"cap/a-pools.json", "cap/b-nodes.json", "cap/sub/c-pods.yaml", "extra/.hidden-pdbs.json"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"no paths", nil, "no input files given; pass az, ARM or kubectl JSON/YAML files or directories"},
		{"missing", []string{"nope.json"}, "nope.json: cannot read: file does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := collectFS(t, fsys, tc.paths...)
			var ie *InputError
			if !errors.As(err, &ie) || err.Error() != tc.want {
				t.Errorf("error %v; want InputError %q", err, tc.want)
			}
		})
	}
}

// TestJSONStream reads values appended one after another (`kubectl get ... -o json >> capture`).
func TestJSONStream(t *testing.T) {
	var data []byte
	for _, p := range []string{"testdata/kube/nodes.json", "testdata/kube/pods-all.json", "testdata/az/aks-show.json"} {
		data = append(data, readTestdata(t, p)...)
	}
	s, err := collectFS(t, fstest.MapFS{"all.json": {Data: data}}, "all.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Nodes) != 5 || len(s.Pods) != 10 || len(s.Pools) != 2 || s.Cluster.Name == "" {
		t.Errorf("read %d nodes, %d pods, %d pools, cluster %q; want 5, 10, 2 and the cluster",
			len(s.Nodes), len(s.Pods), len(s.Pools), s.Cluster.Name)
	}
	if got, want := s.Provenance.Sources[0].Kind, "kubectl list + az aks show"; got != want {
		t.Errorf("source kind %q; want %q", got, want)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New(Options{Paths: []string{"testdata/az"}}).Collect(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v; want context.Canceled", err)
	}
}

func TestParseTaint(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    snapshot.Taint
		wantErr string
	}{
		{in: "CriticalAddonsOnly=true:NoSchedule", want: snapshot.Taint{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}},
		{in: "dedicated:NoExecute", want: snapshot.Taint{Key: "dedicated", Effect: "NoExecute"}},
		{in: "kubernetes.azure.com/scalesetpriority=spot:NoSchedule",
			want: snapshot.Taint{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: "NoSchedule"}},
		{in: "sku=gpu:prefernoschedule", want: snapshot.Taint{Key: "sku", Value: "gpu", Effect: "PreferNoSchedule"}},
		{in: "CriticalAddonsOnly=true", wantErr: "it has no :Effect"},
		{in: "=true:NoSchedule", wantErr: "the key is empty"},
		{in: "a=b:Sometimes", wantErr: `unknown effect "Sometimes"`},
		{in: "bad key=v:NoSchedule", wantErr: `bad key "bad key"`},
		{in: "k=bad value:NoSchedule", wantErr: `bad value "bad value"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseTaint(tc.in)
			if tc.wantErr != "" {
				if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.wantErr)) {
					t.Errorf("error %v; want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestParseID(t *testing.T) {
	got := parseID("/subscriptions/s1/resourcegroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1/agentPools/p1")
	want := resourceID{Subscription: "s1", ResourceGroup: "rg1", Cluster: "c1", Pool: "p1"}
	if got != want {
		t.Errorf("got %+v; want %+v", got, want)
	}
	if a, b := parseID("/subscriptions/S1/resourceGroups/RG1/providers/Microsoft.ContainerService/managedClusters/C1"),
		parseID("/subscriptions/s1/resourcegroups/rg1/providers/microsoft.containerservice/managedclusters/c1/agentPools/x"); a.clusterKey() != b.clusterKey() {
		t.Errorf("keys %q and %q differ; ARM ids compare case-insensitively", a.clusterKey(), b.clusterKey())
	}
}

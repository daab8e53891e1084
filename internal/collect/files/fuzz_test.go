package files

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/syspool/syspool/internal/snapshot"
)

// addSeeds adds every input under testdata (captures, bad inputs, one snapshot) as a seed.
func addSeeds(f *testing.F) {
	f.Helper()
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "fuzz":
			return filepath.SkipDir
		case d.IsDir() || strings.HasSuffix(path, ".golden") || strings.HasSuffix(path, ".md"):
			return nil
		case filepath.Dir(path) == filepath.Join("testdata", "golden") && d.Name() != "az-aks-show.json":
			return nil // one snapshot is enough of a seed
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f.Add(b)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
}

// FuzzDetectAndRead feeds arbitrary bytes to the reader: it must return a snapshot or an
// *InputError, never panic, never another kind of error.
func FuzzDetectAndRead(f *testing.F) {
	addSeeds(f)
	// Small seeds let the fuzzer reach every branch quickly; the captures above are large.
	for _, s := range []string{
		`{"apiVersion":"v1","items":[{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"}}],"kind":"List"}`,
		`{"kind":"NodeList","apiVersion":"v1","items":[{"metadata":{"name":"n","labels":{"agentpool":"a"}}}]}`,
		`[{"name":"sys","vmSize":"x","mode":"System","nodeTaints":["a=b:NoSchedule"]}]`,
		`{"value":[{"id":"/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/c/agentPools/p","name":"p","type":"Microsoft.ContainerService/managedClusters/agentPools","properties":{"vmSize":"x"}}]}`,
		`{"name":"c","properties":{"agentPoolProfiles":[{"name":"p","count":1}],"nodeResourceGroup":"MC"}}`,
		"kind: Pod\napiVersion: v1\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    resources:\n      requests:\n        cpu: 1\n",
		"---\nkind: List\napiVersion: v1\nitems: []\n---\n# c\n...\n",
		`{"schemaVersion":1,"cluster":{}}`,
		"\xff\xfe{\x00}\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := collectFS(t, fstest.MapFS{"in": {Data: data}}, "in")
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError: %v", err, err)
			}
			if ie.Path != "in" || ie.Msg == "" || ie.Line < 0 || ie.Col < 0 {
				t.Fatalf("malformed InputError %#v", ie)
			}
			return
		}
		if err := snapshot.Encode(&bytes.Buffer{}, s); err != nil {
			t.Fatalf("snapshot does not encode: %v", err)
		}
	})
}

// FuzzTaint checks that any taint string either parses to something that prints back the same
// way or is refused.
func FuzzTaint(f *testing.F) {
	for _, s := range []string{"CriticalAddonsOnly=true:NoSchedule", "a:NoExecute", "x=:PreferNoSchedule", "=:", ":", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tn, err := parseTaint(s)
		if err != nil {
			return
		}
		back, err := parseTaint(tn.String())
		if err != nil || back != tn {
			t.Fatalf("%q parsed to %+v, which prints as %q and reparses to %+v, %v", s, tn, tn.String(), back, err)
		}
	})
}

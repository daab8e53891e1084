package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/syspool/syspool/internal/golden"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/syspool/syspool/internal/report"
)

// The bundled examples are the README's promise: each story prints its inventory, placement and
// findings and exits with the code a pipeline would see.
var exampleExits = map[string]ExitCode{
	"shared-pool":      ExitFindings,
	"bursty-untainted": ExitFindings,
	"gpu-addons":       ExitFindings,
	"stopped":          ExitFindings,
	"automatic":        ExitOK,
	"healthy":          ExitOK,
}

func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "examples", "*"))
	if err != nil {
		t.Fatal(err)
	}
	schema := reportSchema(t)
	seen := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		name := filepath.Base(dir)
		want, ok := exampleExits[name]
		if !ok {
			t.Errorf("example %s has no expected exit code in exampleExits", name)
			continue
		}
		seen++
		t.Run(name, func(t *testing.T) {
			code, out, errOut := run(t, "check", dir, "--now", "2026-11-27")
			if ExitCode(code) != want {
				t.Errorf("exit %d, want %d; stderr: %s", code, want, errOut)
			}
			golden.File(t, "examples/"+name+".txt", []byte(out))

			code, out, errOut = run(t, "check", dir, "--now", "2026-11-27", "-o", "json")
			if ExitCode(code) != want {
				t.Errorf("-o json: exit %d, want %d; stderr: %s", code, want, errOut)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(out)))
			if err != nil {
				t.Fatalf("-o json is not JSON: %v", err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("-o json does not validate against docs/report.schema.json: %v", err)
			}
			var doc report.Document
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Kind != report.DocumentKind || len(doc.Findings) == 0 {
				t.Errorf("report kind %q with %d findings", doc.Kind, len(doc.Findings))
			}
		})
	}
	if seen != len(exampleExits) {
		t.Errorf("found %d example directories, want %d", seen, len(exampleExits))
	}
}

func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("docs/report.schema.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatalf("compile docs/report.schema.json: %v", err)
	}
	return s
}

// Package report renders a run (the snapshot and the rule report) in each output format. One file
// per format; every writer is deterministic for the same input, with timestamps only in headers.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Input is what every writer renders.
type Input struct {
	Snapshot *snapshot.Snapshot
	Report   *rule.Report
	// Catalog is the full rule list, for formats that embed rule metadata (SARIF).
	Catalog []rule.Rule
	// FailOn is the severity at or above which unwaived failures fail the run.
	FailOn rule.Severity
}

// Options tune the human formats.
type Options struct {
	Color bool
	// Verbose lists passing and skipped results too, not just their counts.
	Verbose bool
}

// Writer renders one format.
type Writer func(w io.Writer, in Input, opts Options) error

// Formats maps each -o value to its writer.
var formats = map[string]Writer{
	"table": Table,
	"json":  JSON,
	"yaml":  YAML,

	// CI and change-ticket formats.
	"sarif":    SARIF,
	"junit":    JUnit,
	"markdown": Markdown,
}

// Names lists the valid format names, sorted.
func Names() []string {
	out := make([]string, 0, len(formats))
	for k := range formats {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the writer for name or an error listing the valid names.
func Lookup(name string) (Writer, error) {
	w, ok := formats[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown output format %q (valid: %s)", name, strings.Join(Names(), ", "))
	}
	return w, nil
}

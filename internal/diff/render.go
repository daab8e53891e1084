package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Formats are the output formats of a diff.
var Formats = []string{"table", "json", "markdown"}

// SchemaVersion and Kind mark the JSON form of a diff.
const (
	SchemaVersion = 1
	Kind          = "SyspoolDiff"
)

// Document is the JSON form of a diff.
type Document struct {
	SchemaVersion int    `json:"schemaVersion"`
	Kind          string `json:"kind"`
	Result
}

// Write renders r in one of Formats.
func Write(w io.Writer, format string, r Result) error {
	switch strings.ToLower(format) {
	case "table":
		return Text(w, r)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(Document{SchemaVersion: SchemaVersion, Kind: Kind, Result: r})
	case "markdown", "md":
		return Markdown(w, r)
	}
	return fmt.Errorf("unknown output format %q (valid: %s)", format, strings.Join(Formats, ", "))
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, a ...any) { fmt.Fprintf(e, format, a...) }

// Text writes the diff for a terminal: one section per kind of change, "+" added, "-" removed,
// "~" changed, then a one-line summary.
func Text(w io.Writer, r Result) error {
	ew := &errWriter{w: w}
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "before\t%s\t%s\t%s\t%s\n", r.Before.Label, dash(r.Before.Cluster), dash(short(r.Before.Digest)), timeText(r.Before.Time))
	fmt.Fprintf(tw, "after\t%s\t%s\t%s\t%s\n", r.After.Label, dash(r.After.Cluster), dash(short(r.After.Digest)), timeText(r.After.Time))
	ew.err = first(ew.err, tw.Flush())
	for _, warn := range r.Warnings {
		ew.printf("\nWARNING: %s\n", warn)
	}

	ew.printf("\nCLUSTER\n")
	if len(r.Cluster) == 0 {
		ew.printf("  (no changes)\n")
	}
	writeChanges(ew, "  ", r.Cluster)

	ew.printf("\nPOOLS\n")
	if len(r.PoolsAdded)+len(r.PoolsRemoved)+len(r.PoolsChanged) == 0 {
		ew.printf("  (no changes)\n")
	}
	for _, p := range r.PoolsAdded {
		ew.printf("  + %s (%s)\n", p.Name, poolBrief(p))
	}
	for _, p := range r.PoolsRemoved {
		ew.printf("  - %s (%s)\n", p.Name, poolBrief(p))
	}
	for _, p := range r.PoolsChanged {
		ew.printf("  ~ %s\n", p.Name)
		writeChanges(ew, "      ", p.Changes)
	}

	ew.printf("\nNODES\n")
	switch {
	case !r.NodesCompared:
		ew.printf("  (not compared: a side has no node list; reports carry none, use snapshots)\n")
	case len(r.NodesAdded)+len(r.NodesRemoved) == 0:
		ew.printf("  (no changes)\n")
	}
	for _, n := range r.NodesAdded {
		ew.printf("  + %s (%s)\n", n.Name, dash(n.Pool))
	}
	for _, n := range r.NodesRemoved {
		ew.printf("  - %s (%s)\n", n.Name, dash(n.Pool))
	}

	ew.printf("\nKUBE-SYSTEM PLACEMENT\n")
	switch {
	case !r.PlacementCompared:
		ew.printf("  (not compared: a side has no node or kube-system pod data)\n")
	case len(r.Moved) == 0:
		ew.printf("  (no workload moved)\n")
	}
	tw = tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	for _, m := range r.Moved {
		fmt.Fprintf(tw, "  %s\t%s -> %s\n", m.Workload, placementText(m.Before, m.Counted), placementText(m.After, m.Counted))
	}
	ew.err = first(ew.err, tw.Flush())

	ew.printf("\nFINDINGS\n")
	switch {
	case !r.FindingsCompared:
		ew.printf("  (not compared: a side has no findings)\n")
	case len(r.New)+len(r.Resolved)+len(r.Changed) == 0:
		ew.printf("  (no new, resolved or changed findings)\n")
	}
	tw = tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	for _, f := range r.New {
		fmt.Fprintf(tw, "  NEW\t%s\t%s\t%s\t%s\t%s\n", f.Status, f.Severity, f.RuleID, f.Resource, f.Message)
	}
	for _, x := range r.Resolved {
		f := x.Finding
		fmt.Fprintf(tw, "  RESOLVED\t%s\t%s\t%s\t%s\tnow %s\n", f.Status, f.Severity, f.RuleID, f.Resource, x.Now)
	}
	for _, c := range r.Changed {
		f := c.After
		fmt.Fprintf(tw, "  CHANGED\t%s\t%s\t%s\t%s\t%s\n", f.Status, f.Severity, f.RuleID, f.Resource, strings.Join(c.What, "; "))
	}
	ew.err = first(ew.err, tw.Flush())
	ew.printf("\nSummary: %s\n", Summary(r))
	return ew.err
}

func writeChanges(ew *errWriter, indent string, cs []FieldChange) {
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	for _, c := range cs {
		fmt.Fprintf(tw, "%s%s\t%s -> %s\n", indent, c.Field, none(c.Before), none(c.After))
	}
	ew.err = first(ew.err, tw.Flush())
}

// Summary is the one-line account of a diff.
func Summary(r Result) string {
	if r.Empty() {
		return "no changes"
	}
	var parts []string
	if n := len(r.Cluster); n > 0 {
		parts = append(parts, plural(n, "cluster setting")+" changed")
	}
	if n := len(r.PoolsAdded) + len(r.PoolsRemoved) + len(r.PoolsChanged); n > 0 {
		parts = append(parts, fmt.Sprintf("pools: %d added, %d removed, %d changed", len(r.PoolsAdded), len(r.PoolsRemoved), len(r.PoolsChanged)))
	}
	if r.NodesCompared && len(r.NodesAdded)+len(r.NodesRemoved) > 0 {
		parts = append(parts, fmt.Sprintf("nodes: %d added, %d removed", len(r.NodesAdded), len(r.NodesRemoved)))
	}
	if len(r.Moved) > 0 {
		parts = append(parts, plural(len(r.Moved), "kube-system workload")+" moved")
	}
	if r.FindingsCompared {
		parts = append(parts, fmt.Sprintf("findings: %d new, %d resolved, %d changed, %d unchanged", len(r.New), len(r.Resolved), len(r.Changed), r.Unchanged))
	}
	return strings.Join(parts, "; ")
}

// Markdown writes the diff for a change ticket or pull request comment.
func Markdown(w io.Writer, r Result) error {
	ew := &errWriter{w: w}
	ew.printf("# syspool diff: %s\n\n", md(firstNonEmpty(r.After.Cluster, r.Before.Cluster, "cluster")))
	ew.printf("| | Source | Cluster | Digest | Time |\n|---|---|---|---|---|\n")
	ew.printf("| **Before** | %s | %s | %s | %s |\n", code(r.Before.Label), md(dash(r.Before.Cluster)), code(r.Before.Digest), timeText(r.Before.Time))
	ew.printf("| **After** | %s | %s | %s | %s |\n", code(r.After.Label), md(dash(r.After.Cluster)), code(r.After.Digest), timeText(r.After.Time))
	for _, warn := range r.Warnings {
		ew.printf("\n> **Warning:** %s\n", md(warn))
	}
	ew.printf("\n**Summary:** %s\n", md(Summary(r)))

	if len(r.Cluster) > 0 {
		ew.printf("\n## Cluster\n\n| Setting | Before | After |\n|---|---|---|\n")
		for _, c := range r.Cluster {
			ew.printf("| %s | %s | %s |\n", code(c.Field), codeOrNone(c.Before), codeOrNone(c.After))
		}
	}
	if len(r.PoolsAdded)+len(r.PoolsRemoved)+len(r.PoolsChanged) > 0 {
		ew.printf("\n## Pools\n\n| Pool | Change | Before | After |\n|---|---|---|---|\n")
		for _, p := range r.PoolsAdded {
			ew.printf("| %s | added | - | %s |\n", code(p.Name), md(poolBrief(p)))
		}
		for _, p := range r.PoolsRemoved {
			ew.printf("| %s | removed | %s | - |\n", code(p.Name), md(poolBrief(p)))
		}
		for _, p := range r.PoolsChanged {
			for _, c := range p.Changes {
				ew.printf("| %s | %s | %s | %s |\n", code(p.Name), code(c.Field), codeOrNone(c.Before), codeOrNone(c.After))
			}
		}
	}
	if r.NodesCompared && len(r.NodesAdded)+len(r.NodesRemoved) > 0 {
		ew.printf("\n## Nodes\n\n| Node | Pool | Change |\n|---|---|---|\n")
		for _, n := range r.NodesAdded {
			ew.printf("| %s | %s | added |\n", code(n.Name), code(n.Pool))
		}
		for _, n := range r.NodesRemoved {
			ew.printf("| %s | %s | removed |\n", code(n.Name), code(n.Pool))
		}
	}
	if len(r.Moved) > 0 {
		ew.printf("\n## kube-system placement\n\n| Workload | Before | After |\n|---|---|---|\n")
		for _, m := range r.Moved {
			ew.printf("| %s | %s | %s |\n", code(m.Workload), md(placementText(m.Before, m.Counted)), md(placementText(m.After, m.Counted)))
		}
	}
	if r.FindingsCompared && len(r.New)+len(r.Resolved)+len(r.Changed) > 0 {
		ew.printf("\n## Findings\n\n| Change | Status | Severity | Rule | Resource | Detail |\n|---|---|---|---|---|---|\n")
		for _, f := range r.New {
			ew.printf("| **new** | %s | %s | %s | %s | %s |\n", f.Status, f.Severity, f.RuleID, code(f.Resource.String()), md(f.Message))
		}
		for _, x := range r.Resolved {
			f := x.Finding
			ew.printf("| resolved | %s | %s | %s | %s | now %s |\n", f.Status, f.Severity, f.RuleID, code(f.Resource.String()), x.Now)
		}
		for _, c := range r.Changed {
			f := c.After
			ew.printf("| changed | %s | %s | %s | %s | %s |\n", f.Status, f.Severity, f.RuleID, code(f.Resource.String()), md(strings.Join(c.What, "; ")))
		}
	}
	var notCompared []string
	if !r.NodesCompared {
		notCompared = append(notCompared, "nodes")
	}
	if !r.PlacementCompared {
		notCompared = append(notCompared, "kube-system placement")
	}
	if !r.FindingsCompared {
		notCompared = append(notCompared, "findings")
	}
	if len(notCompared) > 0 {
		ew.printf("\n_Not compared (a side lacks the data): %s._\n", strings.Join(notCompared, ", "))
	}
	return ew.err
}

func poolBrief(p PoolBrief) string {
	parts := []string{dash(p.Mode)}
	if p.VMSize != "" {
		parts = append(parts, p.VMSize)
	}
	if p.Count != "" {
		parts = append(parts, "count "+p.Count)
	}
	return strings.Join(parts, ", ")
}

// placementText writes "sys 2, user1 1" (or "sys, user1" without counts), pools sorted.
func placementText(m map[string]int, counted bool) string {
	if len(m) == 0 {
		return "(none)"
	}
	pools := make([]string, 0, len(m))
	for p := range m {
		pools = append(pools, p)
	}
	sort.Strings(pools)
	for i, p := range pools {
		if counted {
			pools[i] = fmt.Sprintf("%s %d", p, m[p])
		}
	}
	return strings.Join(pools, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// short abbreviates a digest for the terminal; the full one is in JSON and Markdown.
func short(d string) string {
	if len(d) > len("sha256:")+12 {
		return d[:len("sha256:")+12]
	}
	return d
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func none(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func first(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func md(s string) string {
	s = strings.NewReplacer("<", "&lt;", ">", "&gt;", "|", `\|`, "\r\n", "<br>", "\n", "<br>").Replace(s)
	return s
}

func code(s string) string {
	if s == "" {
		return "-"
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + strings.ReplaceAll(s, "|", `\|`) + fence
}

func codeOrNone(s string) string {
	if s == "" {
		return "_(none)_"
	}
	return code(s)
}

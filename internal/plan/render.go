package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/syspool/syspool/internal/simulate"
)

// Verdict summarises a plan for people and exit codes.
type Verdict string

const (
	// Ready: nothing blocks and everything was simulated.
	Ready Verdict = "ready"
	// Blocked: the simulation predicts a step will not finish as planned.
	Blocked Verdict = "blocked"
	// Refused: AKS (or the safety rules) forbid the request.
	Refused Verdict = "refused"
	// Incomplete: nothing blocks, but part of the plan could not be simulated.
	Incomplete Verdict = "incomplete"
)

// Verdict returns the plan's verdict; refusal wins over blockers, blockers over missing data.
func (p *Plan) Verdict() Verdict {
	switch {
	case len(p.Refused) > 0:
		return Refused
	case len(p.Blockers) > 0:
		return Blocked
	case len(p.Incomplete) > 0:
		return Incomplete
	}
	return Ready
}

// Formats lists the output formats, the default first.
var Formats = []string{"table", "markdown", "json"}

// Writer returns the renderer for format name.
func Writer(name string) (func(io.Writer, *Plan) error, error) {
	switch name {
	case "table":
		return WriteTable, nil
	case "markdown", "md":
		return WriteMarkdown, nil
	case "json":
		return WriteJSON, nil
	}
	return nil, fmt.Errorf("unknown output format %q (valid: %s)", name, strings.Join(Formats, ", "))
}

// WriteJSON writes the plan as indented JSON with its schemaVersion.
func WriteJSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// verdictLine says in one line whether the plan can go ahead.
func verdictLine(p *Plan) string {
	switch p.Verdict() {
	case Refused:
		return "REFUSED: AKS would not accept this change (reasons below); no steps were planned"
	case Blocked:
		return fmt.Sprintf("BLOCKED: %d blocker(s) must be resolved first (the first at step %d)", len(p.Blockers), p.Blockers[0].Step)
	case Incomplete:
		return "READY, NOT FULLY SIMULATED: see \"Not simulated\""
	}
	return "READY: every gate is expected to hold"
}

const notice = "syspool only prints this plan; it runs nothing. Run each command yourself, after its gate holds."

// WriteTable renders the plan for a terminal.
func WriteTable(w io.Writer, p *Plan) error {
	ew := &errWriter{w: w}
	ew.printf("Plan:      %s\n", p.Title)
	ew.printf("Cluster:   %s (subscription %s, resource group %s%s)\n", p.Cluster.Name, p.Cluster.Subscription,
		p.Cluster.ResourceGroup, contextText(p.Cluster.KubeContext))
	if len(p.Steps) > 0 {
		ew.printf("Duration:  %s (sum of the step estimates below)\n", p.Duration)
	}
	ew.printf("Verdict:   %s\n", verdictLine(p))
	ew.printf("%s\n", notice)
	section(ew, "Refused", p.Refused)
	if len(p.Blockers) > 0 {
		ew.printf("\nBlockers\n")
		for _, b := range p.Blockers {
			ew.printf("  step %-3d %-14s %s\n", b.Step, b.Kind, b.Message)
		}
	}
	if len(p.Steps) > 0 {
		ew.printf("\nSteps\n")
	}
	for _, st := range p.Steps {
		dur := ""
		if st.Duration.Max > 0 {
			dur = "  (" + st.Duration.String() + ")"
		}
		ew.printf("\n%2d. [%s] %s%s\n", st.N, st.Class, st.Title, dur)
		if st.Gate != nil {
			tableCheck(ew, "gate", st.Gate)
		}
		for i, c := range st.Commands {
			label := ""
			if i == 0 {
				label = "run"
			}
			ew.printf("    %-9s $ %s\n", label, c)
		}
		if st.Validate != nil {
			tableCheck(ew, "validate", st.Validate)
		}
		ew.printf("    %-9s %s\n", "rollback", st.Rollback)
		for _, n := range st.Notes {
			ew.printf("    %-9s %s\n", "note", n)
		}
		for _, a := range st.Added {
			ew.printf("    %-9s %s in %s: %s CPU, %s memory, %d pods allocatable\n", "new node", a.Name, orDash(a.Zone),
				simulate.FormatCPU(a.Allocatable.MilliCPU), simulate.FormatMemory(a.Allocatable.MemoryBytes), a.Allocatable.Pods)
		}
		for _, m := range st.Moves {
			ew.printf("    %-9s %s  %s → %s\n", "moves", m.Pod, m.From, m.To)
		}
		for _, u := range st.Unplaced {
			ew.printf("    %-9s %s: %s\n", "no node", u.Pod, u.Summary())
			for _, r := range u.Closest {
				ew.printf("    %-9s   closest %s: %s\n", "", r.Node, r.Reason)
			}
		}
		for _, i := range st.Blockers {
			ew.printf("    %-9s %s\n", "BLOCKED", p.Blockers[i].Message)
		}
	}
	section(ew, "Warnings", p.Warnings)
	section(ew, "Not simulated", p.Incomplete)
	section(ew, "Assumptions", p.Assumptions)
	if len(p.Steps) > 0 {
		ew.printf("\nDuration model: per step, min–max. New nodes %s; a drain takes at least %s and at most its timeout;\n"+
			"a surge upgrade adds the surge nodes once, then per batch drain + soak + reimage. AKS publishes no timings:\n"+
			"the minimums are observed ones, the maximums allowances (internal/simulate/duration.go).\n",
			simulate.Durations.NodesReady().String(), simulate.Estimate{Min: simulate.Durations.DrainMin, Max: simulate.Durations.DrainMin})
	}
	return ew.err
}

func tableCheck(ew *errWriter, label string, c *Check) {
	ew.printf("    %-9s %s\n", label, c.Description)
	for _, cmd := range c.Commands {
		ew.printf("    %-9s   $ %s\n", "", cmd)
	}
	ew.printf("    %-9s   expect: %s\n", "", c.Expect)
}

func section(ew *errWriter, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	ew.printf("\n%s\n", title)
	for _, l := range lines {
		ew.printf("  - %s\n", l)
	}
}

func contextText(ctx string) string {
	if ctx == "" {
		return ", no kube context recorded: check `kubectl config current-context` before every kubectl command"
	}
	return ", kube context " + ctx
}

func orDash(s string) string { return first(s, "-") }

// errWriter keeps the first write error so renderers read as a list of prints.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

package plan

import (
	"io"
	"strings"

	"github.com/syspool/syspool/internal/simulate"
)

// WriteMarkdown renders the plan as a change-ticket runbook: a header table, the blockers, then
// one section per step with its gate, commands, validation and rollback in that order.
func WriteMarkdown(w io.Writer, p *Plan) error {
	ew := &errWriter{w: w}
	ew.printf("# Plan: %s\n\n", mdEscape(p.Title))
	ew.printf("| | |\n|---|---|\n")
	ew.printf("| Cluster | `%s` |\n| Subscription | `%s` |\n| Resource group | `%s` |\n", p.Cluster.Name, p.Cluster.Subscription, p.Cluster.ResourceGroup)
	ew.printf("| Kube context | %s |\n", mdCode(first(p.Cluster.KubeContext, ""), "not recorded: check `kubectl config current-context` first"))
	if len(p.Steps) > 0 {
		ew.printf("| Estimated duration | %s |\n", p.Duration)
	}
	ew.printf("| Verdict | **%s** |\n\n", mdEscape(verdictLine(p)))
	ew.printf("> %s\n", notice)
	mdList(ew, "Refused", p.Refused)
	if len(p.Blockers) > 0 {
		ew.printf("\n## Blockers\n\n| Step | Kind | What blocks |\n|---|---|---|\n")
		for _, b := range p.Blockers {
			ew.printf("| %d | %s | %s |\n", b.Step, b.Kind, mdEscape(b.Message))
		}
	}
	if len(p.Steps) > 0 {
		ew.printf("\n## Steps\n")
	}
	for _, st := range p.Steps {
		ew.printf("\n### %d. %s\n\n`%s`", st.N, mdEscape(st.Title), st.Class)
		if st.Duration.Max > 0 {
			ew.printf(" · %s", st.Duration)
		}
		ew.printf("\n")
		if st.Gate != nil {
			mdCheck(ew, "Gate", st.Gate)
		}
		ew.printf("\n**Run**\n\n```sh\n%s\n```\n", strings.Join(st.Commands, "\n"))
		if st.Validate != nil {
			mdCheck(ew, "Validate", st.Validate)
		}
		ew.printf("\n**Rollback**: %s\n", mdRollback(st.Rollback))
		for _, n := range st.Notes {
			ew.printf("\n- %s", mdEscape(n))
		}
		if len(st.Notes) > 0 {
			ew.printf("\n")
		}
		if len(st.Added) > 0 {
			ew.printf("\n| New node | Zone | Allocatable CPU | Allocatable memory | Pods | DaemonSet requests |\n|---|---|---|---|---|---|\n")
			for _, a := range st.Added {
				ew.printf("| %s | %s | %s | %s | %d | %s CPU, %s |\n", a.Name, orDash(a.Zone), simulate.FormatCPU(a.Allocatable.MilliCPU),
					simulate.FormatMemory(a.Allocatable.MemoryBytes), a.Allocatable.Pods, simulate.FormatCPU(a.DaemonSetRequests.MilliCPU),
					simulate.FormatMemory(a.DaemonSetRequests.MemoryBytes))
			}
		}
		if len(st.Moves)+len(st.Unplaced) > 0 {
			ew.printf("\n| Pod | From | To |\n|---|---|---|\n")
			for _, m := range st.Moves {
				ew.printf("| %s | %s | %s |\n", m.Pod, m.From, m.To)
			}
			for _, u := range st.Unplaced {
				ew.printf("| %s | %s | **no node**: %s |\n", u.Pod, u.From, mdEscape(u.Summary()))
			}
		}
		for _, i := range st.Blockers {
			ew.printf("\n> **Blocked**: %s\n", mdEscape(p.Blockers[i].Message))
		}
	}
	mdList(ew, "Warnings", p.Warnings)
	mdList(ew, "Not simulated", p.Incomplete)
	mdList(ew, "Assumptions", p.Assumptions)
	return ew.err
}

func mdCheck(ew *errWriter, label string, c *Check) {
	ew.printf("\n**%s**: %s\n\n```sh\n%s\n```\n\nExpect: %s\n", label, mdEscape(c.Description), strings.Join(c.Commands, "\n"), mdEscape(c.Expect))
}

// mdRollback sets a rollback that is a command in code, and prose as prose.
func mdRollback(r string) string {
	if strings.HasPrefix(r, "az ") || strings.HasPrefix(r, "kubectl ") {
		return "`" + r + "`"
	}
	if i := strings.Index(r, ": az "); i >= 0 {
		return mdEscape(r[:i+1]) + " `" + r[i+2:] + "`"
	}
	return mdEscape(r)
}

func mdList(ew *errWriter, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	ew.printf("\n## %s\n\n", title)
	for _, l := range lines {
		ew.printf("- %s\n", mdEscape(l))
	}
}

func mdCode(s, none string) string {
	if s == "" {
		return none
	}
	return "`" + s + "`"
}

// mdEscape keeps table cells and prose from breaking the layout: pipes would end a cell.
func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

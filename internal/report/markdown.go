package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Markdown writes the change-ticket report: verdict, identity, pool inventory, kube-system
// placement, findings with their fixes, waivers, notes and the evidence (digest, sources with
// sha256, how to rerun). It sticks to what GitHub and Azure DevOps both render: pipe tables, code
// spans, headings, lists and <br> inside table cells; no raw HTML blocks, no emoji shortcodes.
func Markdown(w io.Writer, in Input, opts Options) error {
	ew := &errWriter{w: w}
	s, r := in.Snapshot, in.Report

	ew.printf("# syspool report: %s\n\n", mdText(clusterLabel(s)))
	ew.printf("**Result: %s** · %s\n", verdictWord(r, in.FailOn), mdText(strings.TrimPrefix(summary(colors(Options{}), r, in.FailOn), "Summary: ")))

	ew.printf("\n## Identity\n\n")
	mdIdentity(ew, s)

	ew.printf("\n## Pools\n\n")
	mdPools(ew, s)

	ew.printf("\n## kube-system placement\n\n")
	mdPlacement(ew, s)

	ew.printf("\n## Findings\n\n")
	mdFindings(ew, r, opts)

	ew.printf("\n## Waivers\n\n")
	mdWaivers(ew, r)

	if len(r.Notes) > 0 {
		ew.printf("\n## Notes\n\n")
		for _, n := range r.Notes {
			if n.Source != "" {
				ew.printf("- %s: %s\n", mdCode(n.Source), mdText(n.Message))
			} else {
				ew.printf("- %s\n", mdText(n.Message))
			}
		}
	}

	ew.printf("\n## Evidence\n\n")
	mdEvidence(ew, s, r)
	return ew.err
}

// verdictWord states the outcome the exit code will give, so a ticket reader needs no legend.
func verdictWord(r *rule.Report, failOn rule.Severity) string {
	if failOn == rule.SeverityUnset {
		failOn = rule.Never
	}
	switch {
	case r.WorstFailing() != rule.SeverityUnset && r.WorstFailing() >= failOn:
		return "FAIL"
	case r.Incomplete():
		return "INCOMPLETE"
	}
	return "PASS"
}

func mdIdentity(ew *errWriter, s *snapshot.Snapshot) {
	c, id := s.Cluster, s.Provenance.Identity
	rows := [][2]string{
		{"Cluster", mdCodeOrDash(c.Name)},
		{"Resource group", mdCodeOrDash(c.ResourceGroup)},
		{"Subscription", mdCell(joinNonEmpty(c.SubscriptionID, id.SubscriptionName))},
	}
	if id.TenantID != "" {
		rows = append(rows, [2]string{"Tenant", mdCode(id.TenantID)})
	}
	if c.Location != "" {
		rows = append(rows, [2]string{"Location", mdCell(c.Location)})
	}
	rows = append(rows, [2]string{"Kubernetes", mdCell(joinNonEmpty(firstNonEmpty(c.CurrentKubernetesVersion, c.KubernetesVersion),
		joinNonEmpty(c.PowerState, c.ProvisioningState)))})
	if c.SKUName != "" || c.SKUTier != "" {
		rows = append(rows, [2]string{"SKU", mdCell(joinNonEmpty(c.SKUName, c.SKUTier))})
	}
	if api := firstNonEmpty(id.APIServer, c.FQDN); api != "" {
		rows = append(rows, [2]string{"API server", mdCode(api)})
	}
	if id.KubeContext != "" {
		rows = append(rows, [2]string{"Kube context", mdCode(id.KubeContext)})
	}
	if id.ContextMatch != "" {
		rows = append(rows, [2]string{"Context check", mdCell(id.ContextMatch)})
	}
	if c.ID != "" {
		rows = append(rows, [2]string{"Resource ID", mdCode(c.ID)})
	}
	ew.printf("| Field | Value |\n|---|---|\n")
	for _, row := range rows {
		ew.printf("| **%s** | %s |\n", row[0], row[1])
	}
}

func mdPools(ew *errWriter, s *snapshot.Snapshot) {
	if len(s.Pools) == 0 {
		ew.printf("_No agent pools were read._\n")
		return
	}
	ew.printf("| Name | Mode | Count | VM size | Kubernetes | State | Autoscale | Zones | Taints | Node image |\n")
	ew.printf("|---|---|--:|---|---|---|---|---|---|---|\n")
	defaulted := false
	for _, p := range s.Pools {
		mode := p.Mode
		if p.ModeDefaulted {
			mode += "\\*"
			defaulted = true
		}
		auto := "-"
		if p.EnableAutoScaling {
			auto = intp(p.MinCount) + "..." + intp(p.MaxCount)
		}
		taints := make([]string, len(p.Taints))
		for i, t := range p.Taints {
			taints[i] = mdCode(t.String())
		}
		ew.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", mdCode(p.Name), orDash(mode), intp(p.Count),
			mdCell(orDash(p.VMSize)), mdCell(orDash(firstNonEmpty(p.CurrentOrchestratorVersion, p.OrchestratorVersion))),
			mdCell(joinNonEmpty(p.ProvisioningState, p.PowerState)), auto, mdCell(orDash(strings.Join(p.Zones, ", "))),
			orDash(strings.Join(taints, "<br>")), mdCell(orDash(p.NodeImageVersion)))
	}
	if defaulted {
		ew.printf("\n\\* mode absent in the source (API versions before 2020-03-01): treated as User, as the API does.\n")
	}
}

func mdPlacement(ew *errWriter, s *snapshot.Snapshot) {
	if !s.Coverage.Has(snapshot.KindNodes) {
		ew.printf("_Not available: no kubectl capture of nodes was given._\n")
		return
	}
	if ok, _ := s.Coverage.Satisfies(snapshot.KindSystemPods); !ok {
		ew.printf("_Not available: no kubectl capture of pods was given._\n")
		return
	}
	allPods := s.Coverage.Has(snapshot.KindPods)
	ew.printf("| Pool | Mode | Nodes | Ready | Zones | System pods | DaemonSet pods | App pods | System workloads |\n")
	ew.printf("|---|---|--:|--:|--:|--:|--:|--:|---|\n")
	for _, p := range snapshot.Placement(snapshot.NewIndex(s)) {
		name := mdCode(p.Pool)
		if p.Pool == "" {
			name = "_(no pool)_"
		}
		app := strconv.Itoa(p.AppPods)
		if !allPods {
			app = "?"
		}
		wl := make([]string, len(p.SystemWorkloads))
		for i, x := range p.SystemWorkloads {
			wl[i] = mdCode(x)
		}
		ew.printf("| %s | %s | %d | %d | %s | %d | %d | %s | %s |\n", name, orDash(p.Mode), p.Nodes, p.Ready,
			zoneCount(p.Zones), p.SystemPods, p.DaemonSetPods, app, orDash(strings.Join(wl, ", ")))
	}
	if !allPods {
		ew.printf("\n? only kube-system pods were captured.\n")
	}
}

func mdFindings(ew *errWriter, r *rule.Report, opts Options) {
	var shown []rule.Finding
	for _, f := range r.Findings {
		if f.Status == rule.Fail || f.Status == rule.Error || opts.Verbose {
			shown = append(shown, f)
		}
	}
	if len(shown) == 0 {
		ew.printf("_No failed or unevaluated checks._ %d passed, %d skipped.\n", r.Counts.Pass, r.Counts.Skip)
		return
	}
	ew.printf("| Status | Severity | Rule | Resource | Message |\n|---|---|---|---|---|\n")
	var fixes []rule.Finding
	for _, f := range shown {
		status := string(f.Status)
		switch {
		case f.Waiver != nil:
			status = "waived"
		case f.Status == rule.Fail:
			status = "**fail**"
		case f.Status == rule.Error:
			status = "**not evaluated**"
		}
		ew.printf("| %s | %s | %s | %s | %s |\n", status, f.Severity, mdRuleLink(f.RuleID, f.Title), mdCode(f.Resource.String()), mdCell(f.Message))
		if f.Fix != "" && f.Status == rule.Fail && f.Waiver == nil {
			fixes = append(fixes, f)
		}
	}
	if !opts.Verbose && (r.Counts.Pass > 0 || r.Counts.Skip > 0) {
		ew.printf("\n%d passed and %d skipped checks are not listed (run with `--verbose` to list them).\n", r.Counts.Pass, r.Counts.Skip)
	}
	if len(fixes) > 0 {
		ew.printf("\n### Fixes\n\n")
		for _, f := range fixes {
			ew.printf("- **%s** %s:\n\n  ```sh\n  %s\n  ```\n", f.RuleID, mdCode(f.Resource.String()), strings.ReplaceAll(f.Fix, "\n", "\n  "))
		}
	}
}

func mdWaivers(ew *errWriter, r *rule.Report) {
	var waived []rule.Finding
	for _, f := range r.Findings {
		if f.Waiver != nil {
			waived = append(waived, f)
		}
	}
	if len(waived) == 0 {
		ew.printf("_No finding is waived._\n")
	} else {
		ew.printf("| Rule | Resource | Owner | Expires | Reason |\n|---|---|---|---|---|\n")
		for _, f := range waived {
			ew.printf("| %s | %s | %s | %s | %s |\n", f.RuleID, mdCode(f.Resource.String()), mdCell(f.Waiver.Owner),
				dateOrDash(f.Waiver.Expires), mdCell(f.Waiver.Reason))
		}
	}
	if len(r.PolicyNotes) > 0 {
		ew.printf("\n")
		for _, n := range r.PolicyNotes {
			ew.printf("- policy: %s\n", mdText(n))
		}
	}
}

func mdEvidence(ew *errWriter, s *snapshot.Snapshot, r *rule.Report) {
	p := s.Provenance
	switch d := digestOf(s); {
	case s.Digest != "" && s.Digest == d:
		ew.printf("- Snapshot digest: %s (matches the content; check the file with `syspool verify SNAPSHOT.json`)\n", mdCode(d))
	case s.Digest != "":
		ew.printf("- Snapshot digest: **the recorded %s does not match the content (%s): the snapshot was edited after it was sealed**\n",
			mdCode(s.Digest), mdCode(d))
	case d != "":
		ew.printf("- Content digest: %s (unsealed: save the input with `syspool snapshot` to make it verifiable)\n", mdCode(d))
	}
	tool := strings.TrimSpace(p.Tool + " " + p.ToolVersion)
	if tool == "" {
		tool = "syspool"
	}
	ew.printf("- Collected: %s by %s", timeOrDash(p.CollectedAt), mdText(tool))
	if p.Mode != "" {
		ew.printf(" (%s)", mdText(p.Mode))
	}
	ew.printf("\n- Evaluated as of: %s\n", timeOrDash(r.GeneratedAt))
	if !r.GeneratedAt.IsZero() {
		ew.printf("- Rerun: `syspool check SNAPSHOT.json --now %s`\n", r.GeneratedAt.UTC().Format(time.RFC3339))
	}
	if len(p.Sources) == 0 {
		return
	}
	ew.printf("\n| Source | Read as | SHA-256 |\n|---|---|---|\n")
	for _, src := range p.Sources {
		ew.printf("| %s | %s | %s |\n", mdCode(src.Path), mdCell(src.Kind), mdCodeOrDash(src.SHA256))
	}
}

func mdRuleLink(id, title string) string {
	if title == "" {
		return id
	}
	return fmt.Sprintf("%s %s", id, mdCell(title))
}

// mdText escapes what GitHub or Azure DevOps would otherwise take as HTML.
func mdText(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s)
}

// mdCell makes s safe inside a table cell: pipes escaped, line breaks as <br>.
func mdCell(s string) string {
	s = mdText(s)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "<br>")
}

// mdCode renders s as a code span that survives backticks and pipes in s (pipes must be escaped
// even inside code spans in a GitHub table).
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	return fence + pad + s + pad + fence
}

func mdCodeOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return mdCode(s)
}

func dateOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

func timeOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

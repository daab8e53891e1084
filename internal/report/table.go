package report

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Table writes the human report: identity first, then the pool inventory with the columns the
// portal shows, kube-system placement per pool, findings, notes and a one-line summary.
func Table(w io.Writer, in Input, opts Options) error {
	cs := colors(opts)
	tw := &errWriter{w: w}
	s, r := in.Snapshot, in.Report

	writeIdentity(tw, cs, s)
	tw.printf("\n%s\n", cs.Bold("POOLS"))
	writePools(tw, s)
	tw.printf("\n%s\n", cs.Bold("KUBE-SYSTEM PLACEMENT"))
	writePlacement(tw, s)
	tw.printf("\n%s\n", cs.Bold("FINDINGS"))
	writeFindings(tw, cs, r, opts)
	if len(r.Notes) > 0 || len(r.PolicyNotes) > 0 {
		tw.printf("\n%s\n", cs.Bold("NOTES"))
		for _, n := range r.Notes {
			if n.Source != "" {
				tw.printf("- %s: %s\n", n.Source, n.Message)
			} else {
				tw.printf("- %s\n", n.Message)
			}
		}
		for _, n := range r.PolicyNotes {
			tw.printf("- policy: %s\n", n)
		}
	}
	tw.printf("\n%s\n", summary(cs, r, in.FailOn))
	return tw.err
}

func colors(opts Options) iostreams.ColorScheme {
	return iostreams.NewColorScheme(opts.Color)
}

func writeIdentity(w *errWriter, cs iostreams.ColorScheme, s *snapshot.Snapshot) {
	c := s.Cluster
	id := s.Provenance.Identity
	kv := [][2]string{
		{"Cluster", orDash(c.Name)},
		{"Resource group", orDash(c.ResourceGroup)},
		{"Subscription", joinNonEmpty(c.SubscriptionID, id.SubscriptionName)},
	}
	if id.TenantID != "" {
		kv = append(kv, [2]string{"Tenant", id.TenantID})
	}
	if c.Location != "" {
		kv = append(kv, [2]string{"Location", c.Location})
	}
	state := joinNonEmpty(c.PowerState, c.ProvisioningState)
	kv = append(kv, [2]string{"Kubernetes", joinNonEmpty(firstNonEmpty(c.CurrentKubernetesVersion, c.KubernetesVersion), state)})
	if c.SKUName != "" || c.SKUTier != "" {
		kv = append(kv, [2]string{"SKU", joinNonEmpty(c.SKUName, c.SKUTier)})
	}
	if id.APIServer != "" || c.FQDN != "" {
		kv = append(kv, [2]string{"API server", firstNonEmpty(id.APIServer, c.FQDN)})
	}
	if id.KubeContext != "" {
		kv = append(kv, [2]string{"Kube context", id.KubeContext})
	}
	if id.ContextMatch != "" {
		// A live run says how it knows the context is this cluster: the guard against auditing
		// one cluster and approving maintenance on another.
		kv = append(kv, [2]string{"Context check", id.ContextMatch})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, p := range kv {
		fmt.Fprintf(tw, "%s\t%s\n", cs.Bold(p[0]), p[1])
	}
	src := s.Provenance.Sources
	names := make([]string, 0, len(src))
	for _, x := range src {
		names = append(names, fmt.Sprintf("%s (%s)", x.Path, x.Kind))
	}
	if len(names) > 0 {
		// Continuation lines carry a bold blank so their first cell has the labels' escape bytes.
		fmt.Fprintf(tw, "%s\t%s\n", cs.Bold("Sources"), strings.Join(names, "\n"+cs.Bold(" ")+"\t"))
	}
	w.err = firstErr(w.err, tw.Flush())
}

func writePools(w *errWriter, s *snapshot.Snapshot) {
	if len(s.Pools) == 0 {
		w.printf("(no agent pools were read)\n")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMODE\tCOUNT\tVM SIZE\tKUBERNETES\tSTATE\tAUTOSCALE\tZONES\tTAINTS\tNODE IMAGE")
	for _, p := range s.Pools {
		mode := p.Mode
		if p.ModeDefaulted {
			mode += "*"
		}
		auto := "-"
		if p.EnableAutoScaling {
			auto = intp(p.MinCount) + ".." + intp(p.MaxCount)
		}
		state := joinNonEmpty(p.ProvisioningState, p.PowerState)
		taints := make([]string, len(p.Taints))
		for i, t := range p.Taints {
			taints[i] = t.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, orDash(mode), intp(p.Count), orDash(p.VMSize),
			orDash(firstNonEmpty(p.CurrentOrchestratorVersion, p.OrchestratorVersion)), orDash(state), auto,
			orDash(strings.Join(p.Zones, ",")), orDash(strings.Join(taints, ",")), orDash(p.NodeImageVersion))
	}
	w.err = firstErr(w.err, tw.Flush())
	for _, p := range s.Pools {
		if p.ModeDefaulted {
			w.printf("* mode absent in the source (API versions before 2020-03-01): treated as User, as the API does\n")
			break
		}
	}
}

func writePlacement(w *errWriter, s *snapshot.Snapshot) {
	if !s.Coverage.Has(snapshot.KindNodes) {
		w.printf("(not available: no kubectl capture of nodes was given)\n")
		return
	}
	ok, _ := s.Coverage.Satisfies(snapshot.KindSystemPods)
	if !ok {
		w.printf("(not available: no kubectl capture of pods was given)\n")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POOL\tMODE\tNODES\tREADY\tZONES\tSYSTEM PODS\tDAEMONSET PODS\tAPP PODS\tSYSTEM WORKLOADS")
	for _, p := range snapshot.Placement(snapshot.NewIndex(s)) {
		name := p.Pool
		if name == "" {
			name = "(no pool)"
		}
		app := strconv.Itoa(p.AppPods)
		if !s.Coverage.Has(snapshot.KindPods) {
			app = "?"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\t%s\n", name, orDash(p.Mode), p.Nodes, p.Ready, zoneCount(p.Zones),
			p.SystemPods, p.DaemonSetPods, app, orDash(strings.Join(p.SystemWorkloads, ", ")))
	}
	w.err = firstErr(w.err, tw.Flush())
	if !s.Coverage.Has(snapshot.KindPods) {
		w.printf("? only kube-system pods were captured\n")
	}
}

// zonalLabel matches topology.kubernetes.io/zone on a node in an availability zone
// ("westeurope-2"); nodes outside zones carry a bare fault-domain number ("0") instead.
var zonalLabel = regexp.MustCompile(`^[a-z0-9]+-[0-9]+$`)

// zoneCount counts the availability zones among node zone labels, "-" when there is none: a
// fault domain is not a zone, and a pool outside zones must not read as a pool in one zone.
func zoneCount(zones []string) string {
	n := 0
	for _, z := range zones {
		if zonalLabel.MatchString(z) {
			n++
		}
	}
	if n == 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

func writeFindings(w *errWriter, cs iostreams.ColorScheme, r *rule.Report, opts Options) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	// tabwriter counts escape bytes as width: the headers of the coloured columns carry the same
	// (invisible) escapes as their cells, or every row would sit off its header.
	fmt.Fprintf(tw, "%s\t%s\tRULE\tRESOURCE\tMESSAGE\n", cs.Default("STATUS"), cs.Default("SEVERITY"))
	shown := 0
	for _, f := range r.Findings {
		if !opts.Verbose && (f.Status == rule.Pass || f.Status == rule.Skip) {
			continue
		}
		shown++
		status := string(f.Status)
		if f.Waiver != nil {
			status = "waived"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", paintStatus(cs, f, status), paintSeverity(cs, f), f.RuleID, f.Resource, f.Message)
		// Continuation rows put a blank with the same escape bytes in the coloured columns.
		blank := cs.Default(" ")
		if f.Waiver != nil {
			fmt.Fprintf(tw, "%s\t%s\t\t\t%s\n", blank, blank, cs.Gray(fmt.Sprintf("waived until %s by %s: %s", f.Waiver.Expires.Format("2006-01-02"), f.Waiver.Owner, f.Waiver.Reason)))
		}
		if f.Fix != "" && f.Status == rule.Fail && f.Waiver == nil {
			fmt.Fprintf(tw, "%s\t%s\t\t\t%s\n", blank, blank, cs.Gray("fix: "+f.Fix))
		}
	}
	w.err = firstErr(w.err, tw.Flush())
	if shown == 0 {
		w.printf("(no failed or unevaluated checks)\n")
	}
}

func paintStatus(cs iostreams.ColorScheme, f rule.Finding, s string) string {
	switch {
	case f.Waiver != nil:
		return cs.Gray(s)
	case f.Status == rule.Fail:
		return cs.Red(s)
	case f.Status == rule.Error:
		return cs.Magenta(s)
	case f.Status == rule.Pass:
		return cs.Green(s)
	}
	return cs.Gray(s)
}

func paintSeverity(cs iostreams.ColorScheme, f rule.Finding) string {
	s := f.Severity.String()
	if f.Status != rule.Fail || f.Waiver != nil {
		return cs.Gray(s)
	}
	switch {
	case f.Severity >= rule.High:
		return cs.Red(s)
	case f.Severity == rule.Medium:
		return cs.Yellow(s)
	}
	// Every cell of a column carries the same escape length, so tabwriter still aligns it.
	return cs.Default(s)
}

func summary(cs iostreams.ColorScheme, r *rule.Report, failOn rule.Severity) string {
	c := r.Counts
	var parts []string
	if c.Fail > 0 {
		var sev []string
		for i := len(rule.Severities()) - 1; i >= 0; i-- {
			name := rule.Severities()[i]
			if n := c.BySeverity[name]; n > 0 {
				sev = append(sev, fmt.Sprintf("%d %s", n, name))
			}
		}
		parts = append(parts, cs.Red(fmt.Sprintf("%d failed (%s)", c.Fail, strings.Join(sev, ", "))))
	} else {
		parts = append(parts, "0 failed")
	}
	errs := fmt.Sprintf("%d not evaluated", c.Error)
	if c.Error > 0 {
		errs = cs.Magenta(errs)
	}
	parts = append(parts, errs, fmt.Sprintf("%d passed", c.Pass), fmt.Sprintf("%d skipped", c.Skip), fmt.Sprintf("%d waived", c.Waived))
	line := "Summary: " + strings.Join(parts, ", ")
	if failOn != rule.SeverityUnset {
		line += fmt.Sprintf(" (fail-on: %s)", failOn)
	}
	return line
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

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func intp(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}

func orDash(s string) string {
	if s == "" {
		return "-"
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

func joinNonEmpty(ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}

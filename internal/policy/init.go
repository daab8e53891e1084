package policy

import (
	"fmt"
	"io"
	"strings"

	"github.com/syspool/syspool/internal/rule"
)

// WriteStarter writes a commented starting policy: every rule with its severity and thresholds
// as the baseline sets them, commented out, so users edit values instead of looking up names.
// failOn is the baseline's too: written out uncommented, any other value would override it.
func WriteStarter(w io.Writer, baseline string, reg *rule.Registry) error {
	base, _, err := LoadBaseline(baseline, reg, nil)
	if err != nil {
		return err
	}
	failOn := rule.High.String()
	if base.FailOn != "" {
		failOn = base.FailOn
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# syspool policy. Check it with: syspool policy validate FILE
# Use it with:                syspool check --policy FILE ...
apiVersion: %s
kind: %s

# The built-in baseline this file starts from: %s.
baseline: %s

# Exit 1 when an unwaived finding is at or above this severity (--fail-on wins when given).
# One of: %s, none.
failOn: %s

# Turn rules off, then back on, by ID or glob ("SP01*"). disable: ["*"] with enable: [...] runs
# only the listed rules.
disable: []
enable: []

# Per-rule settings: enabled, severity, and thresholds (params). Uncomment what you change.
rules:
`, APIVersion, Kind, strings.Join(Baselines(), ", "), baseline, strings.Join(rule.Severities(), ", "), failOn)
	for _, r := range reg.All() {
		rc := base.Rules[r.ID]
		sev, from := r.Severity.String(), ""
		if s, err := rule.ParseSeverity(rc.Severity); err == nil && s != r.Severity {
			sev, from = s.String(), "; "+baseline+": "+s.String()
		}
		fmt.Fprintf(&b, "  # %s %s (default severity %s%s)\n", r.ID, r.Title, r.Severity, from)
		fmt.Fprintf(&b, "  # %s:\n  #   severity: %s\n", r.ID, sev)
		if len(r.Params) > 0 {
			b.WriteString("  #   params:\n")
			for _, p := range r.Params {
				val, doc := p.Default, p.Doc
				if raw, ok := rc.Params[p.Name]; ok {
					if v, err := convertParam(r, p.Name, raw); err == nil && yamlValue(v) != yamlValue(p.Default) {
						val, doc = v, doc+" ("+baseline+"; default "+yamlValue(p.Default)+")"
					}
				}
				fmt.Fprintf(&b, "  #     %s: %s  # %s\n", p.Name, yamlValue(val), doc)
			}
		}
	}
	b.WriteString(`
# Settings for some clusters only, matched by name, resource group, subscription (globs) and tags.
overrides: []
#  - match:
#      clusters: ["dev-*"]
#      tags: {environment: dev}
#    rules:
#      SP006: {params: {minNodes: 2}}
#    disable: [SP010]

# Accepted exceptions. reason, owner and expires are required; an expired waiver stops waiving and
# is reported, and so is a waiver that matches nothing. resource is a glob over kind/name, such as
# pool/nodepool1, node/aks-system-*, pod/kube-system/coredns-*, workload/shop/deployment/web
# (the RESOURCE column of the report; * does not cross a /).
waivers: []
#  - rule: SP010
#    resource: pool/nodepool1
#    cluster: aks-prod-*
#    reason: The zonal System pool replacing nodepool1 lands in Q1 (CHG-1234)
#    owner: platform-team@contoso.com
#    expires: 2027-03-31
`)
	_, err = io.WriteString(w, b.String())
	return err
}

func yamlValue(v any) string {
	switch x := v.(type) {
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case string:
		return fmt.Sprintf("%q", x)
	default:
		return fmt.Sprint(x)
	}
}

// Package engine runs rules over a snapshot: it selects rules, checks that the data each rule
// needs is present, applies severity overrides, parameters and waivers, and orders the findings
// deterministically. It never reports a rule that could not run as a pass.
package engine

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Options configure a run. The zero value of every field except Registry means "defaults".
type Options struct {
	Registry *rule.Registry
	// Now is the clock for every time-dependent rule and for waiver expiry.
	Now time.Time
	// Enabled selects rules by ID; nil enables all.
	Enabled func(id string) bool
	// Severity overrides a rule's severity for all its results.
	Severity map[string]rule.Severity
	// Params overrides rule parameters: rule ID -> param name -> value (already type-checked).
	Params  map[string]map[string]any
	Waivers []Waiver
}

// Waiver accepts a failing finding for a while. Resource is a glob over Resource.String(), such as
// "pool/nodepool1" or "pod/shop/*"; empty matches every resource of the rule.
type Waiver struct {
	Rule     string
	Resource string
	Reason   string
	Owner    string
	Expires  time.Time
}

func (w Waiver) String() string {
	r := w.Resource
	if r == "" {
		r = "*"
	}
	return w.Rule + " on " + r
}

// Run evaluates the selected rules on s and returns a report. Run mutates nothing in s.
func Run(s *snapshot.Snapshot, opts Options) *rule.Report {
	ix := snapshot.NewIndex(s)
	rep := &rule.Report{
		SchemaVersion: rule.ReportSchemaVersion,
		GeneratedAt:   opts.Now,
		Cluster:       s.Cluster,
		Provenance:    s.Provenance,
		Coverage:      s.Coverage,
		Notes:         s.Notes,
		Findings:      []rule.Finding{},
	}
	for _, r := range opts.Registry.All() {
		if opts.Enabled != nil && !opts.Enabled(r.ID) {
			continue
		}
		for _, res := range evaluate(r, s, ix, opts) {
			rep.Findings = append(rep.Findings, finding(r, res, opts))
		}
	}
	sortFindings(rep.Findings)
	rep.PolicyNotes = applyWaivers(rep.Findings, opts.Waivers, opts.Now)
	rep.Counts = count(rep.Findings)
	return rep
}

// evaluate runs one rule, turning missing data, a stopped cluster and a panicking or silent check
// into explicit results.
func evaluate(r rule.Rule, s *snapshot.Snapshot, ix *snapshot.Index, opts Options) (out []rule.Result) {
	clusterRes := rule.Resource{Kind: "cluster", Name: clusterName(s)}
	if s.Cluster.Stopped() && needsKube(r.Needs) {
		return []rule.Result{{Status: rule.Skip, Resource: clusterRes,
			Message: "the cluster is stopped (powerState Stopped): it has no nodes or pods to inspect"}}
	}
	if missing := missingData(r.Needs, s.Coverage); len(missing) > 0 {
		return []rule.Result{{Status: rule.Error, Resource: clusterRes,
			Message: "not evaluated: " + strings.Join(missing, "; ")}}
	}
	params := r.Defaults()
	for k, v := range opts.Params[r.ID] {
		params[k] = v
	}
	defer func() {
		if p := recover(); p != nil {
			out = []rule.Result{{Status: rule.Error, Resource: clusterRes,
				Message: fmt.Sprintf("internal error in rule %s: %v (please report this)", r.ID, p)}}
		}
	}()
	out = r.Check(rule.NewContext(s, ix, opts.Now, params))
	if len(out) == 0 {
		out = []rule.Result{{Status: rule.Error, Resource: clusterRes,
			Message: "internal error: the rule returned no result (please report this)"}}
	}
	return out
}

func needsKube(needs []snapshot.DataKind) bool {
	for _, k := range needs {
		if k != snapshot.KindCluster && k != snapshot.KindPools {
			return true
		}
	}
	return false
}

// missingData explains, per needed kind, why it is unavailable.
func missingData(needs []snapshot.DataKind, cov snapshot.Coverage) []string {
	var out []string
	for _, k := range needs {
		if ok, why := cov.Satisfies(k); !ok {
			out = append(out, why)
		}
	}
	return out
}

func finding(r rule.Rule, res rule.Result, opts Options) rule.Finding {
	sev := r.Severity
	if res.Severity != rule.SeverityUnset {
		sev = res.Severity
	}
	if o, ok := opts.Severity[r.ID]; ok {
		sev = o
	}
	return rule.Finding{
		RuleID:      r.ID,
		Title:       r.Title,
		Category:    r.Category,
		Status:      res.Status,
		Severity:    sev,
		Resource:    res.Resource,
		Message:     res.Message,
		Evidence:    res.Evidence,
		Fix:         res.Fix,
		Fingerprint: rule.Fingerprint(r.ID, res.Resource),
	}
}

func sortFindings(fs []rule.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Resource.Kind != b.Resource.Kind {
			return a.Resource.Kind < b.Resource.Kind
		}
		if a.Resource.Namespace != b.Resource.Namespace {
			return a.Resource.Namespace < b.Resource.Namespace
		}
		return a.Resource.Name < b.Resource.Name
	})
}

// applyWaivers marks failing findings covered by a live waiver and returns notes about waivers
// that expired or waive nothing, so exceptions do not rot silently. A waiver whose findings all
// pass (or do not apply) waives nothing and is reported like one that matches nothing; one whose
// findings could not be evaluated this run is left alone, since the data may be back next time.
func applyWaivers(fs []rule.Finding, ws []Waiver, now time.Time) []string {
	var notes []string
	for _, w := range ws {
		expired := !w.Expires.IsZero() && !now.Before(w.Expires)
		matched, failing, unknown := 0, 0, 0
		for i := range fs {
			f := &fs[i]
			if !strings.EqualFold(f.RuleID, w.Rule) || !matchResource(w.Resource, f.Resource) {
				continue
			}
			matched++
			switch f.Status {
			case rule.Fail:
				failing++
			case rule.Error:
				unknown++
			}
			if expired || f.Status != rule.Fail || f.Waiver != nil {
				continue
			}
			f.Waiver = &rule.Waived{Reason: w.Reason, Owner: w.Owner, Expires: w.Expires}
		}
		switch {
		case expired && failing > 0:
			notes = append(notes, fmt.Sprintf("waiver %s (owner %s) expired on %s and no longer waives %d finding(s)",
				w, w.Owner, w.Expires.Format("2006-01-02"), failing))
		case expired && matched == 0:
			notes = append(notes, fmt.Sprintf("waiver %s (owner %s) expired on %s and matches nothing: remove it",
				w, w.Owner, w.Expires.Format("2006-01-02")))
		case expired && unknown == 0:
			notes = append(notes, fmt.Sprintf("waiver %s (owner %s) expired on %s and waives nothing (its %d finding(s) "+
				"pass or do not apply): remove it", w, w.Owner, w.Expires.Format("2006-01-02"), matched))
		case matched == 0:
			notes = append(notes, fmt.Sprintf("waiver %s (owner %s) matched no finding: remove it or fix its rule/resource",
				w, w.Owner))
		case failing == 0 && unknown == 0:
			notes = append(notes, fmt.Sprintf("waiver %s (owner %s) waives nothing: its %d finding(s) pass or do not "+
				"apply; remove it", w, w.Owner, matched))
		}
	}
	return notes
}

func matchResource(pattern string, r rule.Resource) bool {
	if pattern == "" || pattern == "*" {
		return true
	}
	ok, err := path.Match(pattern, r.String())
	return err == nil && ok
}

func count(fs []rule.Finding) rule.Counts {
	c := rule.Counts{BySeverity: map[string]int{}}
	for _, f := range fs {
		switch f.Status {
		case rule.Pass:
			c.Pass++
		case rule.Fail:
			if f.Waiver != nil {
				c.Waived++
				continue
			}
			c.Fail++
			c.BySeverity[f.Severity.String()]++
		case rule.Skip:
			c.Skip++
		case rule.Error:
			c.Error++
		}
	}
	return c
}

func clusterName(s *snapshot.Snapshot) string {
	if s.Cluster.Name != "" {
		return s.Cluster.Name
	}
	return "cluster"
}

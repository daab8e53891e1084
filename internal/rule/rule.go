// Package rule defines what a rule, a result, a finding, a severity and a status are. Rules are
// plain values with their documentation beside the check, so the catalog, `rules explain` and the
// SARIF rule metadata are all generated from one place.
package rule

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/snapshot"
)

// Severity orders how bad a failing result is. The zero value means "not set" so a result can
// fall back to its rule's default.
type Severity int

const (
	SeverityUnset Severity = iota
	Info
	Low
	Medium
	High
	Critical
)

// Never is above every severity: `--fail-on none` never fails on findings.
const Never = Critical + 1

var severityNames = []string{"", "info", "low", "medium", "high", "critical", "none"}

// Severities lists the valid severity names of findings, lowest first.
func Severities() []string { return severityNames[1:Never] }

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name; "none" gives Never.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames[1:] {
		if strings.EqualFold(s, n) {
			return Severity(i + 1), nil
		}
	}
	return SeverityUnset, fmt.Errorf("unknown severity %q (valid: %s, none)", s, strings.Join(Severities(), ", "))
}

// MarshalText makes severities read as words in JSON and YAML.
func (s Severity) MarshalText() ([]byte, error) {
	if s == SeverityUnset {
		return []byte(""), nil
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses a severity word.
func (s *Severity) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = SeverityUnset
		return nil
	}
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status is the four-valued outcome of evaluating a rule against one resource.
type Status string

const (
	// Pass means the rule was evaluated on complete data and holds.
	Pass Status = "pass"
	// Fail means the rule was evaluated and does not hold.
	Fail Status = "fail"
	// Skip means the rule does not apply here (with the reason).
	Skip Status = "skip"
	// Error means the rule could not be evaluated (missing data, unknown value); never a pass.
	Error Status = "error"
)

// Source is a citation for a rule's facts.
type Source struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Rule is one check with its documentation beside it.
type Rule struct {
	// ID is stable ("SP001"), never reused, never derived from the title.
	ID       string
	Title    string
	Category string
	// Severity is the default; the policy may override it.
	Severity Severity
	// Rationale says why the rule matters, in a few sentences.
	Rationale string
	// Remediation says how to fix it in general; results carry the exact command.
	Remediation string
	Sources     []Source
	// Needs lists the data kinds without which the rule cannot be evaluated.
	Needs []snapshot.DataKind
	// Params are the thresholds the policy may set.
	Params []Param
	// Check evaluates the rule. It must return at least one result: a rule with nothing to say
	// returns a Skip with the reason, so silence is never mistaken for a pass.
	Check func(c *Context) []Result
}

// Param is a threshold or setting of a rule. Default fixes its type: int, float64, string,
// bool or []string.
type Param struct {
	Name    string
	Doc     string
	Default any
}

// Resource names what a result is about.
type Resource struct {
	// Kind is one of cluster, pool, node, pod, workload, pdb.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Pool is the agent pool the resource lives in, when known.
	Pool string `json:"pool,omitempty"`
}

func (r Resource) String() string {
	if r.Namespace != "" {
		return r.Kind + "/" + r.Namespace + "/" + r.Name
	}
	return r.Kind + "/" + r.Name
}

// Evidence is one field value or threshold that decided a verdict.
type Evidence struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Result is what a check says about one resource.
type Result struct {
	Status   Status
	Resource Resource
	Message  string
	// Severity overrides the rule default for this result when a rule grades its failures
	// (e.g. fewer than 2 system nodes is high, fewer than 3 medium).
	Severity Severity
	Evidence []Evidence
	// Fix is the exact command that remediates this result, identity filled in where known.
	Fix string
}

// Context is what a check sees.
type Context struct {
	Snap   *snapshot.Snapshot
	Index  *snapshot.Index
	Now    time.Time
	params map[string]any
}

// NewContext builds a context; params holds resolved values for the rule's Params.
func NewContext(s *snapshot.Snapshot, ix *snapshot.Index, now time.Time, params map[string]any) *Context {
	return &Context{Snap: s, Index: ix, Now: now, params: params}
}

// Int returns an int parameter. Asking for an undeclared parameter is a programming error that
// the registry test catches; here it panics so the engine turns it into an error result.
func (c *Context) Int(name string) int { return get[int](c, name) }

// Has reports whether the rule declares a parameter name, for helpers several rules share.
func (c *Context) Has(name string) bool {
	_, ok := c.params[name]
	return ok
}

// Float returns a float64 parameter.
func (c *Context) Float(name string) float64 { return get[float64](c, name) }

// String returns a string parameter.
func (c *Context) String(name string) string { return get[string](c, name) }

// Bool returns a bool parameter.
func (c *Context) Bool(name string) bool { return get[bool](c, name) }

// Strings returns a []string parameter.
func (c *Context) Strings(name string) []string { return get[[]string](c, name) }

func get[T any](c *Context, name string) T {
	v, ok := c.params[name]
	if !ok {
		panic(fmt.Sprintf("parameter %q is not declared", name))
	}
	t, ok := v.(T)
	if !ok {
		panic(fmt.Sprintf("parameter %q is %T, not %T", name, v, *new(T)))
	}
	return t
}

// Defaults returns the default values of r's params.
func (r Rule) Defaults() map[string]any {
	m := make(map[string]any, len(r.Params))
	for _, p := range r.Params {
		m[p.Name] = p.Default
	}
	return m
}

// Registry is an ordered set of rules with unique IDs.
type Registry struct {
	rules []Rule
	byID  map[string]int
}

// NewRegistry checks that IDs are unique and well formed and sorts rules by ID.
func NewRegistry(rules []Rule) (*Registry, error) {
	r := &Registry{byID: make(map[string]int, len(rules))}
	r.rules = append(r.rules, rules...)
	sort.Slice(r.rules, func(i, j int) bool { return r.rules[i].ID < r.rules[j].ID })
	for i, ru := range r.rules {
		if ru.ID == "" || ru.Check == nil || ru.Title == "" {
			return nil, fmt.Errorf("rule %q: ID, Title and Check are required", ru.ID)
		}
		if _, dup := r.byID[ru.ID]; dup {
			return nil, fmt.Errorf("rule ID %s is registered twice", ru.ID)
		}
		r.byID[ru.ID] = i
	}
	return r, nil
}

// All returns the rules sorted by ID.
func (r *Registry) All() []Rule { return r.rules }

// Get returns the rule with the given ID, case-insensitively.
func (r *Registry) Get(id string) (Rule, bool) {
	i, ok := r.byID[strings.ToUpper(id)]
	if !ok {
		return Rule{}, false
	}
	return r.rules[i], true
}

// IDs returns all rule IDs in order.
func (r *Registry) IDs() []string {
	ids := make([]string, len(r.rules))
	for i, ru := range r.rules {
		ids[i] = ru.ID
	}
	return ids
}

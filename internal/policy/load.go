package policy

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/syspool/syspool/internal/rule"
)

//go:embed baselines/*.yaml
var baselineFS embed.FS

// DefaultBaseline is used when the policy names none.
const DefaultBaseline = "well-architected"

// Baselines lists the built-in baselines.
func Baselines() []string {
	entries, err := baselineFS.ReadDir("baselines")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// BaselineSource returns the YAML of a built-in baseline.
func BaselineSource(name string) ([]byte, error) {
	b, err := baselineFS.ReadFile("baselines/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("unknown baseline %q (valid: %s)", name, strings.Join(Baselines(), ", "))
	}
	return b, nil
}

// Error is a policy problem at a position in a file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, n.Value); err == nil {
			d.Time = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("line %d: expires %q: expected a date like 2027-01-31", n.Line, n.Value)
}

// Parse decodes and validates a policy file against the registry. name is used in messages.
func Parse(name string, data []byte, reg *rule.Registry) (*File, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "policy file is empty; start from `syspool policy init`"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{File: name, Msg: "expected one YAML document, found more"}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	v := validator{name: name, reg: reg, root: &root}
	v.check(&f)
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	return &f, nil
}

// yamlError turns yaml.v3 errors ("yaml: line 4: field x not found in type policy.File") into
// our positioned error with the valid keys spelled out where that helps.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var errs []error
		for _, m := range te.Errors {
			errs = append(errs, positioned(name, m))
		}
		return errors.Join(errs...)
	}
	return positioned(name, strings.TrimPrefix(err.Error(), "yaml: "))
}

func positioned(name, msg string) error {
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	msg = strings.Replace(msg, "not found in type policy.File", "is not a policy key (valid: apiVersion, kind, baseline, failOn, enable, disable, rules, overrides, waivers)", 1)
	msg = strings.Replace(msg, "not found in type policy.RuleConfig", "is not a rule setting (valid: enabled, severity, params)", 1)
	msg = strings.Replace(msg, "not found in type policy.WaiverConfig", "is not a waiver key (valid: rule, resource, cluster, reason, owner, expires)", 1)
	msg = strings.Replace(msg, "not found in type policy.Match", "is not a match key (valid: clusters, resourceGroups, subscriptions, tags)", 1)
	msg = strings.Replace(msg, "not found in type policy.Override", "is not an override key (valid: match, rules, disable)", 1)
	return &Error{File: name, Line: line, Msg: msg}
}

type validator struct {
	name string
	reg  *rule.Registry
	root *yaml.Node
	errs []error
}

func (v *validator) errorf(line int, format string, a ...any) {
	v.errs = append(v.errs, &Error{File: v.name, Line: line, Msg: fmt.Sprintf(format, a...)})
}

func (v *validator) check(f *File) {
	if f.APIVersion != "" && f.APIVersion != APIVersion {
		v.errorf(v.line("apiVersion"), "apiVersion %q is not supported (expected %s)", f.APIVersion, APIVersion)
	}
	if f.Kind != "" && f.Kind != Kind {
		v.errorf(v.line("kind"), "kind %q: expected %s", f.Kind, Kind)
	}
	if f.Baseline != "" {
		if _, err := BaselineSource(f.Baseline); err != nil {
			v.errorf(v.line("baseline"), "%v", err)
		}
	}
	if f.FailOn != "" {
		if _, err := rule.ParseSeverity(f.FailOn); err != nil {
			v.errorf(v.line("failOn"), "failOn: %v", err)
		}
	}
	for _, g := range append(append([]string{}, f.Enable...), f.Disable...) {
		v.checkGlob(g, v.line("enable", "disable"))
	}
	v.checkRules(f.Rules, v.line("rules"))
	for i, o := range f.Overrides {
		line := v.itemLine("overrides", i, "")
		if o.Match.empty() {
			v.errorf(line, "overrides[%d]: match is empty; it would apply to every cluster (put such settings under rules)", i)
		}
		v.checkRules(o.Rules, line)
		for _, g := range o.Disable {
			v.checkGlob(g, line)
		}
	}
	for i, w := range f.Waivers {
		line := v.itemLine("waivers", i, "")
		if _, ok := v.reg.Get(w.Rule); !ok {
			v.errorf(v.itemLine("waivers", i, "rule"), "waivers[%d]: unknown rule %q (valid: %s)", i, w.Rule, strings.Join(v.reg.IDs(), ", "))
		}
		if strings.TrimSpace(w.Reason) == "" {
			v.errorf(v.itemLine("waivers", i, "reason"), "waivers[%d] (%s): reason is required", i, w.Rule)
		}
		if strings.TrimSpace(w.Owner) == "" {
			v.errorf(v.itemLine("waivers", i, "owner"), "waivers[%d] (%s): owner is required", i, w.Rule)
		}
		if w.Expires.IsZero() {
			v.errorf(line, "waivers[%d] (%s): expires is required (a date like 2027-01-31): waivers must not live forever", i, w.Rule)
		}
		if _, err := path.Match(w.Resource, ""); err != nil {
			v.errorf(v.itemLine("waivers", i, "resource"), "waivers[%d] (%s): resource %q is not a valid glob", i, w.Rule, w.Resource)
		}
	}
}

func (m Match) empty() bool {
	return len(m.Clusters) == 0 && len(m.ResourceGroups) == 0 && len(m.Subscriptions) == 0 && len(m.Tags) == 0
}

func (v *validator) checkGlob(g string, line int) {
	if _, err := path.Match(g, ""); err != nil {
		v.errorf(line, "%q is not a valid rule glob", g)
		return
	}
	for _, id := range v.reg.IDs() {
		if ok, _ := path.Match(strings.ToUpper(g), id); ok {
			return
		}
	}
	v.errorf(line, "%q matches no rule (valid: %s)", g, strings.Join(v.reg.IDs(), ", "))
}

func (v *validator) checkRules(rules map[string]RuleConfig, line int) {
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rc := rules[id]
		r, ok := v.reg.Get(id)
		l := v.keyLine(id, line)
		if !ok {
			v.errorf(l, "unknown rule %q (valid: %s)", id, strings.Join(v.reg.IDs(), ", "))
			continue
		}
		if rc.Severity != "" {
			if s, err := rule.ParseSeverity(rc.Severity); err != nil || s == rule.Never {
				v.errorf(l, "rules.%s.severity %q: expected one of %s", id, rc.Severity, strings.Join(rule.Severities(), ", "))
			}
		}
		for name, val := range rc.Params {
			if _, err := convertParam(r, name, val); err != nil {
				v.errorf(v.keyLine(name, l), "rules.%s.params.%s: %v", id, name, err)
			}
		}
	}
}

// line finds the line of the first top-level key among names, for messages about that section.
func (v *validator) line(names ...string) int {
	if v.root == nil || len(v.root.Content) == 0 {
		return 0
	}
	m := v.root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		for _, n := range names {
			if m.Content[i].Value == n {
				return m.Content[i].Line
			}
		}
	}
	return 0
}

// itemLine finds the line of element i of the top-level list section, or of its member key when
// that is set and present, so a message points at the waiver or override it is about rather than
// at the section's first line. It falls back to the section's line.
func (v *validator) itemLine(section string, i int, key string) int {
	fallback := v.line(section)
	if v.root == nil || len(v.root.Content) == 0 {
		return fallback
	}
	m := v.root.Content[0]
	for j := 0; j+1 < len(m.Content); j += 2 {
		if m.Content[j].Value != section {
			continue
		}
		seq := m.Content[j+1]
		if seq.Kind != yaml.SequenceNode || i >= len(seq.Content) {
			return fallback
		}
		item := seq.Content[i]
		if key != "" && item.Kind == yaml.MappingNode {
			for k := 0; k+1 < len(item.Content); k += 2 {
				if item.Content[k].Value == key {
					return item.Content[k].Line
				}
			}
		}
		return item.Line
	}
	return fallback
}

// keyLine finds the first mapping key named key anywhere at or after line `from`.
func (v *validator) keyLine(key string, from int) int {
	best := 0
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if best != 0 {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Value == key && k.Line >= from {
					best = k.Line
					return
				}
				walk(n.Content[i+1])
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	if v.root != nil {
		walk(v.root)
	}
	if best == 0 {
		return from
	}
	return best
}

// convertParam checks a user value against the parameter's declared type (its default's type).
func convertParam(r rule.Rule, name string, val any) (any, error) {
	var p *rule.Param
	for i := range r.Params {
		if r.Params[i].Name == name {
			p = &r.Params[i]
		}
	}
	if p == nil {
		var names []string
		for _, q := range r.Params {
			names = append(names, q.Name)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("rule %s has no thresholds", r.ID)
		}
		return nil, fmt.Errorf("unknown threshold (valid for %s: %s)", r.ID, strings.Join(names, ", "))
	}
	switch p.Default.(type) {
	case int:
		switch x := val.(type) {
		case int:
			return x, nil
		}
		return nil, fmt.Errorf("expected a whole number, got %v", val)
	case float64:
		switch x := val.(type) {
		case int:
			return float64(x), nil
		case float64:
			return x, nil
		}
		return nil, fmt.Errorf("expected a number, got %v", val)
	case bool:
		if x, ok := val.(bool); ok {
			return x, nil
		}
		return nil, fmt.Errorf("expected true or false, got %v", val)
	case string:
		if x, ok := val.(string); ok {
			return x, nil
		}
		return nil, fmt.Errorf("expected a string, got %v", val)
	case []string:
		list, ok := val.([]any)
		if !ok {
			return nil, fmt.Errorf("expected a list of strings, got %v", val)
		}
		out := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("expected a list of strings, got element %v", e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("threshold type %T is not supported", p.Default)
}

package policy

import (
	"fmt"
	"path"
	"strings"

	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Resolved is a policy applied to one cluster.
type Resolved struct {
	Baseline string
	// FailOn is the policy's default for --fail-on; SeverityUnset when it sets none.
	FailOn  rule.Severity
	Options engine.Options
}

// Load parses the user's policy (nil data means "no policy file") on top of its baseline.
func Load(name string, data []byte, reg *rule.Registry) (base, user *File, err error) {
	if data != nil {
		if user, err = Parse(name, data, reg); err != nil {
			return nil, nil, err
		}
	}
	bname := DefaultBaseline
	if user != nil && user.Baseline != "" {
		bname = user.Baseline
	}
	return LoadBaseline(bname, reg, user)
}

// LoadBaseline parses a built-in baseline.
func LoadBaseline(bname string, reg *rule.Registry, user *File) (base, u *File, err error) {
	src, err := BaselineSource(bname)
	if err != nil {
		return nil, nil, err
	}
	base, err = Parse("baseline "+bname, src, reg)
	if err != nil {
		return nil, nil, fmt.Errorf("built-in %w", err)
	}
	base.Baseline = bname
	return base, user, nil
}

// Resolve turns baseline + user policy into engine options for cluster c. Later layers win:
// baseline, then the user's file, then each matching override in file order. Within a layer,
// disable is applied before enable, so `disable: ["*"]` with `enable: [SP001]` runs only SP001.
func Resolve(base, user *File, reg *rule.Registry, c snapshot.Cluster) (*Resolved, error) {
	enabled := map[string]bool{}
	for _, id := range reg.IDs() {
		enabled[id] = true
	}
	opts := engine.Options{Registry: reg, Severity: map[string]rule.Severity{}, Params: map[string]map[string]any{}}
	res := &Resolved{Baseline: base.Baseline}
	layers := []*File{base}
	if user != nil {
		layers = append(layers, user)
	}
	for _, f := range layers {
		setGlobs(enabled, f.Disable, false)
		setGlobs(enabled, f.Enable, true)
		if err := applyRules(&opts, enabled, reg, f.Rules); err != nil {
			return nil, err
		}
		if f.FailOn != "" {
			s, err := rule.ParseSeverity(f.FailOn)
			if err != nil {
				return nil, err
			}
			res.FailOn = s
		}
		for _, o := range f.Overrides {
			if !o.Match.matches(c) {
				continue
			}
			setGlobs(enabled, o.Disable, false)
			if err := applyRules(&opts, enabled, reg, o.Rules); err != nil {
				return nil, err
			}
		}
		for _, w := range f.Waivers {
			if w.Cluster != "" && !glob(w.Cluster, c.Name) {
				continue
			}
			opts.Waivers = append(opts.Waivers, engine.Waiver{Rule: strings.ToUpper(w.Rule), Resource: w.Resource,
				Reason: w.Reason, Owner: w.Owner, Expires: w.Expires.Time})
		}
	}
	opts.Enabled = func(id string) bool { return enabled[id] }
	res.Options = opts
	return res, nil
}

func setGlobs(enabled map[string]bool, globs []string, v bool) {
	for _, g := range globs {
		for id := range enabled {
			if glob(strings.ToUpper(g), id) {
				enabled[id] = v
			}
		}
	}
}

func applyRules(opts *engine.Options, enabled map[string]bool, reg *rule.Registry, rules map[string]RuleConfig) error {
	for id, rc := range rules {
		r, ok := reg.Get(id)
		if !ok {
			return fmt.Errorf("unknown rule %q", id)
		}
		if rc.Enabled != nil {
			enabled[r.ID] = *rc.Enabled
		}
		if rc.Severity != "" {
			s, err := rule.ParseSeverity(rc.Severity)
			if err != nil {
				return fmt.Errorf("rules.%s.severity: %w", r.ID, err)
			}
			opts.Severity[r.ID] = s
		}
		for name, val := range rc.Params {
			v, err := convertParam(r, name, val)
			if err != nil {
				return fmt.Errorf("rules.%s.params.%s: %w", r.ID, name, err)
			}
			if opts.Params[r.ID] == nil {
				opts.Params[r.ID] = map[string]any{}
			}
			opts.Params[r.ID][name] = v
		}
	}
	return nil
}

func (m Match) matches(c snapshot.Cluster) bool {
	if len(m.Clusters) > 0 && !anyGlob(m.Clusters, c.Name) {
		return false
	}
	if len(m.ResourceGroups) > 0 && !anyGlob(m.ResourceGroups, c.ResourceGroup) {
		return false
	}
	if len(m.Subscriptions) > 0 && !anyGlob(m.Subscriptions, c.SubscriptionID) {
		return false
	}
	for k, want := range m.Tags {
		got, ok := c.Tags[k]
		if !ok || !glob(want, got) {
			return false
		}
	}
	return true
}

func anyGlob(globs []string, s string) bool {
	for _, g := range globs {
		if glob(g, s) {
			return true
		}
	}
	return false
}

// glob matches case-insensitively: Azure names (resource groups, subscriptions) are.
func glob(pattern, s string) bool {
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(s))
	return err == nil && ok
}

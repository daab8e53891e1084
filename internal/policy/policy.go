// Package policy owns the user's policy file: the baseline it starts from, thresholds, severity
// overrides, rule selection, per-cluster overrides and waivers. It validates strictly (unknown
// keys, unknown rule IDs, mistyped thresholds are errors with a line number) and resolves
// everything into engine options for one cluster.
package policy

import (
	"time"
)

// APIVersion and Kind identify a policy document.
const (
	APIVersion = "syspool.io/v1"
	Kind       = "Policy"
)

// File is the policy file as written by the user.
type File struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	// Baseline names the built-in starting point: advisor, well-architected (default) or strict.
	Baseline string `yaml:"baseline"`
	// FailOn is the default for --fail-on; the flag wins when given.
	FailOn string `yaml:"failOn"`
	// Disable and then Enable select rules by ID or glob ("SP01*").
	Enable    []string              `yaml:"enable"`
	Disable   []string              `yaml:"disable"`
	Rules     map[string]RuleConfig `yaml:"rules"`
	Overrides []Override            `yaml:"overrides"`
	Waivers   []WaiverConfig        `yaml:"waivers"`
}

// RuleConfig adjusts one rule.
type RuleConfig struct {
	Enabled  *bool          `yaml:"enabled"`
	Severity string         `yaml:"severity"`
	Params   map[string]any `yaml:"params"`
}

// Override applies rule settings to the clusters it matches.
type Override struct {
	Match Match                 `yaml:"match"`
	Rules map[string]RuleConfig `yaml:"rules"`
	// Disable turns rules off for the matched clusters.
	Disable []string `yaml:"disable"`
}

// Match selects clusters. Every non-empty field must match; values in a list are alternatives
// and may be globs.
type Match struct {
	Clusters       []string          `yaml:"clusters"`
	ResourceGroups []string          `yaml:"resourceGroups"`
	Subscriptions  []string          `yaml:"subscriptions"`
	Tags           map[string]string `yaml:"tags"`
}

// WaiverConfig accepts a failing finding until it expires.
type WaiverConfig struct {
	Rule     string `yaml:"rule"`
	Resource string `yaml:"resource"`
	// Cluster narrows the waiver to clusters by name (glob); empty means any.
	Cluster string `yaml:"cluster"`
	Reason  string `yaml:"reason"`
	Owner   string `yaml:"owner"`
	Expires Date   `yaml:"expires"`
}

// Date is a calendar date (YYYY-MM-DD) or an RFC 3339 time in a policy file. A date waiver
// expires at the start of that day in UTC.
type Date struct{ time.Time }

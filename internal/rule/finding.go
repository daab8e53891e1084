package rule

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/syspool/syspool/internal/snapshot"
)

// ReportSchemaVersion is written into JSON reports; bump only with a reader for the old one.
const ReportSchemaVersion = 1

// Finding is a result with its rule's metadata resolved and policy applied.
type Finding struct {
	RuleID   string   `json:"ruleId"`
	Title    string   `json:"title"`
	Category string   `json:"category,omitempty"`
	Status   Status   `json:"status"`
	Severity Severity `json:"severity"`
	Resource Resource `json:"resource"`
	Message  string   `json:"message"`
	// Evidence are the values and thresholds that decided the verdict.
	Evidence []Evidence `json:"evidence,omitempty"`
	Fix      string     `json:"fix,omitempty"`
	// Fingerprint is stable across runs for the same rule and resource, so baselines, diffs and
	// SARIF can match findings without depending on message wording.
	Fingerprint string  `json:"fingerprint"`
	Waiver      *Waived `json:"waiver,omitempty"`
}

// Waived records the waiver that covered a failing finding.
type Waived struct {
	Reason  string    `json:"reason"`
	Owner   string    `json:"owner"`
	Expires time.Time `json:"expires"`
}

// Fingerprint derives the stable identity of a finding from its rule and resource only.
func Fingerprint(ruleID string, r Resource) string {
	h := sha256.New()
	for _, s := range []string{ruleID, r.Kind, r.Namespace, r.Name} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Counts tallies findings by status; failing findings are also counted by severity.
type Counts struct {
	Pass       int            `json:"pass"`
	Fail       int            `json:"fail"`
	Skip       int            `json:"skip"`
	Error      int            `json:"error"`
	Waived     int            `json:"waived"`
	BySeverity map[string]int `json:"failBySeverity,omitempty"`
}

// Report is the outcome of one run: what was checked, where the data came from, and the findings.
type Report struct {
	SchemaVersion int                 `json:"schemaVersion"`
	GeneratedAt   time.Time           `json:"generatedAt"`
	Cluster       snapshot.Cluster    `json:"cluster"`
	Provenance    snapshot.Provenance `json:"provenance"`
	Coverage      snapshot.Coverage   `json:"coverage"`
	Notes         []snapshot.Note     `json:"notes,omitempty"`
	Findings      []Finding           `json:"findings"`
	// PolicyNotes report waivers that expired or matched nothing, and similar policy hygiene.
	PolicyNotes []string `json:"policyNotes,omitempty"`
	Counts      Counts   `json:"counts"`
}

// Incomplete reports whether any finding could not be evaluated.
func (r *Report) Incomplete() bool { return r.Counts.Error > 0 }

// WorstFailing returns the highest severity among failing, unwaived findings, or SeverityUnset.
func (r *Report) WorstFailing() Severity {
	worst := SeverityUnset
	for _, f := range r.Findings {
		if f.Status == Fail && f.Waiver == nil && f.Severity > worst {
			worst = f.Severity
		}
	}
	return worst
}

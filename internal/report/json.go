package report

import (
	"encoding/json"
	"io"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"sigs.k8s.io/yaml"
)

// Document is the machine-readable report (-o json / yaml). Its shape is documented in
// docs/report.schema.json; schemaVersion changes only with a reader for the old one.
type Document struct {
	SchemaVersion int                      `json:"schemaVersion"`
	Kind          string                   `json:"kind"`
	GeneratedAt   time.Time                `json:"generatedAt"`
	Cluster       snapshot.Cluster         `json:"cluster"`
	Provenance    snapshot.Provenance      `json:"provenance"`
	Coverage      snapshot.Coverage        `json:"coverage"`
	Pools         []snapshot.Pool          `json:"pools"`
	Placement     []snapshot.PoolPlacement `json:"placement"`
	Notes         []snapshot.Note          `json:"notes,omitempty"`
	Findings      []rule.Finding           `json:"findings"`
	PolicyNotes   []string                 `json:"policyNotes,omitempty"`
	Counts        rule.Counts              `json:"counts"`
	FailOn        rule.Severity            `json:"failOn,omitempty"`
}

// DocumentKind marks a syspool report so readers can tell it from a snapshot.
const DocumentKind = "SyspoolReport"

// NewDocument assembles the machine-readable report.
func NewDocument(in Input) Document {
	pools := in.Snapshot.Pools
	if pools == nil {
		pools = []snapshot.Pool{}
	}
	// The schema says lists: a capture without pools or nodes gives empty ones, never null.
	placement := snapshot.Placement(snapshot.NewIndex(in.Snapshot))
	if placement == nil {
		placement = []snapshot.PoolPlacement{}
	}
	return Document{
		SchemaVersion: in.Report.SchemaVersion,
		Kind:          DocumentKind,
		GeneratedAt:   in.Report.GeneratedAt,
		Cluster:       in.Report.Cluster,
		Provenance:    in.Report.Provenance,
		Coverage:      in.Report.Coverage,
		Pools:         pools,
		Placement:     placement,
		Notes:         in.Report.Notes,
		Findings:      in.Report.Findings,
		PolicyNotes:   in.Report.PolicyNotes,
		Counts:        in.Report.Counts,
		FailOn:        in.FailOn,
	}
}

// JSON writes the report document as indented JSON.
func JSON(w io.Writer, in Input, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(NewDocument(in))
}

// YAML writes the same document as YAML (field names as in JSON).
func YAML(w io.Writer, in Input, _ Options) error {
	b, err := json.Marshal(NewDocument(in))
	if err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(b)
	if err != nil {
		return err
	}
	_, err = w.Write(y)
	return err
}

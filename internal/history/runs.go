package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/diff"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Run is one recorded `syspool check`.
type Run struct {
	ID      int64            `json:"id"`
	Cluster snapshot.Cluster `json:"cluster"`
	// At is the run's evaluation time (the report's generatedAt); RecordedAt when it was stored.
	At          time.Time      `json:"at"`
	RecordedAt  time.Time      `json:"recordedAt"`
	Digest      string         `json:"snapshotDigest"`
	ToolVersion string         `json:"toolVersion,omitempty"`
	Counts      rule.Counts    `json:"counts"`
	Worst       rule.Severity  `json:"worstFailing,omitempty"`
	Inventory   diff.Inventory `json:"-"`
	// Findings are loaded only by Latest and LatestBefore.
	Findings []rule.Finding `json:"-"`
}

// Side makes the run one side of a diff.
func (r Run) Side() diff.Side {
	return diff.Side{Label: fmt.Sprintf("run %d", r.ID), Cluster: r.Cluster, Digest: r.Digest, Time: r.At,
		Inventory: r.Inventory, Findings: r.Findings, HasFindings: r.Findings != nil}
}

// ClusterKey identifies a cluster across runs: its ARM ID, else subscription/group/name, else the
// name, lower-cased (ARM names are case-insensitive).
func ClusterKey(c snapshot.Cluster) string {
	switch {
	case c.ID != "":
		return strings.ToLower(c.ID)
	case c.SubscriptionID != "" && c.ResourceGroup != "":
		return strings.ToLower(c.SubscriptionID + "/" + c.ResourceGroup + "/" + c.Name)
	}
	return strings.ToLower(c.Name)
}

// timeFormat is fixed width so that text order in SQLite is time order.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

type state struct {
	Cluster   snapshot.Cluster `json:"cluster"`
	Inventory diff.Inventory   `json:"inventory"`
}

// Record stores a run and its findings in one transaction and returns its ID. RecordedAt is set
// from the database's clock when zero.
func (d *DB) Record(ctx context.Context, run Run) (int64, error) {
	if run.RecordedAt.IsZero() {
		run.RecordedAt = d.now()
	}
	st, err := json.Marshal(state{Cluster: run.Cluster, Inventory: run.Inventory})
	if err != nil {
		return 0, fmt.Errorf("record run: %w", err)
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("record run in %s: %w", d.path, err)
	}
	defer tx.Rollback() // no-op after Commit
	c := run.Counts
	res, err := tx.ExecContext(ctx, `INSERT INTO runs (cluster_key, cluster_name, cluster_id, subscription_id, resource_group,
		run_at, recorded_at, snapshot_digest, tool_version, pass, fail, skip, error, waived, worst, state)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ClusterKey(run.Cluster), run.Cluster.Name, run.Cluster.ID, run.Cluster.SubscriptionID, run.Cluster.ResourceGroup,
		formatTime(run.At), formatTime(run.RecordedAt), run.Digest, run.ToolVersion,
		c.Pass, c.Fail, c.Skip, c.Error, c.Waived, severityText(run.Worst), string(st))
	if err != nil {
		return 0, fmt.Errorf("record run in %s: %w", d.path, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("record run in %s: %w", d.path, err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO findings (run_id, seq, fingerprint, rule_id, status, severity, resource, waived, finding)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, fmt.Errorf("record run in %s: %w", d.path, err)
	}
	defer stmt.Close()
	for i, f := range run.Findings {
		b, err := json.Marshal(f)
		if err != nil {
			return 0, fmt.Errorf("record finding %s: %w", f.Fingerprint, err)
		}
		if _, err := stmt.ExecContext(ctx, id, i, f.Fingerprint, f.RuleID, string(f.Status), f.Severity.String(),
			f.Resource.String(), f.Waiver != nil, string(b)); err != nil {
			return 0, fmt.Errorf("record run in %s: %w", d.path, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("record run in %s: %w", d.path, err)
	}
	return id, nil
}

// Filter selects runs. Cluster matches a cluster's name or key, case-insensitively; empty matches
// all. Limit 0 means no limit.
type Filter struct {
	Cluster string
	Limit   int
}

const runColumns = `id, cluster_name, run_at, recorded_at, snapshot_digest, tool_version, pass, fail, skip, error, waived, worst, state`

// Runs lists runs, newest first (by evaluation time, then ID), without their findings.
func (d *DB) Runs(ctx context.Context, f Filter) ([]Run, error) {
	q := "SELECT " + runColumns + " FROM runs"
	var args []any
	if f.Cluster != "" {
		q += " WHERE lower(cluster_name) = lower(?) OR cluster_key = lower(?)"
		args = append(args, f.Cluster, f.Cluster)
	}
	q += " ORDER BY run_at DESC, id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list runs in %s: %w", d.path, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs in %s: %w", d.path, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Clusters lists the distinct clusters that have runs, by name, for "which cluster?" errors.
func (d *DB) Clusters(ctx context.Context) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT DISTINCT cluster_name FROM runs ORDER BY cluster_name")
	if err != nil {
		return nil, fmt.Errorf("list clusters in %s: %w", d.path, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ErrNoRun is returned when no run matches.
var ErrNoRun = errors.New("no recorded run")

// Latest returns the newest run of cluster, with its findings.
func (d *DB) Latest(ctx context.Context, cluster string) (Run, error) {
	return d.one(ctx, cluster, time.Time{}, 0)
}

// LatestBefore returns the newest run of cluster evaluated at or before t, other than run
// exclude, with its findings.
func (d *DB) LatestBefore(ctx context.Context, cluster string, t time.Time, exclude int64) (Run, error) {
	return d.one(ctx, cluster, t, exclude)
}

func (d *DB) one(ctx context.Context, cluster string, before time.Time, exclude int64) (Run, error) {
	q := "SELECT " + runColumns + " FROM runs WHERE (lower(cluster_name) = lower(?) OR cluster_key = lower(?)) AND id != ?"
	args := []any{cluster, cluster, exclude}
	if !before.IsZero() {
		q += " AND run_at <= ?"
		args = append(args, formatTime(before))
	}
	q += " ORDER BY run_at DESC, id DESC LIMIT 1"
	r, err := scanRun(d.db.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, ErrNoRun
	}
	if err != nil {
		return Run{}, fmt.Errorf("read run from %s: %w", d.path, err)
	}
	if r.Findings, err = d.findings(ctx, r.ID); err != nil {
		return Run{}, err
	}
	return r, nil
}

func (d *DB) findings(ctx context.Context, runID int64) ([]rule.Finding, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT finding FROM findings WHERE run_id = ? ORDER BY seq", runID)
	if err != nil {
		return nil, fmt.Errorf("read findings of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := []rule.Finding{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		var f rule.Finding
		if err := json.Unmarshal([]byte(s), &f); err != nil {
			return nil, fmt.Errorf("read findings of run %d: %w", runID, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanRun(s scanner) (Run, error) {
	var r Run
	var name, at, recorded, worst, st string
	if err := s.Scan(&r.ID, &name, &at, &recorded, &r.Digest, &r.ToolVersion, &r.Counts.Pass, &r.Counts.Fail,
		&r.Counts.Skip, &r.Counts.Error, &r.Counts.Waived, &worst, &st); err != nil {
		return Run{}, err
	}
	var err error
	if r.At, err = time.Parse(timeFormat, at); err != nil {
		return Run{}, fmt.Errorf("run %d: bad time %q", r.ID, at)
	}
	if r.RecordedAt, err = time.Parse(timeFormat, recorded); err != nil {
		return Run{}, fmt.Errorf("run %d: bad time %q", r.ID, recorded)
	}
	if worst != "" {
		if r.Worst, err = rule.ParseSeverity(worst); err != nil {
			return Run{}, fmt.Errorf("run %d: %w", r.ID, err)
		}
	}
	var sv state
	if err := json.Unmarshal([]byte(st), &sv); err != nil {
		return Run{}, fmt.Errorf("run %d: %w", r.ID, err)
	}
	r.Cluster, r.Inventory = sv.Cluster, sv.Inventory
	if r.Cluster.Name == "" {
		r.Cluster.Name = name
	}
	return r, nil
}

func severityText(s rule.Severity) string {
	if s == rule.SeverityUnset {
		return ""
	}
	return s.String()
}

// NewRun assembles the run of one check: the snapshot's digest (sealed, else computed), identity,
// inventory and the report's findings.
func NewRun(s *snapshot.Snapshot, rep *rule.Report, toolVersion string) (Run, error) {
	digest := s.Digest
	if digest == "" {
		var err error
		if digest, err = snapshot.ContentDigest(s); err != nil {
			return Run{}, err
		}
	}
	return Run{Cluster: s.Cluster, At: rep.GeneratedAt, Digest: digest, ToolVersion: toolVersion,
		Counts: rep.Counts, Worst: rep.WorstFailing(), Inventory: diff.InventoryOf(s), Findings: rep.Findings}, nil
}

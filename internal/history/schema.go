package history

import (
	"context"
	"fmt"
	"time"
)

// migrations[i] takes the schema from version i to i+1. Forward only: a released migration is
// never edited or removed, and a database from a newer syspool is refused rather than downgraded.
// PRAGMA user_version holds the version; the schema_version table records when each was applied.
var migrations = []string{
	// 1: runs and their findings.
	`CREATE TABLE schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL
	);
	CREATE TABLE runs (
		id              INTEGER PRIMARY KEY AUTOINCREMENT,
		cluster_key     TEXT NOT NULL,   -- lower-case ARM ID, else subscription/group/name, else name
		cluster_name    TEXT NOT NULL,
		cluster_id      TEXT NOT NULL DEFAULT '',
		subscription_id TEXT NOT NULL DEFAULT '',
		resource_group  TEXT NOT NULL DEFAULT '',
		run_at          TEXT NOT NULL,   -- evaluation time, UTC, fixed width so text order is time order
		recorded_at     TEXT NOT NULL,
		snapshot_digest TEXT NOT NULL,
		tool_version    TEXT NOT NULL DEFAULT '',
		pass            INTEGER NOT NULL,
		fail            INTEGER NOT NULL,
		skip            INTEGER NOT NULL,
		error           INTEGER NOT NULL,
		waived          INTEGER NOT NULL,
		worst           TEXT NOT NULL DEFAULT '',
		state           TEXT NOT NULL    -- JSON: the cluster and its diff.Inventory
	);
	CREATE INDEX runs_by_cluster ON runs (cluster_key, run_at);
	CREATE TABLE findings (
		run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
		seq         INTEGER NOT NULL,
		fingerprint TEXT NOT NULL,
		rule_id     TEXT NOT NULL,
		status      TEXT NOT NULL,
		severity    TEXT NOT NULL,
		resource    TEXT NOT NULL,
		waived      INTEGER NOT NULL,
		finding     TEXT NOT NULL,       -- JSON of rule.Finding
		PRIMARY KEY (run_id, seq)
	) WITHOUT ROWID;
	CREATE INDEX findings_by_fingerprint ON findings (fingerprint);`,
}

// SchemaVersion is the schema this syspool writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the missing migrations in one write transaction. The version is read again
// inside it, because another process may have migrated between Open's check and now.
func (d *DB) migrate(ctx context.Context) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("history database %s: %w", d.path, err)
	}
	defer tx.Rollback() // no-op after Commit
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("history database %s: %w", d.path, err)
	}
	if v > len(migrations) {
		return fmt.Errorf("%w: %s has schema version %d, this syspool knows up to %d", ErrTooNew, d.path, v, len(migrations))
	}
	if v == len(migrations) {
		return nil
	}
	for i := v; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("history database %s: migrate to schema %d: %w", d.path, i+1, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
			i+1, d.now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("history database %s: record schema %d: %w", d.path, i+1, err)
		}
	}
	// PRAGMA takes no bound parameters; both values are constants of this package.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
		return fmt.Errorf("history database %s: %w", d.path, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return fmt.Errorf("history database %s: %w", d.path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("history database %s: migrate: %w", d.path, err)
	}
	return nil
}

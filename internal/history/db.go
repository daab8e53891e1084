// Package history keeps every recorded `syspool check` run (snapshot digest, cluster identity,
// inventory and findings) in an embedded SQLite database, so drift can be listed per cluster and
// diffed over time. It uses modernc.org/sqlite (pure Go, no cgo). Writes are transactions in WAL
// mode with a busy timeout, so concurrent writers queue and a killed writer leaves the last
// committed state; a database this package cannot read, or one written by a newer syspool, is
// refused and never written to.
package history

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// ApplicationID marks a SQLite file as a syspool history database (PRAGMA application_id), so a
// file of another program given as --db is recognised and left alone. "SPHD" in ASCII.
const ApplicationID = 0x53504844

// busyTimeout is how long a writer waits for another writer's transaction before failing.
const busyTimeout = 10 * time.Second

// DB is an open history database.
type DB struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// CorruptError says the file at Path cannot be used as a history database. Nothing was written to
// it; Error says how to move it aside.
type CorruptError struct {
	Path   string
	Reason string
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("history database %s cannot be used: %s. It was left untouched; move it aside (mv %q %q) and syspool will start a new one, or pass --db",
		e.Path, e.Reason, e.Path, e.Path+".broken")
}

func (e *CorruptError) Unwrap() error { return e.Err }

// ErrTooNew is wrapped when the database was written by a newer syspool.
var ErrTooNew = errors.New("history database schema is newer than this syspool")

// DefaultPath is $XDG_STATE_HOME/syspool/history.db, else ~/.local/state/syspool/history.db (on
// Windows %LOCALAPPDATA%\syspool\history.db).
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "syspool", "history.db"), nil
	}
	if runtime.GOOS == "windows" {
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "syspool", "history.db"), nil
		}
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("cannot find the state directory: neither XDG_STATE_HOME nor HOME is set; pass --db")
	}
	return filepath.Join(home, ".local", "state", "syspool", "history.db"), nil
}

var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens the database at path, creating it (and its directory) if it does not exist, and
// migrates it forward. It checks the file before changing anything in it: an existing file must be
// an SQLite database that passes quick_check and is either empty or a syspool history database of a
// schema this version knows.
//
// now stamps migrations and recorded runs; pass the command's injected clock.
func Open(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	if err := precheck(path); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the history directory: %w", err)
	}
	// Only per-connection settings here: journal_mode is persistent and is set after the checks.
	// _txlock=immediate makes every transaction take the write lock at BEGIN, so two writers queue
	// on the busy timeout instead of deadlocking on a lock upgrade.
	dsn := "file:" + filepath.ToSlash(path) + fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_txlock=immediate", busyTimeout.Milliseconds())
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open history database %s: %w", path, err)
	}
	// One connection: a CLI run needs no more, and it keeps the busy timeout the only arbiter
	// between this process and others.
	sdb.SetMaxOpenConns(1)
	db := &DB{db: sdb, path: path, now: now}
	if err := db.check(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	if _, err := sdb.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("history database %s: enable WAL: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// precheck refuses a file that is plainly not SQLite before the driver touches it.
func precheck(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open history database %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open history database %s: %w", path, err)
	}
	if st.IsDir() {
		return &CorruptError{Path: path, Reason: "it is a directory"}
	}
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
		return nil // an empty file is a new database
	}
	if err != nil || !bytes.Equal(head, sqliteMagic) {
		return &CorruptError{Path: path, Reason: "it is not an SQLite database"}
	}
	return nil
}

// check runs quick_check and makes sure the file is ours and not from a newer syspool.
func (d *DB) check(ctx context.Context) error {
	rows, err := d.db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return &CorruptError{Path: d.path, Reason: "SQLite cannot read it (" + err.Error() + ")", Err: err}
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return &CorruptError{Path: d.path, Reason: "quick_check failed (" + err.Error() + ")", Err: err}
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return &CorruptError{Path: d.path, Reason: "quick_check failed (" + err.Error() + ")", Err: err}
	}
	rows.Close()
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], fmt.Sprintf("and %d more", len(problems)-3))
		}
		return &CorruptError{Path: d.path, Reason: "it is damaged: " + strings.Join(problems, "; ")}
	}
	// The three reads share one transaction (BEGIN IMMEDIATE, see the DSN): read one by one, they
	// could straddle another process's first migration and see its tables without its
	// application_id, and call a fresh syspool database another program's.
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("history database %s: %w", d.path, err)
	}
	defer tx.Rollback() // read-only: nothing to keep
	var appID, userVersion, tables int
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return &CorruptError{Path: d.path, Reason: err.Error(), Err: err}
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&userVersion); err != nil {
		return &CorruptError{Path: d.path, Reason: err.Error(), Err: err}
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return &CorruptError{Path: d.path, Reason: err.Error(), Err: err}
	}
	switch {
	case appID == 0 && tables == 0:
		return nil // new
	case appID != ApplicationID:
		return &CorruptError{Path: d.path, Reason: "it is an SQLite database of another program (not a syspool history database)"}
	case userVersion > len(migrations):
		return fmt.Errorf("%w: %s has schema version %d, this syspool knows up to %d; upgrade syspool or pass another --db",
			ErrTooNew, d.path, userVersion, len(migrations))
	}
	return nil
}

// Path returns the file the database lives in.
func (d *DB) Path() string { return d.path }

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok" when sound).
func (d *DB) IntegrityCheck(ctx context.Context) (string, error) {
	rows, err := d.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n"), rows.Err()
}

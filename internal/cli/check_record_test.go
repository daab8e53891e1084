package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syspool/syspool/internal/history"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// TestCheckRecordBadDBFailsFast: a --db that cannot be opened is an input error found before
// anything is collected, so nothing is printed and the exit code is 2, not a report followed by 2.
func TestCheckRecordBadDBFailsFast(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(bad, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(bad, "h.db") // a path under a regular file cannot be created
	code, out, errOut := runAt(t, evidenceNow, nil, "check", "../../examples/shared-pool", "--record", "--db", db)
	if code != int(ExitUsage) || out != "" || !strings.Contains(errOut, "--record") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d, no stdout and a --record error", code, out, errOut, ExitUsage)
	}
}

// TestRecordOrWarnKeepsVerdict: a failure to store a run after its verdict is a warning naming
// the database; it does not turn into an error (and so an exit code of its own).
func TestRecordOrWarnKeepsVerdict(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := history.Open(context.Background(), path, func() time.Time { return evidenceNow })
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil { // every write now fails
		t.Fatal(err)
	}
	ios, _, out, errOut := iostreams.Test()
	snap := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "c"}}
	recordOrWarn(context.Background(), ios, db, snap, &rule.Report{})
	if out.Len() != 0 || !strings.Contains(errOut.String(), "warning: --record: the run was not recorded in "+path) {
		t.Fatalf("stdout %q, stderr %q; want a warning naming %s", out, errOut, path)
	}
}

package history

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/diff"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return t0 }

// helperEnv makes the test binary act as a writer process that the parent kills.
const helperEnv = "SYSPOOL_HISTORY_TEST_WRITER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(writerProcess(mode, os.Getenv("SYSPOOL_HISTORY_TEST_DB")))
	}
	os.Exit(m.Run())
}

// findingsPerRun is what every recorded test run carries, so a half-written run is detectable.
const findingsPerRun = 40

func testRun(cluster string, at time.Time, fail int) Run {
	c := snapshot.Cluster{Name: cluster, SubscriptionID: "sub", ResourceGroup: "rg"}
	var fs []rule.Finding
	for i := 0; i < findingsPerRun; i++ {
		st := rule.Pass
		if i < fail {
			st = rule.Fail
		}
		res := rule.Resource{Kind: "pool", Name: fmt.Sprintf("pool%02d", i)}
		fs = append(fs, rule.Finding{RuleID: "SP006", Title: "t", Status: st, Severity: rule.High, Resource: res,
			Message: "m", Fingerprint: rule.Fingerprint("SP006", res)})
	}
	return Run{Cluster: c, At: at, Digest: "sha256:" + fmt.Sprintf("%064x", at.Unix()), ToolVersion: "test",
		Counts: rule.Counts{Pass: findingsPerRun - fail, Fail: fail}, Worst: rule.High, Findings: fs,
		Inventory: diff.Inventory{Pools: []snapshot.Pool{{Name: "sys", Mode: "System"}}}}
}

func open(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestRecordAndQuery(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "state", "history.db"))
	for i, r := range []Run{
		testRun("aks-prod", t0.Add(-48*time.Hour), 0),
		testRun("aks-prod", t0.Add(-25*time.Hour), 1),
		testRun("aks-dev", t0.Add(-2*time.Hour), 2),
		testRun("aks-prod", t0.Add(-1*time.Hour), 3),
	} {
		id, err := db.Record(ctx, r)
		if err != nil || id != int64(i+1) {
			t.Fatalf("record %d: id %d, %v", i, id, err)
		}
	}
	runs, err := db.Runs(ctx, Filter{Cluster: "AKS-PROD"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]int64{4, 2, 1}, ids); diff != "" {
		t.Errorf("runs of aks-prod, newest first (-want +got):\n%s", diff)
	}
	latest, err := db.Latest(ctx, "aks-prod")
	if err != nil {
		t.Fatal(err)
	}
	want := testRun("aks-prod", t0.Add(-1*time.Hour), 3)
	if diff := cmp.Diff(want.Findings, latest.Findings); diff != "" {
		t.Errorf("findings round trip (-want +got):\n%s", diff)
	}
	if latest.Cluster.SubscriptionID != "sub" || latest.Counts.Fail != 3 || latest.Worst != rule.High || len(latest.Inventory.Pools) != 1 {
		t.Errorf("latest run: %+v", latest)
	}
	// "--since 24h" at t0: the newest run evaluated at or before t0-24h is run 2.
	base, err := db.LatestBefore(ctx, "aks-prod", t0.Add(-24*time.Hour), latest.ID)
	if err != nil || base.ID != 2 {
		t.Errorf("LatestBefore = run %d, %v; want run 2", base.ID, err)
	}
	if _, err := db.LatestBefore(ctx, "aks-prod", t0.Add(-72*time.Hour), 0); !errors.Is(err, ErrNoRun) {
		t.Errorf("no run that old: err = %v", err)
	}
	clusters, _ := db.Clusters(ctx)
	if diff := cmp.Diff([]string{"aks-dev", "aks-prod"}, clusters); diff != "" {
		t.Errorf("clusters:\n%s", diff)
	}
	d := diff.Compare(base.Side(), latest.Side())
	if len(d.New) != 2 || !d.FindingsCompared {
		t.Errorf("diff of two runs: %d new findings, want 2", len(d.New))
	}
}

func TestSchemaIsVersionedAndMigratedOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	for i := 0; i < 3; i++ {
		db, err := Open(ctx, path, clock)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		db.Close()
	}
	raw := rawDB(t, path)
	var userVersion, appID, applied int
	var mode string
	raw.QueryRow("PRAGMA user_version").Scan(&userVersion)
	raw.QueryRow("PRAGMA application_id").Scan(&appID)
	raw.QueryRow("SELECT count(*) FROM schema_version").Scan(&applied)
	raw.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if userVersion != SchemaVersion() || appID != ApplicationID || applied != SchemaVersion() || mode != "wal" {
		t.Errorf("user_version %d, application_id %#x, schema_version rows %d, journal %s", userVersion, appID, applied, mode)
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestConcurrentWriters: several handles (as several processes would have) record at once; every
// run lands whole and the file stays sound.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	const writers, each = 6, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			db, err := Open(ctx, path, clock)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			for i := 0; i < each; i++ {
				if _, err := db.Record(ctx, testRun(fmt.Sprintf("c%d", w), t0.Add(time.Duration(i)*time.Minute), i%3)); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	db := open(t, path)
	assertConsistent(t, db, writers*each)
}

// assertConsistent checks integrity_check and that every run has all its findings.
func assertConsistent(t *testing.T, db *DB, wantRuns int) {
	t.Helper()
	ctx := context.Background()
	if v, err := db.IntegrityCheck(ctx); err != nil || v != "ok" {
		t.Fatalf("integrity_check = %q, %v", v, err)
	}
	var runs, partial int
	db.db.QueryRow("SELECT count(*) FROM runs").Scan(&runs)
	db.db.QueryRow(`SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM findings f WHERE f.run_id = r.id) != ?`, findingsPerRun).Scan(&partial)
	if wantRuns >= 0 && runs != wantRuns {
		t.Errorf("%d runs, want %d", runs, wantRuns)
	}
	if partial != 0 {
		t.Errorf("%d runs are missing findings", partial)
	}
}

// writerProcess is the child of TestKilledWriter. "hold" stops inside an open transaction and
// waits to be killed; "loop" records runs until it is killed at some arbitrary point.
func writerProcess(mode, path string) int {
	ctx := context.Background()
	db, err := Open(ctx, path, clock)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	switch mode {
	case "hold":
		tx, err := db.db.BeginTx(ctx, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		res, err := tx.Exec(`INSERT INTO runs (cluster_key, cluster_name, run_at, recorded_at, snapshot_digest, pass, fail, skip, error, waived, state)
			VALUES ('k', 'killed', 'x', 'x', 'd', 0, 0, 0, 0, 0, '{}')`)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		id, _ := res.LastInsertId()
		for i := 0; i < 2000; i++ {
			if _, err := tx.Exec(`INSERT INTO findings VALUES (?, ?, 'f', 'SP001', 'fail', 'high', 'r', 0, '{}')`, id, i); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		fmt.Println("holding")
		time.Sleep(time.Minute)
	case "loop":
		fmt.Println("writing")
		for i := 0; ; i++ {
			if _, err := db.Record(ctx, testRun("looping", t0.Add(time.Duration(i)*time.Second), i%5)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
	}
	return 0
}

func TestKilledWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	for _, mode := range []string{"hold", "loop"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "history.db")
			db, err := Open(ctx, path, clock)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Record(ctx, testRun("before", t0, 1)); err != nil {
				t.Fatal(err)
			}
			db.Close()

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+mode, "SYSPOOL_HISTORY_TEST_DB="+path)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("writer did not start: %v", err)
			}
			if mode == "loop" {
				time.Sleep(300 * time.Millisecond) // somewhere in the middle of some transaction
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no deferred cleanup runs
				t.Fatal(err)
			}
			cmd.Wait()
			t.Logf("writer said %q and was killed", line)

			db = open(t, path)
			assertConsistent(t, db, -1)
			runs, err := db.Runs(ctx, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if mode == "hold" && len(runs) != 1 {
				t.Errorf("%d runs after killing a writer mid-transaction, want only the committed one", len(runs))
			}
			if _, err := db.Record(ctx, testRun("after", t0, 0)); err != nil {
				t.Errorf("the database must stay writable after a killed writer: %v", err)
			}
			t.Logf("%d runs survived", len(runs))
		})
	}
}

func TestRefusesWhatItCannotRead(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		make    func(t *testing.T, path string)
		corrupt bool // else ErrTooNew
		reason  string
	}{
		{"not SQLite", func(t *testing.T, p string) { os.WriteFile(p, []byte("this is my diary, not a database\n"), 0o600) }, true, "not an SQLite database"},
		{"another program's database", func(t *testing.T, p string) {
			db := rawDB(t, p)
			if _, err := db.Exec("CREATE TABLE accounts (id INTEGER); INSERT INTO accounts VALUES (1)"); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}, true, "another program"},
		{"newer syspool", func(t *testing.T, p string) {
			db, err := Open(ctx, p, clock)
			if err != nil {
				t.Fatal(err)
			}
			db.db.Exec("PRAGMA user_version = 99")
			db.Close()
		}, false, "schema version 99"},
		{"damaged pages", func(t *testing.T, p string) {
			db, err := Open(ctx, p, clock)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 20; i++ {
				db.Record(ctx, testRun("c", t0.Add(time.Duration(i)*time.Hour), 1))
			}
			db.Close()
			b, _ := os.ReadFile(p)
			for i := 4096 + 100; i < len(b)-4096; i += 7 {
				b[i] ^= 0x5a
			}
			os.WriteFile(p, b, 0o600)
		}, true, ""},
		{"truncated", func(t *testing.T, p string) {
			db, err := Open(ctx, p, clock)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 20; i++ {
				db.Record(ctx, testRun("c", t0.Add(time.Duration(i)*time.Hour), 1))
			}
			db.Close()
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/3], 0o600)
		}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.db")
			tt.make(t, path)
			before := fileSum(t, path)
			db, err := Open(ctx, path, clock)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			var ce *CorruptError
			if tt.corrupt != errors.As(err, &ce) || (!tt.corrupt && !errors.Is(err, ErrTooNew)) {
				t.Errorf("error %T %v", err, err)
			}
			if tt.corrupt && !strings.Contains(err.Error(), "move it aside") {
				t.Errorf("error %q does not say how to move the file aside", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not mention %q", err, tt.reason)
			}
			if after := fileSum(t, path); after != before {
				t.Error("a database that could not be used was modified")
			}
		})
	}
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(len(b)) + fmt.Sprintf("%x", sha256.Sum256(b))
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/state", "HOME": "/home/u"}, "/state/syspool/history.db"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/u"}, "/home/u/.local/state/syspool/history.db"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.local/state/syspool/history.db"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		got, err := DefaultPath(func(k string) string { return tt.env[k] })
		if filepath.ToSlash(got) != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("DefaultPath(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}

// BenchmarkRecord measures one recorded run of findingsPerRun findings (one transaction, WAL).
func BenchmarkRecord(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "history.db"), clock)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	run := testRun("bench", t0, 3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.Record(ctx, run); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReleasedMigrationsAreFrozen pins each released migration: databases in the field were
// created by them, so editing one would leave those databases different from new ones. Add a
// migration instead, and pin it here.
func TestReleasedMigrationsAreFrozen(t *testing.T) {
	pinned := []string{
		"f8f5cd484149ae062efc1fd6e417086b279cc899af1692e37b1b1e90f3ba7f7d",
	}
	if len(migrations) < len(pinned) {
		t.Fatalf("%d migrations, %d released: a released migration was removed", len(migrations), len(pinned))
	}
	for i, want := range pinned {
		if got := fmt.Sprintf("%x", sha256.Sum256([]byte(migrations[i]))); got != want {
			t.Errorf("migration %d was edited after release (sha256 %s, pinned %s)", i+1, got, want)
		}
	}
	if len(migrations) > len(pinned) {
		t.Errorf("migration %d is not pinned here yet", len(pinned)+1)
	}
}

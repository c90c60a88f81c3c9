package pgtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestNewGivesAnIsolatedMigratedDatabase(t *testing.T) {
	a, b := New(t), New(t)
	ctx := context.Background()
	var nameA, nameB string
	_ = a.QueryRow(ctx, "SELECT current_database()").Scan(&nameA)
	_ = b.QueryRow(ctx, "SELECT current_database()").Scan(&nameB)
	if nameA == nameB {
		t.Fatal("two tests share a database")
	}
	var tables int
	if err := a.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'identity'`).Scan(&tables); err != nil || tables == 0 {
		t.Fatalf("not migrated: %d tables, %v", tables, err)
	}
}

// TestProbe is run by TestMissingDatabase in a child process.
func TestProbe(t *testing.T) {
	if os.Getenv("PGTEST_PROBE") == "" {
		t.Skip("run by TestMissingDatabase")
	}
	New(t)
}

func TestMissingDatabaseFailsInCIAndSkipsElsewhere(t *testing.T) {
	for _, ci := range []string{"true", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestProbe$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_PROBE=1", "PGTEST_NO_CONTAINER=1", "CI="+ci,
			"TEST_DATABASE_URL=postgres://postgres@127.0.0.1:1/none?connect_timeout=2")
		out, err := cmd.CombinedOutput()
		switch {
		case ci != "" && (err == nil || !strings.Contains(string(out), "no PostgreSQL")):
			t.Fatalf("CI=true: want a failure naming the missing database, got err=%v\n%s", err, out)
		case ci == "" && (err != nil || !strings.Contains(string(out), "SKIP")):
			t.Fatalf("without CI: want a skip, got err=%v\n%s", err, out)
		}
	}
}

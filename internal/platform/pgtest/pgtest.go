// Package pgtest gives tests isolated, migrated PostgreSQL databases.
//
// The server is found in this order: TEST_DATABASE_URL; the local default
// (postgres://postgres@127.0.0.1:5432/postgres); a container started by
// testcontainers-go when Docker is available. Without any, the test is
// skipped with a message, except when CI is set: then it fails.
//
// The migrations are applied once per server into a template database named
// after their content hash; every New clones it (CREATE DATABASE … TEMPLATE),
// which takes a few tens of milliseconds, and drops the clone at cleanup.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"

	"tasktracker/db"
	"tasktracker/internal/platform/postgres"
)

const localDefault = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	serverOnce sync.Once
	serverDSN  string
	serverErr  error

	templateMu    sync.Mutex
	templateReady = map[string]bool{}
)

// DSN returns the URL of a fresh, migrated database for this test, dropped
// when the test ends.
func DSN(t testing.TB) string {
	t.Helper()
	base := server(t)
	tmpl := ensureTemplate(t, base)
	name := "tt_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := adminConn(t, base)
	defer conn.Close(ctx)
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		_, err = conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s",
			pgx.Identifier{name}.Sanitize(), pgx.Identifier{tmpl}.Sanitize()))
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" { // object_in_use
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("pgtest: create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return withDatabase(base, name)
}

// New returns a pool on a fresh, migrated database, closed and dropped when
// the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := DSN(t)
	// The production pool settings (statement tracing, generic plans, UTC).
	pool, err := postgres.Open(context.Background(), dsn, postgres.PoolOptions{MaxConns: 10, CommandTimeout: time.Minute})
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func server(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() { serverDSN, serverErr = findServer() })
	if serverErr != nil {
		msg := "pgtest: no PostgreSQL for integration tests: " + serverErr.Error() +
			" (set TEST_DATABASE_URL, start a local server, or run Docker)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return serverDSN
}

func findServer() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if dsn := os.Getenv("TEST_DATABASE_URL"); dsn != "" {
		if err := ping(ctx, dsn); err != nil {
			return "", fmt.Errorf("TEST_DATABASE_URL does not answer: %w", err)
		}
		return dsn, nil
	}
	localErr := ping(ctx, localDefault)
	if localErr == nil {
		return localDefault, nil
	}
	if os.Getenv("PGTEST_NO_CONTAINER") != "" {
		return "", fmt.Errorf("local server: %w", localErr)
	}
	dsn, err := startContainer(ctx)
	if err != nil {
		return "", fmt.Errorf("local server: %v; container: %w", localErr, err)
	}
	return dsn, nil
}

func startContainer(ctx context.Context) (dsn string, err error) {
	defer func() {
		if r := recover(); r != nil { // testcontainers panics when no Docker is found
			err = fmt.Errorf("%v", r)
		}
	}()
	c, err := tcpostgres.Run(ctx, "postgres:15-alpine",
		tcpostgres.WithDatabase("postgres"), tcpostgres.WithUsername("postgres"), tcpostgres.WithPassword("postgres"),
		tcpostgres.BasicWaitStrategies())
	if err != nil {
		return "", err
	}
	return c.ConnectionString(ctx, "sslmode=disable")
}

func ping(ctx context.Context, dsn string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	return c.Close(ctx)
}

func adminConn(t testing.TB, base string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), base)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return c
}

// ensureTemplate creates the migrated template database once per server and
// migration set, under an advisory lock so parallel test binaries agree.
func ensureTemplate(t testing.TB, base string) string {
	t.Helper()
	name := "tt_tmpl_" + migrationsHash()
	templateMu.Lock()
	defer templateMu.Unlock()
	if templateReady[name] {
		return name
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn := adminConn(t, base)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7340002)"); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7340002)") //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if !exists {
		building := name + "_build"
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)")
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		pool, err := pgxpool.New(ctx, withDatabase(base, building))
		if err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		err = db.Up(ctx, pool, nil)
		pool.Close()
		if err != nil {
			t.Fatalf("pgtest: migrate template: %v", err)
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s",
			pgx.Identifier{building}.Sanitize(), pgx.Identifier{name}.Sanitize())); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	templateReady[name] = true
	return name
}

func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(db.Migrations, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(db.Migrations, p)
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		// keyword/value form
		return dsn + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ServerDSN returns the URL of the test server's maintenance database, for
// tests that act on the server itself (refusing connections, for one).
func ServerDSN(t testing.TB) string {
	t.Helper()
	return server(t)
}

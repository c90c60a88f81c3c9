package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tasktracker/internal/platform/apitest"
	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/wait"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/tasktracker once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tasktracker-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "tasktracker")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func runBinary(t *testing.T, env []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestBinaryServesCreatesDatabaseAndShutsDownGracefully runs the real
// binary against a database that does not exist yet.
func TestBinaryServesCreatesDatabaseAndShutsDownGracefully(t *testing.T) {
	base, err := url.Parse(pgtest.DSN(t)) // proves a server is there; we use a fresh name beside it
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("tt_bin_%d", time.Now().UnixNano())
	dsn := *base
	dsn.Path = "/" + name
	t.Cleanup(func() {
		admin := *base
		admin.Path = "/postgres"
		if c, err := pgx.Connect(context.Background(), admin.String()); err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	addr := freeAddr(t)
	cmd := exec.Command(binary(t), "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn.String(), "HTTP_ADDR="+addr, "ATTACHMENTS_DIR="+t.TempDir(), "LOG_LEVEL=warn")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	c := apitest.New(t, "http://"+addr)
	wait.For(t, 30*time.Second, "the server to answer", func() bool {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	c.Request(http.MethodPost, "/users", "", map[string]any{"email": "bin@example.com", "username": "bin", "password": "binary password"}).Expect(t, http.StatusCreated)
	res := c.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": "bin", "password": "binary password"})
	res.Expect(t, http.StatusOK)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit 30s after SIGTERM")
	}
}

func TestBinaryCommandsAndClearErrors(t *testing.T) {
	out, _, code := runBinary(t, nil, "", "version")
	if code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("version: %d %q", code, out)
	}
	out, _, code = runBinary(t, nil, "", "migrate", "sql")
	if code != 0 || !strings.Contains(out, `CREATE TABLE identity."user"`) || !strings.Contains(out, "river_job") {
		t.Fatalf("migrate sql: exit %d, output lacks the schema", code)
	}
	_, errOut, code := runBinary(t, []string{"DB_POOL_MAX_SIZE=many"}, "", "serve")
	if code == 0 || !strings.Contains(errOut, "DB_POOL_MAX_SIZE") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("bad config: exit %d, stderr %q (want one line naming the variable)", code, errOut)
	}
	_, errOut, code = runBinary(t, []string{"DATABASE_URL=postgres://postgres@127.0.0.1:1/none?connect_timeout=2", "HTTP_ADDR=127.0.0.1:0"}, "", "serve")
	if code == 0 || !strings.Contains(errOut, "start PostgreSQL") || strings.Contains(errOut, "goroutine") {
		t.Fatalf("unreachable database: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = runBinary(t, nil, "", "frobnicate")
	if code == 0 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
}

func TestBinaryMigrateAndAdminCreateUser(t *testing.T) {
	dsn := pgtest.DSN(t)
	env := []string{"DATABASE_URL=" + dsn}
	out, errOut, code := runBinary(t, env, "", "migrate", "status")
	if code != 0 || !strings.Contains(out, "00002_identity.sql") || !strings.Contains(out, "applied") {
		t.Fatalf("migrate status: %d %q %q", code, out, errOut)
	}
	out, errOut, code = runBinary(t, env, "", "migrate", "up")
	if code != 0 {
		t.Fatalf("migrate up on a migrated database: %d %q %q", code, out, errOut)
	}
	out, errOut, code = runBinary(t, env, "s3cret password\n", "admin", "create-user", "--email", "root@example.com", "--username", "root", "--admin")
	if code != 0 || !strings.Contains(out, "created user") {
		t.Fatalf("admin create-user: %d %q %q", code, out, errOut)
	}
	_, errOut, code = runBinary(t, env, "short\n", "admin", "create-user", "--email", "x@example.com", "--username", "xyz")
	if code == 0 || !strings.Contains(errOut, "password") {
		t.Fatalf("a short password must be refused: %d %q", code, errOut)
	}
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var role string
	if err := c.QueryRow(context.Background(), `SELECT role FROM identity."user" WHERE username = 'root'`).Scan(&role); err != nil || role != "admin" {
		t.Fatalf("root role %q %v", role, err)
	}
}

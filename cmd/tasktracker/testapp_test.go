package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"tasktracker/internal/platform/apitest"
	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/pgtest"
)

// testApp is the whole application, wired as in production, on a fresh
// migrated database and an httptest server; its client checks every
// exchange against docs/openapi.yaml.
type testApp struct {
	*apitest.Client
	app  *application
	pool *pgxpool.Pool
	cfg  config.Config
	srv  *httptest.Server
}

// newTestApp starts the application; tweak adjusts the configuration
// (rate limits are off unless a test turns them on).
func newTestApp(t *testing.T, tweak ...func(*config.Config)) *testApp {
	t.Helper()
	pool := pgtest.New(t)
	return startTestApp(t, pool, tweak...)
}

// startTestApp starts another instance of the application on pool (two
// instances on one database act as two API servers).
func startTestApp(t *testing.T, pool *pgxpool.Pool, tweak ...func(*config.Config)) *testApp {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.SignupRatePerMinute, cfg.LoginRatePerMinute = 0, 0
	cfg.AttachmentsDir = t.TempDir()
	for _, f := range tweak {
		f(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	app, err := newApplication(cfg, pool, logger)
	if err != nil {
		t.Fatal(err)
	}
	stop, err := app.start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.echo)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = stop(ctx)
	})
	return &testApp{Client: apitest.New(t, srv.URL), app: app, pool: pool, cfg: cfg, srv: srv}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

var userSeq atomic.Int64

// testUser is a signed-up, logged-in user.
type testUser struct {
	ID       string
	Username string
	Email    string
	Password string
	Token    string
}

// signUp creates a user (the first one of an app is its admin) and logs in.
func (a *testApp) signUp(t *testing.T, prefix string) testUser {
	t.Helper()
	n := userSeq.Add(1)
	u := testUser{Username: fmt.Sprintf("%s%d", prefix, n), Password: "correct horse battery"}
	u.Email = u.Username + "@example.com"
	res := a.Request(http.MethodPost, "/users", "", map[string]any{
		"email": u.Email, "username": u.Username, "password": u.Password, "display_name": prefix + " user",
	})
	res.Expect(t, http.StatusCreated)
	var created struct {
		ID string `json:"id"`
	}
	res.Decode(t, &created)
	u.ID = created.ID
	u.Token = a.login(t, u.Email, u.Password)
	return u
}

// login returns a new session token.
func (a *testApp) login(t *testing.T, login, password string) string {
	t.Helper()
	res := a.Request(http.MethodPost, "/auth/login", "", map[string]any{"login": login, "password": password})
	res.Expect(t, http.StatusOK)
	var body struct {
		Token string `json:"token"`
	}
	res.Decode(t, &body)
	return body.Token
}

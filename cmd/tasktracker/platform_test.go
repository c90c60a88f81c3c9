package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/wait"
)

func TestOperationalEndpointsAndProblemsEverywhere(t *testing.T) {
	a := newTestApp(t)
	u := a.signUp(t, "ops")

	a.Request(http.MethodGet, "/healthz", "", nil).Expect(t, http.StatusOK)
	a.Request(http.MethodGet, "/readyz", "", nil).Expect(t, http.StatusOK)
	res := a.Request(http.MethodGet, "/openapi.yaml", "", nil)
	res.Expect(t, http.StatusOK)
	if !strings.HasPrefix(string(res.Body), "openapi: 3") {
		t.Fatal("/openapi.yaml does not serve the document")
	}
	res = a.Request(http.MethodGet, "/metrics", "", nil)
	res.Expect(t, http.StatusOK)
	for _, m := range []string{`http_requests_total{method="GET",route="/readyz",status="200"} 1`, "http_request_duration_seconds_bucket", "db_pool_max_conns"} {
		if !strings.Contains(string(res.Body), m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}

	// Unknown routes and wrong methods are problems too, authenticated or not.
	for _, token := range []string{"", u.Token} {
		if p := a.Request(http.MethodGet, "/no/such/route", token, nil).Expect(t, http.StatusNotFound); p.Code != "route_not_found" {
			t.Fatalf("code %q", p.Code)
		}
		if p := a.Request(http.MethodDelete, "/healthz", token, nil).Expect(t, http.StatusMethodNotAllowed); p.Code != "method_not_allowed" {
			t.Fatalf("code %q", p.Code)
		}
		a.Request(http.MethodPost, "/me", token, nil).Expect(t, http.StatusMethodNotAllowed)
	}
	// Trailing slashes are the same route.
	a.Request(http.MethodGet, "/me/", u.Token, nil).Expect(t, http.StatusOK)
	if got := res.Header.Get("X-Request-Id"); got == "" {
		t.Error("no X-Request-Id")
	}
}

func TestReadyzAnswers503WhenTheDatabaseIsDown(t *testing.T) {
	a := newTestApp(t)
	u := a.signUp(t, "down")
	ctx := context.Background()
	var name string
	_ = a.pool.QueryRow(ctx, "SELECT current_database()").Scan(&name)
	admin, err := pgx.Connect(ctx, pgtest.ServerDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	// The database refuses connections and drops the open ones: as good as down.
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	_, _ = admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true") })

	a.Request(http.MethodGet, "/healthz", "", nil).Expect(t, http.StatusOK)
	a.Request(http.MethodGet, "/readyz", "", nil).Expect(t, http.StatusServiceUnavailable)
	// Requests that need the database get a 503 problem, not a 500.
	a.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusServiceUnavailable)

	if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true"); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 10*time.Second, "readiness to come back", func() bool {
		res, err := http.Get(a.BaseURL + "/readyz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	})
}

func TestCORSAllowsConfiguredOriginsOnly(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.CORSOrigins = []string{"https://app.example.com"} })
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, a.BaseURL+"/tasks", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPost)
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type, if-match")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := preflight("https://app.example.com")
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")), "if-match") {
		t.Fatalf("allowed origin: %d %v", res.StatusCode, res.Header)
	}
	if got := preflight("https://evil.example.com").Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatalf("a foreign origin was allowed: %q", got)
	}
	// A simple request exposes the headers a frontend needs.
	u := a.signUp(t, "cors")
	r := a.Request(http.MethodGet, "/me", u.Token, nil, "Origin", "https://app.example.com")
	r.Expect(t, http.StatusOK)
	if !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Fatalf("expose headers %q", r.Header.Get("Access-Control-Expose-Headers"))
	}
}

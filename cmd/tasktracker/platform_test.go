package main

import (
	"net/http"
	"strings"
	"testing"
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
	a.pool.Close() // the pool is gone: as good as a dead server for this instance
	a.Request(http.MethodGet, "/healthz", "", nil).Expect(t, http.StatusOK)
	a.Request(http.MethodGet, "/readyz", "", nil).Expect(t, http.StatusServiceUnavailable)
}

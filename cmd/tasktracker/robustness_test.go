package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestNoRouteAnswers500ToBadInput sends malformed input to every route the
// application serves — ids that are not UUIDs or name nothing, broken and
// wrongly typed JSON bodies, NUL bytes, absurd query values — and requires a
// client error (or success), never a 5xx, and a problem+json body for every
// error. It goes around the contract client on purpose: these requests are
// not meant to be valid.
func TestNoRouteAnswers500ToBadInput(t *testing.T) {
	a := newTestApp(t)
	u := a.signUp(t, "fuzzer")
	task := a.createTask(t, u.Token, map[string]any{"title": "target"})

	ids := []string{"not-a-uuid", uuid.NewString(), task.ID, "%00", strings.Repeat("9", 300)}
	bodies := []string{``, `{`, `[]`, `null`, `"x"`, `{"title":123,"status_id":"x","due_at":"yesterday"}`,
		`{"title":"\u0000","body":"\u0000","login":"\u0000","password":"\u0000"}`,
		`{"started_at":"2026-01-01T00:00:00Z","duration_seconds":-5,"ended_at":"1999-01-01T00:00:00Z"}`,
		`{"assignee_ids":["nope"],"tag_ids":[1],"priority":"sometimes","color":"red"}`,
		`{"limit":1e309}`}
	queries := []string{"", "?limit=-1", "?limit=abc", "?cursor=%ff%fe", "?sort=sideways", "?q=%00", "?q=" + url.QueryEscape(`"&|!:*()<>`),
		"?status_id=999999999999", "?assignee_id=x", "?due_before=tomorrow", "?from=x&to=y", "?unread=maybe", "?tag=" + strings.Repeat("x", 5000)}

	client := &http.Client{}
	send := func(method, path, body, ctype string) {
		t.Helper()
		req, err := http.NewRequest(method, a.BaseURL+path, strings.NewReader(body))
		if err != nil {
			return // not even a URL Go can send: nothing to test
		}
		req.Header.Set("Authorization", "Bearer "+u.Token)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("%s %s (%q, body %q) answered %d: %s", method, path, ctype, body, res.StatusCode, b)
		}
		// (A HEAD error has no body to describe: the status alone, as apitest expects.)
		if res.StatusCode >= 400 && method != http.MethodHead && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s %s answered %d with %q", method, path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	routes := 0
	for _, r := range a.app.echo.Routes() {
		if strings.Contains(r.Path, "*") || strings.HasPrefix(r.Method, "echo_") || r.Path == "/notifications/stream" ||
			r.Path == "/auth/logout" || (r.Method == http.MethodDelete && r.Path == "/users/:id") ||
			(r.Method == http.MethodPut && r.Path == "/users/:id/password") {
			continue // the stream never ends; logout, self-deletion and a password change would end this user's session
		}
		routes++
		for _, id := range ids {
			path := r.Path
			for _, p := range []string{":id", ":user_id", ":tag_id"} {
				path = strings.ReplaceAll(path, p, id)
			}
			for _, q := range queries {
				send(r.Method, path+q, "", "")
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodDelete {
				continue
			}
			for _, b := range bodies {
				send(r.Method, path, b, "application/json")
			}
			send(r.Method, path, `--x\r\nContent-Disposition: form-data; name="file"; filename="../../a"\r\n\r\nhi\r\n--x--\r\n`, "multipart/form-data; boundary=x")
			send(r.Method, path, "garbage", "multipart/form-data")
			send(r.Method, path, "a=b", "application/x-www-form-urlencoded")
		}
	}
	if routes < 40 {
		t.Fatalf("exercised only %d routes", routes)
	}
	// The session survived everything above.
	a.Request(http.MethodGet, "/me", u.Token, nil).Expect(t, http.StatusOK)
}

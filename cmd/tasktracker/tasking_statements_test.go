package main

import (
	"context"
	"net/http"
	"testing"

	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/postgres"
)

// TestTaskingStatementsPerRequest counts the SQL statements each hot
// tasking request sends (BEGIN and COMMIT included; authentication is served
// from the session cache after the first request), as the least over a few
// repetitions, with the event workers stopped.
func TestTaskingStatementsPerRequest(t *testing.T) {
	pool, err := postgres.Open(context.Background(), pgtest.DSN(t), postgres.PoolOptions{MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	a := startTestApp(t, pool)
	u := a.signUp(t, "counter")
	other := a.signUp(t, "other")
	tk := a.createTask(t, u.Token, map[string]any{"title": "counted", "assignee_ids": []string{other.ID}})
	for i := 0; i < 60; i++ {
		a.createTask(t, u.Token, map[string]any{"title": "filler"})
	}
	var page taskPage
	a.Request(http.MethodGet, "/tasks?limit=50", u.Token, nil).Decode(t, &page)
	// Stop the event workers: their deliveries and polling would count too.
	// (Requests still enqueue deliveries; that statement is the request's.)
	if err := a.app.bus.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}

	cost := func(do func()) int64 {
		least := int64(1 << 30)
		for range 5 {
			before := postgres.Statements()
			do()
			least = min(least, postgres.Statements()-before)
		}
		return least
	}
	for _, c := range []struct {
		name string
		max  int64
		do   func()
	}{
		{"GET /tasks/{id}", 1, func() { a.Request(http.MethodGet, "/tasks/"+tk.ID, u.Token, nil).Expect(t, http.StatusOK) }},
		{"GET /tasks?limit=50", 1, func() { a.Request(http.MethodGet, "/tasks?limit=50", u.Token, nil).Expect(t, http.StatusOK) }},
		{"GET /tasks?limit=50&cursor=…", 1, func() {
			a.Request(http.MethodGet, "/tasks?limit=50&cursor="+*page.NextCursor, u.Token, nil).Expect(t, http.StatusOK)
		}},
		// A search whose first window of rows fills the page costs one
		// statement; a rarer word a second one, through the GIN index.
		{"GET /tasks?q=filler", 1, func() { a.Request(http.MethodGet, "/tasks?q=filler", u.Token, nil).Expect(t, http.StatusOK) }},
		{"GET /tasks?q=count", 2, func() { a.Request(http.MethodGet, "/tasks?q=count", u.Token, nil).Expect(t, http.StatusOK) }},
		{"POST /tasks", 4, func() { // BEGIN, INSERT, enqueue the events' deliveries, COMMIT
			a.Request(http.MethodPost, "/tasks", u.Token, map[string]any{"title": "x"}).Expect(t, http.StatusCreated)
		}},
		{"PATCH /tasks/{id}", 5, func() { // BEGIN, SELECT … FOR UPDATE, UPDATE, enqueue (when subscribed), COMMIT
			a.Request(http.MethodPatch, "/tasks/"+tk.ID, u.Token, map[string]any{"priority": "high"}).Expect(t, http.StatusOK)
		}},
	} {
		n := cost(c.do)
		t.Logf("%-30s %d statements", c.name, n)
		if n > c.max {
			t.Errorf("%s costs %d statements, want at most %d", c.name, n, c.max)
		}
	}
}

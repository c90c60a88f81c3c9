package collaboration_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

type timeLog struct {
	ID              string  `json:"id"`
	TaskID          string  `json:"task_id"`
	UserID          string  `json:"user_id"`
	StartedAt       string  `json:"started_at"`
	EndedAt         string  `json:"ended_at"`
	DurationSeconds int64   `json:"duration_seconds"`
	Note            *string `json:"note"`
	Version         int     `json:"version"`
}

func TestTimeLogsHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.w.newTask("alice")
	path := "/tasks/" + task + "/time-logs"

	res := e.Request(http.MethodPost, path, "bob", map[string]any{"started_at": "2026-03-02T09:00:00Z", "duration_seconds": 1800, "note": "review"})
	res.Expect(t, http.StatusCreated)
	var byDuration timeLog
	res.Decode(t, &byDuration)
	if byDuration.EndedAt != "2026-03-02T09:30:00Z" || byDuration.UserID != e.id("bob") || *byDuration.Note != "review" {
		t.Fatalf("by duration %+v", byDuration)
	}
	var byEnd timeLog
	e.Request(http.MethodPost, path, "alice", map[string]any{"started_at": "2026-03-02T23:00:00+00:00", "ended_at": "2026-03-03T01:00:00Z"}).Decode(t, &byEnd)
	if byEnd.DurationSeconds != 7200 || byEnd.Note != nil {
		t.Fatalf("by end %+v", byEnd)
	}

	start := "2026-03-02T09:00:00Z"
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"duration_seconds": 60}, "started_at"},
		{map[string]any{"started_at": "yesterday", "duration_seconds": 60}, "started_at"},
		{map[string]any{"started_at": start}, "duration_seconds"},
		{map[string]any{"started_at": start, "duration_seconds": 60, "ended_at": "2026-03-02T10:00:00Z"}, "ended_at"},
		{map[string]any{"started_at": start, "duration_seconds": 0}, "duration_seconds"},
		{map[string]any{"started_at": start, "duration_seconds": 86401}, "duration_seconds"},
		{map[string]any{"started_at": start, "ended_at": "2026-03-02T08:00:00Z"}, "ended_at"},
		{map[string]any{"started_at": start, "ended_at": "2026-03-03T09:00:01Z"}, "ended_at"},
		{map[string]any{"started_at": start, "duration_seconds": 60, "note": strings.Repeat("n", 1001)}, "note"},
		{map[string]any{"started_at": start, "duration_seconds": 60, "minutes": 1}, "minutes"},
	} {
		p := e.Request(http.MethodPost, path, "bob", bad.body).Expect(t, http.StatusBadRequest)
		if !reflect.DeepEqual(p.Fields(), []string{bad.field}) {
			t.Errorf("%v: fields %v, want [%s]", bad.body, p.Fields(), bad.field)
		}
	}
	e.Request(http.MethodPost, "/tasks/"+e.id("bob")+"/time-logs", "bob", map[string]any{"started_at": start, "duration_seconds": 60}).Expect(t, http.StatusNotFound)

	var list struct {
		Items []timeLog `json:"items"`
	}
	e.get(path, "alice").Decode(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != byDuration.ID {
		t.Fatalf("list %+v", list.Items)
	}

	// Author or admin change and delete.
	e.Request(http.MethodPatch, "/time-logs/"+byDuration.ID, "alice", map[string]any{"note": "x"}).Expect(t, http.StatusForbidden)
	e.Request(http.MethodPatch, "/time-logs/"+byDuration.ID, "bob", map[string]any{}).Expect(t, http.StatusBadRequest)
	e.Request(http.MethodPatch, "/time-logs/"+byDuration.ID, "bob", map[string]any{"started_at": nil}).Expect(t, http.StatusBadRequest)
	e.Request(http.MethodPatch, "/time-logs/"+byDuration.ID, "bob", map[string]any{"note": "x"}, "If-Match", `"5"`).Expect(t, http.StatusPreconditionFailed)
	res = e.Request(http.MethodPatch, "/time-logs/"+byDuration.ID, "bob", map[string]any{"started_at": "2026-03-02T10:00:00Z", "note": nil})
	res.Expect(t, http.StatusOK)
	res.Decode(t, &byDuration)
	if byDuration.EndedAt != "2026-03-02T10:30:00Z" || byDuration.Note != nil || byDuration.Version != 2 {
		t.Fatalf("patched %+v", byDuration)
	}
	res = e.Request(http.MethodPatch, "/time-logs/"+byDuration.ID, "admin", map[string]any{"duration_seconds": 600})
	res.Expect(t, http.StatusOK)

	var sum struct {
		TotalSeconds int64 `json:"total_seconds"`
		PerUser      []struct {
			UserID       string `json:"user_id"`
			TotalSeconds int64  `json:"total_seconds"`
		} `json:"per_user"`
	}
	e.get("/tasks/"+task+"/time-summary", "bob").Decode(t, &sum)
	if sum.TotalSeconds != 7800 || len(sum.PerUser) != 2 || sum.PerUser[0].UserID != e.id("alice") || sum.PerUser[1].TotalSeconds != 600 {
		t.Fatalf("summary %+v", sum)
	}

	var report struct {
		TotalSeconds int64 `json:"total_seconds"`
		Days         []struct {
			Date         string `json:"date"`
			TotalSeconds int64  `json:"total_seconds"`
		} `json:"days"`
		Items []timeLog `json:"items"`
	}
	e.get("/users/"+e.id("alice")+"/time-logs?from=2026-03-01&to=2026-03-05", "bob").Decode(t, &report)
	if report.TotalSeconds != 7200 || len(report.Days) != 1 || report.Days[0].Date != "2026-03-02" || len(report.Items) != 1 {
		t.Fatalf("report %+v", report)
	}
	e.get("/users/"+e.id("alice")+"/time-logs?from=2026-03-03", "bob").Decode(t, &report)
	if report.TotalSeconds != 0 || len(report.Days) != 0 {
		t.Fatalf("report from the day after: %+v", report)
	}
	e.get("/users/"+e.id("alice")+"/time-logs?from=soon", "bob").Expect(t, http.StatusBadRequest)
	e.get("/users/"+e.id("alice")+"/time-logs?from=2026-03-05&to=2026-03-01", "bob").Expect(t, http.StatusBadRequest)
	e.get("/users/"+e.id("alice")+"/time-logs?from=2020-01-01&to=2026-01-01", "bob").Expect(t, http.StatusBadRequest)
	e.get("/users/"+task+"/time-logs", "bob").Expect(t, http.StatusNotFound)

	e.Request(http.MethodDelete, "/time-logs/"+byEnd.ID, "bob", nil).Expect(t, http.StatusForbidden)
	e.Request(http.MethodDelete, "/time-logs/"+byEnd.ID, "alice", nil).Expect(t, http.StatusNoContent)
	e.Request(http.MethodDelete, "/time-logs/"+byEnd.ID, "alice", nil).Expect(t, http.StatusNotFound)
}

func TestTimerHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task, other := e.w.newTask("alice"), e.w.newTask("alice")

	if p := e.get("/timer", "bob").Expect(t, http.StatusNotFound); p.Code != "timer_not_running" {
		t.Fatalf("code %q", p.Code)
	}
	e.Request(http.MethodPost, "/timer/stop", "bob", nil).Expect(t, http.StatusNotFound)
	res := e.Request(http.MethodPost, "/tasks/"+task+"/timer/start", "bob", nil)
	res.Expect(t, http.StatusCreated)
	var timer struct {
		ID        string `json:"id"`
		TaskID    string `json:"task_id"`
		StartedAt string `json:"started_at"`
	}
	res.Decode(t, &timer)
	if p := e.Request(http.MethodPost, "/tasks/"+other+"/timer/start", "bob", nil).Expect(t, http.StatusConflict); p.Code != "timer_running" {
		t.Fatalf("second start: %q", p.Code)
	}
	e.Request(http.MethodPost, "/tasks/"+other+"/timer/start", "alice", nil).Expect(t, http.StatusCreated) // one per user
	e.Request(http.MethodPost, "/tasks/"+e.id("bob")+"/timer/start", "admin", nil).Expect(t, http.StatusNotFound)

	var running struct {
		TaskID string `json:"task_id"`
	}
	e.get("/timer", "bob").Decode(t, &running)
	if running.TaskID != task {
		t.Fatalf("running on %s", running.TaskID)
	}
	var list struct {
		Items []timeLog `json:"items"`
	}
	e.get("/tasks/"+task+"/time-logs", "bob").Decode(t, &list)
	if len(list.Items) != 0 {
		t.Fatal("a running timer is not a time log yet")
	}

	res = e.Request(http.MethodPost, "/timer/stop", "bob", nil)
	res.Expect(t, http.StatusCreated)
	var logged timeLog
	res.Decode(t, &logged)
	if logged.ID != timer.ID || logged.TaskID != task || logged.DurationSeconds < 1 || res.Header.Get("Location") != "/time-logs/"+logged.ID {
		t.Fatalf("stopped: %+v", logged)
	}
	e.get("/timer", "bob").Expect(t, http.StatusNotFound)
	e.get("/tasks/"+task+"/time-logs", "bob").Decode(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("after stop: %d logs", len(list.Items))
	}
	e.Request(http.MethodPost, "/tasks/"+other+"/timer/start", "bob", nil).Expect(t, http.StatusCreated)

	// The task goes: its timers and logs stop being visible at once, and
	// (see TestReactionsToTaskAndUserDeletion) are deleted on TaskDeleted.
	e.w.deleteTask(other)
	e.get("/timer", "bob").Expect(t, http.StatusNotFound)
	e.get("/tasks/"+other+"/time-summary", "bob").Expect(t, http.StatusNotFound)
}

package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"tasktracker/internal/platform/wait"
)

// task is the JSON of a task as the tests read it.
type task struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	Description *string `json:"description"`
	StatusID    int     `json:"status_id"`
	Status      struct {
		ID      int    `json:"id"`
		Code    string `json:"code"`
		IsFinal bool   `json:"is_final"`
	} `json:"status"`
	Priority    string     `json:"priority"`
	DueAt       *time.Time `json:"due_at"`
	CreatedBy   string     `json:"created_by"`
	AssigneeIDs []string   `json:"assignee_ids"`
	Tags        []struct {
		ID    string  `json:"id"`
		Name  string  `json:"name"`
		Color *string `json:"color"`
	} `json:"tags"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type taskPage struct {
	Items      []task  `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func (a *testApp) createTask(t *testing.T, token string, body map[string]any) task {
	t.Helper()
	res := a.Request(http.MethodPost, "/tasks", token, body)
	res.Expect(t, http.StatusCreated)
	var tk task
	res.Decode(t, &tk)
	if res.Header.Get("Location") != "/tasks/"+tk.ID || res.Header.Get("ETag") != `"1"` {
		t.Fatalf("Location %q ETag %q", res.Header.Get("Location"), res.Header.Get("ETag"))
	}
	return tk
}

func (a *testApp) getTask(t *testing.T, token, id string) task {
	t.Helper()
	res := a.Request(http.MethodGet, "/tasks/"+id, token, nil)
	res.Expect(t, http.StatusOK)
	var tk task
	res.Decode(t, &tk)
	return tk
}

func (a *testApp) patchTask(t *testing.T, token, id string, body any, status int, headers ...string) task {
	t.Helper()
	res := a.Request(http.MethodPatch, "/tasks/"+id, token, body, headers...)
	res.Expect(t, status)
	var tk task
	if status == http.StatusOK {
		res.Decode(t, &tk)
	}
	return tk
}

func expectFields(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Fatalf("problem names fields %v, want %v", got, want)
		}
	}
}

func TestStatusesList(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	u := a.signUp(t, "ann")
	var body struct {
		Items []struct {
			ID      int    `json:"id"`
			Code    string `json:"code"`
			IsFinal bool   `json:"is_final"`
		} `json:"items"`
	}
	a.Request(http.MethodGet, "/statuses/", u.Token, nil).Decode(t, &body)
	var codes []string
	for _, s := range body.Items {
		codes = append(codes, s.Code)
	}
	if !slices.Equal(codes, []string{"todo", "in_progress", "in_review", "done", "cancelled"}) || !body.Items[3].IsFinal {
		t.Fatalf("statuses = %+v", body.Items)
	}
	a.Request(http.MethodGet, "/statuses", "", nil).Expect(t, http.StatusUnauthorized)
}

func TestTaskLifecycleAndPartialUpdate(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	alice, bob := a.signUp(t, "alice"), a.signUp(t, "bob")

	created := a.createTask(t, alice.Token, map[string]any{
		"title": "  Write the report ", "description": "two pages", "priority": "high",
		"due_at": "2030-05-01T10:00:00+02:00", "assignee_ids": []string{bob.ID},
	})
	if created.Title != "Write the report" || *created.Description != "two pages" || created.Priority != "high" ||
		created.Status.Code != "todo" || created.StatusID != created.Status.ID || created.CreatedBy != alice.ID ||
		!created.DueAt.Equal(time.Date(2030, 5, 1, 8, 0, 0, 0, time.UTC)) || created.Version != 1 ||
		!slices.Equal(created.AssigneeIDs, []string{bob.ID}) || len(created.Tags) != 0 {
		t.Fatalf("created = %+v", created)
	}
	defaults := a.createTask(t, alice.Token, map[string]any{"title": "Defaults"})
	if defaults.Priority != "normal" || defaults.Status.Code != "todo" || defaults.Description != nil ||
		defaults.DueAt != nil || defaults.AssigneeIDs == nil {
		t.Fatalf("defaults = %+v", defaults)
	}

	// GET: ETag, conditional GET, trailing slash.
	res := a.Request(http.MethodGet, "/tasks/"+created.ID+"/", bob.Token, nil)
	res.Expect(t, http.StatusOK)
	if res.Header.Get("ETag") != `"1"` {
		t.Fatalf("ETag = %q", res.Header.Get("ETag"))
	}
	a.Request(http.MethodGet, "/tasks/"+created.ID, bob.Token, nil, "If-None-Match", `"1"`).Expect(t, http.StatusNotModified)
	a.Request(http.MethodGet, "/tasks/"+created.ID, bob.Token, nil, "If-None-Match", `"7"`).Expect(t, http.StatusOK)

	// A partial update keeps what it does not name.
	v2 := a.patchTask(t, alice.Token, created.ID, map[string]any{"title": "Write the final report"}, http.StatusOK)
	if v2.Title != "Write the final report" || v2.Description == nil || *v2.Description != "two pages" ||
		v2.Priority != "high" || v2.DueAt == nil || !slices.Equal(v2.AssigneeIDs, []string{bob.ID}) || v2.Version != 2 ||
		!v2.UpdatedAt.After(created.UpdatedAt) {
		t.Fatalf("after PATCH title: %+v", v2)
	}
	// PUT behaves the same (trailing slash too); null clears nullable fields.
	res = a.Request(http.MethodPut, "/tasks/"+created.ID+"/", bob.Token,
		map[string]any{"description": nil, "due_at": nil, "status_id": 2}, "If-Match", `"2"`)
	res.Expect(t, http.StatusOK)
	var v3 task
	res.Decode(t, &v3)
	if v3.Description != nil || v3.DueAt != nil || v3.Title != "Write the final report" || v3.Status.Code != "in_progress" ||
		v3.Version != 3 || res.Header.Get("ETag") != `"3"` {
		t.Fatalf("after PUT nulls: %+v", v3)
	}
	if got := a.getTask(t, bob.Token, created.ID); got.Description != nil || got.Version != 3 || got.Priority != "high" {
		t.Fatalf("stored: %+v", got)
	}

	// A stale If-Match is refused and names the current version.
	res = a.Request(http.MethodPatch, "/tasks/"+created.ID, alice.Token, map[string]any{"priority": "low"}, "If-Match", `"2"`)
	p := res.Expect(t, http.StatusPreconditionFailed)
	if m := res.Map(t); m["current_version"] != float64(3) || p.Code != "version_mismatch" {
		t.Fatalf("412 body = %s", res.Body)
	}

	// Bad input is a 400 naming the field; nothing changes.
	for _, c := range []struct {
		name   string
		body   any
		fields []string
	}{
		{"no field", map[string]any{}, []string{"body"}},
		{"unknown field", map[string]any{"title": "x", "colour": "red"}, []string{"colour"}},
		{"title null", map[string]any{"title": nil}, []string{"title"}},
		{"title blank", map[string]any{"title": "   "}, []string{"title"}},
		{"title long", map[string]any{"title": strings.Repeat("я", 201)}, []string{"title"}},
		{"description long", map[string]any{"description": strings.Repeat("d", 20001)}, []string{"description"}},
		{"unknown status", map[string]any{"status_id": 99}, []string{"status_id"}},
		{"status null", map[string]any{"status_id": nil}, []string{"status_id"}},
		{"bad priority", map[string]any{"priority": "asap"}, []string{"priority"}},
		{"bad due_at", map[string]any{"due_at": "tomorrow"}, []string{"due_at"}},
		{"unknown assignee", map[string]any{"assignee_ids": []string{uuid.NewString()}}, []string{"assignee_ids"}},
		{"malformed assignee", map[string]any{"assignee_ids": []string{"bob"}}, []string{"assignee_ids"}},
		{"too many assignees", map[string]any{"assignee_ids": manyIDs(21)}, []string{"assignee_ids"}},
		{"unknown tag", map[string]any{"tag_ids": []string{uuid.NewString()}}, []string{"tag_ids"}},
		{"wrong type", map[string]any{"title": 5}, []string{"title"}},
		{"wrong list type", map[string]any{"assignee_ids": "x"}, []string{"assignee_ids"}},
		{"malformed", "{", []string{"body"}},
		{"NUL in description", map[string]any{"description": "a\x00b"}, []string{"description"}},
	} {
		p := a.Request(http.MethodPatch, "/tasks/"+created.ID, alice.Token, c.body).Expect(t, http.StatusBadRequest)
		if c.fields != nil {
			expectFields(t, p.Fields(), c.fields...)
		}
	}
	for _, body := range []map[string]any{
		{}, {"description": "no title"}, {"title": "x", "status_id": 0}, {"title": "x", "owner": "me"},
		{"title": "x", "assignee_ids": []string{uuid.NewString()}},
	} {
		a.Request(http.MethodPost, "/tasks/", alice.Token, body).Expect(t, http.StatusBadRequest)
	}
	if got := a.getTask(t, alice.Token, created.ID); got.Version != 3 {
		t.Fatalf("refused writes changed the task: v%d", got.Version)
	}

	// Missing and malformed ids.
	a.Request(http.MethodGet, "/tasks/"+uuid.NewString(), alice.Token, nil).Expect(t, http.StatusNotFound)
	a.Request(http.MethodPatch, "/tasks/"+uuid.NewString(), alice.Token, map[string]any{"title": "x"}).Expect(t, http.StatusNotFound)
	a.Request(http.MethodDelete, "/tasks/"+uuid.NewString(), alice.Token, nil).Expect(t, http.StatusNotFound)
	expectFields(t, a.Request(http.MethodGet, "/tasks/42", alice.Token, nil).Expect(t, http.StatusBadRequest).Fields(), "id")
	a.Request(http.MethodGet, "/tasks/"+created.ID, "", nil).Expect(t, http.StatusUnauthorized)

	// Delete: a stale If-Match is refused, then it goes.
	a.Request(http.MethodDelete, "/tasks/"+created.ID, alice.Token, nil, "If-Match", `"1"`).Expect(t, http.StatusPreconditionFailed)
	a.Request(http.MethodDelete, "/tasks/"+created.ID+"/", alice.Token, nil, "If-Match", `"3"`).Expect(t, http.StatusNoContent)
	a.Request(http.MethodGet, "/tasks/"+created.ID, alice.Token, nil).Expect(t, http.StatusNotFound)
	if _, found, err := a.app.tasking.TaskCreator(t.Context(), uuid.MustParse(defaults.ID)); err != nil || !found {
		t.Fatalf("TaskCreator: %v %v", found, err)
	}
}

func manyIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = uuid.NewString()
	}
	return out
}

func TestConcurrentWritesWithSameIfMatch(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	u := a.signUp(t, "racer")
	tk := a.createTask(t, u.Token, map[string]any{"title": "contended"})
	const writers = 10
	statuses := make([]int, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := a.Request(http.MethodPatch, "/tasks/"+tk.ID, u.Token,
				map[string]any{"title": fmt.Sprintf("writer %d", i)}, "If-Match", `"1"`)
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	ok, stale := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusPreconditionFailed:
			stale++
		}
	}
	if ok != 1 || stale != writers-1 {
		t.Fatalf("statuses %v: want one 200 and nine 412", statuses)
	}
	if got := a.getTask(t, u.Token, tk.ID); got.Version != 2 {
		t.Fatalf("version = %d, want 2", got.Version)
	}
}

// listAll follows next_cursor (and checks the Link header) to the end.
func (a *testApp) listAll(t *testing.T, token, query string) []task {
	t.Helper()
	var all []task
	path := "/tasks?" + query
	for range 200 {
		res := a.Request(http.MethodGet, path, token, nil)
		res.Expect(t, http.StatusOK)
		var page taskPage
		res.Decode(t, &page)
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			if res.Header.Get("Link") != "" {
				t.Fatalf("last page has a Link header")
			}
			return all
		}
		link := res.Header.Get("Link")
		next, ok := strings.CutPrefix(link, "<")
		next, _, _ = strings.Cut(next, ">")
		u, err := url.Parse(next)
		if !ok || err != nil || u.Query().Get("cursor") != *page.NextCursor || !strings.HasSuffix(link, `; rel="next"`) {
			t.Fatalf("Link = %q, next_cursor = %q", link, *page.NextCursor)
		}
		path = next
	}
	t.Fatal("too many pages")
	return nil
}

func TestTaskListSortsAndKeysetPages(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	u := a.signUp(t, "lister")
	prios := []string{"low", "normal", "high", "urgent"}
	var made []task
	for i := range 30 {
		body := map[string]any{"title": fmt.Sprintf("task %02d", i), "priority": prios[i%4]}
		if i%3 != 0 {
			body["due_at"] = time.Date(2030, 1, 1+i%4, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
		}
		tk := a.createTask(t, u.Token, body)
		if i%5 == 0 { // reorder updated_at against created_at
			tk = a.patchTask(t, u.Token, tk.ID, map[string]any{"description": "touched"}, http.StatusOK)
		}
		made = append(made, tk)
	}
	rank := map[string]int{"urgent": 0, "high": 1, "normal": 2, "low": 3}
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	key := map[string]func(task) int64{
		"created_at": func(x task) int64 { return x.CreatedAt.UnixMicro() },
		"updated_at": func(x task) int64 { return x.UpdatedAt.UnixMicro() },
		"due_at": func(x task) int64 {
			if x.DueAt == nil {
				return far.UnixMicro()
			}
			return x.DueAt.UnixMicro()
		},
		"priority": func(x task) int64 { return int64(rank[x.Priority]) },
	}
	for _, s := range []string{"created_at", "-created_at", "updated_at", "-updated_at", "due_at", "priority"} {
		k, desc := key[strings.TrimPrefix(s, "-")], strings.HasPrefix(s, "-")
		want := slices.Clone(made)
		sort.Slice(want, func(i, j int) bool {
			ki, kj := k(want[i]), k(want[j])
			if ki == kj {
				return (want[i].ID < want[j].ID) != desc
			}
			return (ki < kj) != desc
		})
		got := a.listAll(t, u.Token, "limit=7&sort="+url.QueryEscape(s))
		if len(got) != len(want) {
			t.Fatalf("sort %s: %d tasks over all pages, want %d", s, len(got), len(want))
		}
		for i := range want {
			if got[i].ID != want[i].ID {
				t.Fatalf("sort %s: position %d is %s, want %s", s, i, got[i].Title, want[i].Title)
			}
		}

		// A deep page, read directly from its cursor, holds the right rows.
		var page taskPage
		path := "/tasks?limit=7&sort=" + url.QueryEscape(s)
		for range 3 {
			a.Request(http.MethodGet, path, u.Token, nil).Decode(t, &page)
			path = "/tasks?limit=7&sort=" + url.QueryEscape(s) + "&cursor=" + *page.NextCursor
		}
		a.Request(http.MethodGet, path, u.Token, nil).Decode(t, &page)
		for i, tk := range page.Items {
			if tk.ID != want[21+i].ID {
				t.Fatalf("sort %s: page 4 row %d = %s, want %s", s, i, tk.Title, want[21+i].Title)
			}
		}
	}
	// The default order is newest first.
	if got := a.listAll(t, u.Token, "limit=200"); got[0].ID != made[len(made)-1].ID {
		t.Fatalf("default order starts with %s", got[0].Title)
	}

	var first taskPage
	a.Request(http.MethodGet, "/tasks/?limit=2&sort=priority", u.Token, nil).Decode(t, &first)
	for _, c := range []struct{ query, field string }{
		{"sort=title", "sort"},
		{"limit=0", "limit"},
		{"limit=201", "limit"},
		{"cursor=garbage!", "cursor"},
		{"cursor=" + *first.NextCursor, "cursor"}, // a priority cursor with the default sort
		{"sort=due_at&cursor=" + *first.NextCursor, "cursor"},
		{"status_id=todo", "status_id"},
		{"status_id=99", "status_id"},
		{"assignee_id=bob", "assignee_id"},
		{"assignee=you", "assignee"},
		{"created_by=1", "created_by"},
		{"due_before=soon", "due_before"},
		{"due_after=2030-13-01", "due_after"},
		{"q=" + strings.Repeat("x", 201), "q"},
		{"tag=%FF", "tag"},
		{"tag=a%00b", "tag"},
	} {
		p := a.Request(http.MethodGet, "/tasks?"+c.query, u.Token, nil).Expect(t, http.StatusBadRequest)
		expectFields(t, p.Fields(), c.field)
	}
}

func titles(ts []task) []string {
	out := make([]string, len(ts))
	for i, x := range ts {
		out[i] = x.Title
	}
	sort.Strings(out)
	return out
}

func TestTaskFiltersAndSearch(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	alice, bob := a.signUp(t, "alice"), a.signUp(t, "bob")
	res := a.Request(http.MethodPost, "/tags", alice.Token, map[string]any{"name": "Backend", "color": "#00AA11"})
	res.Expect(t, http.StatusCreated)
	backend := res.Map(t)
	if backend["color"] != "#00aa11" {
		t.Fatalf("tag = %v", backend)
	}
	tagID := backend["id"].(string)

	a.createTask(t, alice.Token, map[string]any{"title": "Fix login timeout", "description": "Sessions expire too early",
		"assignee_ids": []string{bob.ID}, "tag_ids": []string{tagID}, "due_at": "2030-01-10T00:00:00Z"})
	a.createTask(t, bob.Token, map[string]any{"title": "Исправить отчёт", "description": "Цифры в отчёте неверные",
		"status_id": 3, "due_at": "2030-02-10T00:00:00Z"})
	a.createTask(t, alice.Token, map[string]any{"title": "Plan release", "assignee_ids": []string{alice.ID, bob.ID}})

	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"Fix login timeout", "Plan release", "Исправить отчёт"}},
		{"status_id=3", []string{"Исправить отчёт"}},
		{"assignee=me", []string{"Fix login timeout", "Plan release"}},
		{"assignee_id=" + alice.ID, []string{"Plan release"}},
		{"created_by=" + bob.ID, []string{"Исправить отчёт"}},
		{"tag=" + tagID, []string{"Fix login timeout"}},
		{"tag=backend", []string{"Fix login timeout"}},
		{"tag=nothing", nil},
		{"due_before=2030-02-01T00:00:00Z", []string{"Fix login timeout"}},
		{"due_after=2030-02-01T00:00:00Z", []string{"Исправить отчёт"}},
		{"q=login", []string{"Fix login timeout"}},
		{"q=SESS+expi", []string{"Fix login timeout"}},
		{"q=" + url.QueryEscape("отчёт"), []string{"Исправить отчёт"}},
		{"q=" + url.QueryEscape("ЦИФР"), []string{"Исправить отчёт"}},
		{"q=" + url.QueryEscape(`fix' & !login | "(`), []string{"Fix login timeout"}},
		{"q=" + url.QueryEscape(`'":*&|!()`), nil},
		{"q=plan&assignee=me&sort=priority", []string{"Plan release"}},
		{"q=fix&created_by=" + bob.ID, nil},
	} {
		if got := titles(a.listAll(t, bob.Token, c.query+"&limit=1")); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.query, got, c.want)
		}
	}
}

func TestTaskAuthorization(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.signUp(t, "admin") // the first user is the admin
	creator, assignee, stranger := a.signUp(t, "creator"), a.signUp(t, "assignee"), a.signUp(t, "stranger")
	tk := a.createTask(t, creator.Token, map[string]any{"title": "guarded", "assignee_ids": []string{assignee.ID}})

	// Everyone reads.
	a.getTask(t, stranger.Token, tk.ID)
	// A stranger may not change or delete it, nor touch its assignees or tags.
	expect403 := func(method, path string, body any) {
		t.Helper()
		a.Request(method, path, stranger.Token, body).Expect(t, http.StatusForbidden)
	}
	expect403(http.MethodPatch, "/tasks/"+tk.ID, map[string]any{"title": "mine"})
	expect403(http.MethodPut, "/tasks/"+tk.ID, map[string]any{"title": "mine"})
	expect403(http.MethodDelete, "/tasks/"+tk.ID, nil)
	expect403(http.MethodPut, "/tasks/"+tk.ID+"/assignees/"+stranger.ID, nil)
	expect403(http.MethodDelete, "/tasks/"+tk.ID+"/assignees/"+assignee.ID, nil)
	res := a.Request(http.MethodPost, "/tags", stranger.Token, map[string]any{"name": "mine"})
	res.Expect(t, http.StatusCreated)
	strangersTag := res.Map(t)["id"].(string)
	expect403(http.MethodPut, "/tasks/"+tk.ID+"/tags/"+strangersTag, nil)

	// An assignee updates but does not delete.
	a.patchTask(t, assignee.Token, tk.ID, map[string]any{"priority": "urgent"}, http.StatusOK)
	a.Request(http.MethodDelete, "/tasks/"+tk.ID, assignee.Token, nil).Expect(t, http.StatusForbidden)
	// An admin updates anything.
	a.patchTask(t, admin.Token, tk.ID, map[string]any{"status_id": 4}, http.StatusOK)

	// Tags: only the creator or an admin deletes one.
	a.Request(http.MethodDelete, "/tags/"+strangersTag, creator.Token, nil).Expect(t, http.StatusForbidden)
	a.Request(http.MethodDelete, "/tags/"+strangersTag, admin.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodDelete, "/tags/"+strangersTag, admin.Token, nil).Expect(t, http.StatusNotFound)

	// The creator deletes.
	a.Request(http.MethodDelete, "/tasks/"+tk.ID, creator.Token, nil).Expect(t, http.StatusNoContent)
	other := a.createTask(t, creator.Token, map[string]any{"title": "admin deletes"})
	a.Request(http.MethodDelete, "/tasks/"+other.ID, admin.Token, nil).Expect(t, http.StatusNoContent)
}

func TestAssigneeAndTagSubResources(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	owner, helper := a.signUp(t, "owner"), a.signUp(t, "helper")
	tk := a.createTask(t, owner.Token, map[string]any{"title": "shared"})
	base := "/tasks/" + tk.ID

	res := a.Request(http.MethodPut, base+"/assignees/"+helper.ID, owner.Token, nil)
	res.Expect(t, http.StatusNoContent)
	if res.Header.Get("ETag") != `"2"` {
		t.Fatalf("ETag = %q", res.Header.Get("ETag"))
	}
	// Idempotent: a repeat changes nothing.
	res = a.Request(http.MethodPut, base+"/assignees/"+helper.ID+"/", owner.Token, nil)
	res.Expect(t, http.StatusNoContent)
	if got := a.getTask(t, owner.Token, tk.ID); !slices.Equal(got.AssigneeIDs, []string{helper.ID}) || got.Version != 2 {
		t.Fatalf("after assign: %+v", got)
	}
	expectFields(t, a.Request(http.MethodPut, base+"/assignees/"+uuid.NewString(), owner.Token, nil).
		Expect(t, http.StatusBadRequest).Fields(), "user_id")
	expectFields(t, a.Request(http.MethodPut, base+"/assignees/nobody", owner.Token, nil).
		Expect(t, http.StatusBadRequest).Fields(), "user_id")
	a.Request(http.MethodPut, "/tasks/"+uuid.NewString()+"/assignees/"+helper.ID, owner.Token, nil).Expect(t, http.StatusNotFound)
	a.Request(http.MethodPut, base+"/assignees/"+owner.ID, owner.Token, nil, "If-Match", `"1"`).Expect(t, http.StatusPreconditionFailed)

	// Tags.
	res = a.Request(http.MethodPost, "/tags/", owner.Token, map[string]any{"name": "Срочно"})
	res.Expect(t, http.StatusCreated)
	tagID := res.Map(t)["id"].(string)
	if p := a.Request(http.MethodPost, "/tags", helper.Token, map[string]any{"name": "СРОЧНО"}).Expect(t, http.StatusConflict); p.Code != "tag_name_taken" {
		t.Fatalf("code = %s", p.Code)
	}
	for _, body := range []map[string]any{{"name": "a\x00"}, {"name": ""}, {"name": "x", "color": "red"}, {"color": "#000000"}, {"name": "x", "size": 1}} {
		a.Request(http.MethodPost, "/tags", owner.Token, body).Expect(t, http.StatusBadRequest)
	}
	a.Request(http.MethodPut, base+"/tags/"+tagID, helper.Token, nil).Expect(t, http.StatusNoContent) // helper is an assignee now
	a.Request(http.MethodPut, base+"/tags/"+tagID, helper.Token, nil).Expect(t, http.StatusNoContent)
	expectFields(t, a.Request(http.MethodPut, base+"/tags/"+uuid.NewString(), owner.Token, nil).
		Expect(t, http.StatusBadRequest).Fields(), "tag_id")
	got := a.getTask(t, owner.Token, tk.ID)
	if len(got.Tags) != 1 || got.Tags[0].Name != "Срочно" || got.Tags[0].Color != nil || got.Version != 3 {
		t.Fatalf("after tagging: %+v", got)
	}
	var tags struct {
		Items []map[string]any `json:"items"`
	}
	a.Request(http.MethodGet, "/tags", helper.Token, nil).Decode(t, &tags)
	if len(tags.Items) != 1 || tags.Items[0]["name"] != "Срочно" {
		t.Fatalf("tags = %v", tags.Items)
	}

	a.Request(http.MethodDelete, base+"/tags/"+tagID, owner.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodDelete, base+"/tags/"+tagID, owner.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodDelete, base+"/assignees/"+helper.ID, helper.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodDelete, base+"/assignees/"+helper.ID, owner.Token, nil).Expect(t, http.StatusNoContent)
	got = a.getTask(t, owner.Token, tk.ID)
	if len(got.Tags) != 0 || len(got.AssigneeIDs) != 0 || got.Version != 5 {
		t.Fatalf("after removals: %+v", got)
	}

	// Deleting a tag takes it off every task and moves their version.
	a.Request(http.MethodPut, base+"/tags/"+tagID, owner.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodDelete, "/tags/"+tagID+"/", owner.Token, nil).Expect(t, http.StatusNoContent)
	if got := a.getTask(t, owner.Token, tk.ID); len(got.Tags) != 0 || got.Version != 7 {
		t.Fatalf("after tag deletion: %+v", got)
	}
	a.Request(http.MethodDelete, "/tags/abc", owner.Token, nil).Expect(t, http.StatusBadRequest)
}

func TestDeletedUserIsUnassigned(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	owner, leaver := a.signUp(t, "owner"), a.signUp(t, "leaver")
	tk := a.createTask(t, owner.Token, map[string]any{"title": "team work", "assignee_ids": []string{owner.ID, leaver.ID}})
	a.Request(http.MethodDelete, "/users/"+leaver.ID, leaver.Token, nil).Expect(t, http.StatusNoContent)
	wait.For(t, 10*time.Second, "the deleted user to be unassigned", func() bool {
		got := a.getTask(t, owner.Token, tk.ID)
		return slices.Equal(got.AssigneeIDs, []string{owner.ID}) && got.Version == 2
	})
}

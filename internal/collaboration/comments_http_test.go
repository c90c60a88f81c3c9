package collaboration_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestCommentsHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.w.newTask("alice")

	res := e.Request(http.MethodPost, "/tasks/"+task+"/comments", "alice", map[string]any{"body": "  hi @Bob and @nobody  "})
	res.Expect(t, http.StatusCreated)
	var c struct {
		ID               string   `json:"id"`
		Body             string   `json:"body"`
		AuthorID         string   `json:"author_id"`
		MentionedUserIDs []string `json:"mentioned_user_ids"`
		Version          int      `json:"version"`
		EditedAt         *string  `json:"edited_at"`
	}
	res.Decode(t, &c)
	if c.Body != "hi @Bob and @nobody" || c.AuthorID != e.id("alice") || !reflect.DeepEqual(c.MentionedUserIDs, []string{e.id("bob")}) || c.EditedAt != nil {
		t.Fatalf("created %+v", c)
	}
	if loc := res.Header.Get("Location"); loc != "/comments/"+c.ID {
		t.Fatalf("Location %q", loc)
	}

	for _, bad := range []struct {
		body  any
		field string
	}{
		{map[string]any{"body": "   "}, "body"},
		{map[string]any{"body": strings.Repeat("x", 10_001)}, "body"},
		{map[string]any{}, "body"},
		{map[string]any{"body": "x", "bdy": "typo"}, "bdy"},
		{map[string]any{"body": 5}, "body"},
	} {
		p := e.Request(http.MethodPost, "/tasks/"+task+"/comments", "alice", bad.body).Expect(t, http.StatusBadRequest)
		if !reflect.DeepEqual(p.Fields(), []string{bad.field}) {
			t.Errorf("%v: fields %v, want [%s]", bad.body, p.Fields(), bad.field)
		}
	}
	e.Request(http.MethodPost, "/tasks/not-a-uuid/comments", "alice", map[string]any{"body": "x"}).Expect(t, http.StatusBadRequest)
	e.Request(http.MethodPost, "/tasks/"+e.id("alice")+"/comments", "alice", map[string]any{"body": "x"}).Expect(t, http.StatusNotFound)
	e.Request(http.MethodPost, "/tasks/"+task+"/comments", "", map[string]any{"body": "x"}).Expect(t, http.StatusUnauthorized)

	for i := 0; i < 2; i++ {
		e.Request(http.MethodPost, "/tasks/"+task+"/comments", "bob", map[string]any{"body": "more"}).Expect(t, http.StatusCreated)
	}
	page := e.get("/tasks/"+task+"/comments?limit=2", "bob")
	page.Expect(t, http.StatusOK)
	var p1 struct {
		Items      []struct{ ID string } `json:"items"`
		NextCursor *string               `json:"next_cursor"`
	}
	page.Decode(t, &p1)
	if len(p1.Items) != 2 || p1.Items[0].ID != c.ID || p1.NextCursor == nil || !strings.Contains(page.Header.Get("Link"), `rel="next"`) {
		t.Fatalf("page 1: %+v", p1)
	}
	var p2 struct {
		Items      []struct{ ID string } `json:"items"`
		NextCursor *string               `json:"next_cursor"`
	}
	e.get("/tasks/"+task+"/comments?limit=2&cursor="+*p1.NextCursor, "bob").Decode(t, &p2)
	if len(p2.Items) != 1 || p2.NextCursor != nil {
		t.Fatalf("page 2: %+v", p2)
	}
	e.get("/tasks/"+task+"/comments?cursor=garbage", "bob").Expect(t, http.StatusBadRequest)

	// Only the author edits, even an admin may not; a stale If-Match is 412.
	e.Request(http.MethodPatch, "/comments/"+c.ID, "bob", map[string]any{"body": "mine"}).Expect(t, http.StatusForbidden)
	e.Request(http.MethodPatch, "/comments/"+c.ID, "admin", map[string]any{"body": "mine"}).Expect(t, http.StatusForbidden)
	e.Request(http.MethodPatch, "/comments/"+c.ID, "alice", map[string]any{"body": "x"}, "If-Match", `"9"`).Expect(t, http.StatusPreconditionFailed)
	e.Request(http.MethodPatch, "/comments/"+c.ID, "alice", map[string]any{}).Expect(t, http.StatusBadRequest)
	res = e.Request(http.MethodPatch, "/comments/"+c.ID, "alice", map[string]any{"body": "edited @alice"}, "If-Match", `"1"`)
	res.Expect(t, http.StatusOK)
	res.Decode(t, &c)
	if c.Body != "edited @alice" || c.Version != 2 || c.EditedAt == nil || res.Header.Get("ETag") != `"2"` ||
		!reflect.DeepEqual(c.MentionedUserIDs, []string{e.id("alice")}) {
		t.Fatalf("edited %+v", c)
	}

	// The author or an admin deletes.
	e.Request(http.MethodDelete, "/comments/"+c.ID, "bob", nil).Expect(t, http.StatusForbidden)
	e.Request(http.MethodDelete, "/comments/"+c.ID, "admin", nil).Expect(t, http.StatusNoContent)
	e.Request(http.MethodDelete, "/comments/"+c.ID, "alice", nil).Expect(t, http.StatusNotFound)
	e.Request(http.MethodPatch, "/comments/"+c.ID, "alice", map[string]any{"body": "x"}).Expect(t, http.StatusNotFound)

	// A deleted task's comments answer 404 at once.
	e.w.deleteTask(task)
	e.get("/tasks/"+task+"/comments", "bob").Expect(t, http.StatusNotFound)
}

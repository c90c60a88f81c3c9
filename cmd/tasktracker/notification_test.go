package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/wait"
)

// End to end: tasks from tasking, comments from collaboration, users from
// identity; notifications derived from their events, read over HTTP and
// streamed live.

type notificationDTO struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	TaskID    string     `json:"task_id"`
	ActorID   *string    `json:"actor_id"`
	Text      string     `json:"text"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

type notificationPage struct {
	Items      []notificationDTO `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

func (a *testApp) inbox(t *testing.T, u testUser, query string) notificationPage {
	t.Helper()
	res := a.Request(http.MethodGet, "/notifications"+query, u.Token, nil)
	res.Expect(t, http.StatusOK)
	var p notificationPage
	res.Decode(t, &p)
	return p
}

func (a *testApp) unreadCount(t *testing.T, u testUser) int {
	t.Helper()
	res := a.Request(http.MethodGet, "/notifications/unread-count", u.Token, nil)
	res.Expect(t, http.StatusOK)
	var body struct {
		Count int `json:"count"`
	}
	res.Decode(t, &body)
	return body.Count
}

// awaitInbox waits until u has n notifications and returns them.
func (a *testApp) awaitInbox(t *testing.T, u testUser, n int) []notificationDTO {
	t.Helper()
	var items []notificationDTO
	wait.For(t, 10*time.Second, u.Username+"'s notifications", func() bool {
		items = a.inbox(t, u, "").Items
		return len(items) >= n
	})
	if len(items) != n {
		t.Fatalf("%s has %d notifications, want %d: %+v", u.Username, len(items), n, items)
	}
	return items
}

func (a *testApp) comment(t *testing.T, u testUser, taskID, body string) {
	t.Helper()
	a.Request(http.MethodPost, "/tasks/"+taskID+"/comments", u.Token, map[string]any{"body": body}).Expect(t, http.StatusCreated)
}

func TestNotificationInbox(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	alice, bob, carol := a.signUp(t, "alice"), a.signUp(t, "bob"), a.signUp(t, "carol")
	taskID := a.newTask(t, alice, "Fix login")

	// Bob comments and mentions carol, who does not watch the task, and
	// himself: alice (the creator, a watcher) and carol are told, bob not.
	a.comment(t, bob, taskID, "Looks like a cookie issue, @"+carol.Username+" (cc @"+bob.Username+")")
	got := a.awaitInbox(t, alice, 1)[0]
	if got.Type != "comment_added" || got.TaskID != taskID || got.ActorID == nil || *got.ActorID != bob.ID ||
		got.Text != bob.Username+" commented on “Fix login”" || got.ReadAt != nil {
		t.Fatalf("alice's notification = %+v", got)
	}
	mention := a.awaitInbox(t, carol, 1)[0]
	if mention.Type != "mentioned" || mention.Text != bob.Username+" mentioned you in a comment on “Fix login”" {
		t.Fatalf("carol's notification = %+v", mention)
	}
	if n := len(a.inbox(t, bob, "").Items); n != 0 {
		t.Fatalf("bob was notified of his own comment (%d)", n)
	}

	// The watchers: the creator and the commenter, not the mentioned user.
	res := a.Request(http.MethodGet, "/tasks/"+taskID+"/watchers", carol.Token, nil)
	res.Expect(t, http.StatusOK)
	var watchers struct {
		Items []struct {
			UserID string `json:"user_id"`
			Source string `json:"source"`
		} `json:"items"`
	}
	res.Decode(t, &watchers)
	if len(watchers.Items) != 2 || watchers.Items[0].UserID != alice.ID || watchers.Items[0].Source != "creator" ||
		watchers.Items[1].UserID != bob.ID || watchers.Items[1].Source != "commenter" {
		t.Fatalf("watchers = %+v", watchers.Items)
	}
	page := a.Request(http.MethodGet, "/tasks/"+taskID+"/watchers?limit=1", carol.Token, nil)
	page.Expect(t, http.StatusOK)
	if page.Header.Get("Link") == "" || page.Map(t)["next_cursor"] == nil {
		t.Fatal("a partial watcher page has no next cursor")
	}

	// Reading: idempotent, the recipient's only.
	if n := a.unreadCount(t, alice); n != 1 {
		t.Fatalf("unread = %d, want 1", n)
	}
	a.Request(http.MethodPost, "/notifications/"+got.ID+"/read", carol.Token, nil).Expect(t, http.StatusNotFound)
	read := a.Request(http.MethodPost, "/notifications/"+got.ID+"/read", alice.Token, nil)
	read.Expect(t, http.StatusOK)
	var first notificationDTO
	read.Decode(t, &first)
	if first.ReadAt == nil {
		t.Fatal("read_at not set")
	}
	var again notificationDTO
	a.Request(http.MethodPost, "/notifications/"+got.ID+"/read", alice.Token, nil).Decode(t, &again)
	if again.ReadAt == nil || !again.ReadAt.Equal(*first.ReadAt) {
		t.Fatalf("reading again moved read_at: %v → %v", first.ReadAt, again.ReadAt)
	}
	if n := a.unreadCount(t, alice); n != 0 {
		t.Fatalf("unread = %d, want 0", n)
	}
	if n := len(a.inbox(t, alice, "?unread=true").Items); n != 0 {
		t.Fatalf("unread list has %d items", n)
	}

	// Two more comments by carol: alice's inbox pages newest first.
	a.comment(t, carol, taskID, "first")
	a.comment(t, carol, taskID, "second")
	a.awaitInbox(t, alice, 3)
	p1 := a.inbox(t, alice, "?limit=2")
	if len(p1.Items) != 2 || p1.NextCursor == nil || p1.Items[0].ID <= p1.Items[1].ID {
		t.Fatalf("first page = %+v", p1)
	}
	p2 := a.inbox(t, alice, "?limit=2&cursor="+*p1.NextCursor)
	if len(p2.Items) != 1 || p2.Items[0].ID != got.ID || p2.NextCursor != nil {
		t.Fatalf("second page = %+v", p2)
	}
	if n := len(a.inbox(t, alice, "?unread=true").Items); n != 2 {
		t.Fatalf("unread list has %d items, want 2", n)
	}
	res = a.Request(http.MethodPost, "/notifications/read-all", alice.Token, nil)
	res.Expect(t, http.StatusOK)
	if n := res.Map(t)["updated"]; n != float64(2) {
		t.Fatalf("read-all updated %v, want 2", n)
	}
	if n := a.unreadCount(t, alice); n != 0 {
		t.Fatalf("unread = %d after read-all", n)
	}

	// Bad input.
	for _, c := range []struct{ method, path, field string }{
		{http.MethodGet, "/notifications?unread=maybe", "unread"},
		{http.MethodGet, "/notifications?cursor=nope", "cursor"},
		{http.MethodGet, "/notifications?limit=0", "limit"},
		{http.MethodPost, "/notifications/not-a-uuid/read", "id"},
		{http.MethodPut, "/tasks/not-a-uuid/watchers/me", "id"},
		{http.MethodGet, "/tasks/" + taskID + "/watchers?cursor=x", "cursor"},
	} {
		p := a.Request(c.method, c.path, alice.Token, nil).Expect(t, http.StatusBadRequest)
		if f := p.Fields(); len(f) != 1 || f[0] != c.field {
			t.Errorf("%s %s: fields %v, want %s", c.method, c.path, f, c.field)
		}
	}
	a.Request(http.MethodGet, "/notifications", "", nil).Expect(t, http.StatusUnauthorized)
	missing := "0190a000-0000-7000-8000-000000000000"
	a.Request(http.MethodPost, "/notifications/"+missing+"/read", alice.Token, nil).Expect(t, http.StatusNotFound)
	a.Request(http.MethodPut, "/tasks/"+missing+"/watchers/me", alice.Token, nil).Expect(t, http.StatusNotFound)
	a.Request(http.MethodGet, "/tasks/"+missing+"/watchers", alice.Token, nil).Expect(t, http.StatusNotFound)
}

func TestWatchAndUnwatch(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	alice, bob, dave := a.signUp(t, "alice"), a.signUp(t, "bob"), a.signUp(t, "dave")
	taskID := a.newTask(t, alice, "Ship it")

	a.Request(http.MethodDelete, "/tasks/"+taskID+"/watchers/me", alice.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodDelete, "/tasks/"+taskID+"/watchers/me", alice.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodPut, "/tasks/"+taskID+"/watchers/me", dave.Token, nil).Expect(t, http.StatusNoContent)
	a.Request(http.MethodPut, "/tasks/"+taskID+"/watchers/me", dave.Token, nil).Expect(t, http.StatusNoContent)

	a.comment(t, bob, taskID, "done?")
	if got := a.awaitInbox(t, dave, 1)[0]; got.Type != "comment_added" {
		t.Fatalf("dave's notification = %+v", got)
	}
	// The same delivery would have told alice: she unwatched.
	if n := len(a.inbox(t, alice, "").Items); n != 0 {
		t.Fatalf("alice unwatched but got %d notifications", n)
	}

	// Assigning and deleting reach the people concerned.
	a.Request(http.MethodPut, "/tasks/"+taskID+"/assignees/"+bob.ID, alice.Token, nil).Expect(t, http.StatusNoContent)
	items := a.awaitInbox(t, bob, 1)
	if items[0].Type != "assigned" || items[0].Text != alice.Username+" assigned you to “Ship it”" {
		t.Fatalf("bob's notification = %+v", items[0])
	}
	a.Request(http.MethodDelete, "/tasks/"+taskID, alice.Token, nil).Expect(t, http.StatusNoContent)
	if got := a.awaitInbox(t, dave, 2)[0]; got.Type != "task_deleted" {
		t.Fatalf("dave's newest notification = %+v", got)
	}
	a.Request(http.MethodGet, "/tasks/"+taskID+"/watchers", dave.Token, nil).Expect(t, http.StatusNotFound)
}

// TestNotificationsSurviveAStoppedWorker: the comment commits while no
// worker delivers events (as if the process died right after the commit);
// a fresh instance on the same database delivers it, once per recipient.
func TestNotificationsSurviveAStoppedWorker(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.app.bus.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	alice, bob, carol := a.signUp(t, "alice"), a.signUp(t, "bob"), a.signUp(t, "carol")
	taskID := a.newTask(t, alice, "Survive")
	a.comment(t, bob, taskID, "ping @"+carol.Username)
	var queued int
	if err := a.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'available'`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued == 0 || a.unreadCount(t, alice) != 0 {
		t.Fatalf("queued %d deliveries; alice already has notifications", queued)
	}

	b := startTestApp(t, a.pool)
	b.awaitInbox(t, alice, 1)
	b.awaitInbox(t, carol, 1)
	wait.For(t, 10*time.Second, "every delivery to complete", func() bool {
		var pending int
		_ = a.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state <> 'completed'`).Scan(&pending)
		return pending == 0
	})
	b.awaitInbox(t, alice, 1)
	b.awaitInbox(t, carol, 1)
	b.awaitInbox(t, bob, 0)
}

// sseEvent is one server-sent event.
type sseEvent struct {
	ID, Event, Data string
}

type sseStream struct {
	res       *http.Response
	connected chan struct{}
	events    chan sseEvent
	pings     chan struct{}
	ended     chan struct{}
}

// openStream opens GET /notifications/stream on a (with Last-Event-ID when
// lastID is set) and waits until it is connected.
func (a *testApp) openStream(t *testing.T, token, lastID string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.BaseURL+"/notifications/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &sseStream{res: res, connected: make(chan struct{}), events: make(chan sseEvent, 100),
		pings: make(chan struct{}, 1000), ended: make(chan struct{})}
	go func() {
		defer close(s.ended)
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": connected":
				close(s.connected)
			case line == ": ping":
				s.pings <- struct{}{}
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.Event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.Data != "":
				s.events <- ev
				ev = sseEvent{}
			}
		}
	}()
	select {
	case <-s.connected:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not connect")
	}
	return s
}

func (s *sseStream) next(t *testing.T) notificationDTO {
	t.Helper()
	select {
	case ev := <-s.events:
		var n notificationDTO
		if err := json.Unmarshal([]byte(ev.Data), &n); err != nil {
			t.Fatalf("event data %q: %v", ev.Data, err)
		}
		if ev.Event != "notification" || ev.ID != n.ID {
			t.Fatalf("event %+v", ev)
		}
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no event on the stream")
	}
	return notificationDTO{}
}

func TestNotificationStreamAcrossInstances(t *testing.T) {
	t.Parallel()
	fast := func(c *config.Config) { c.NotificationHeartbeat = 100 * time.Millisecond }
	a := newTestApp(t, fast)
	b := startTestApp(t, a.pool, fast)
	alice, bob := a.signUp(t, "alice"), a.signUp(t, "bob")
	taskID := a.newTask(t, alice, "Stream me")

	// Alice has two tabs open on instance b; bob comments through a.
	tab1, tab2 := b.openStream(t, alice.Token, ""), b.openStream(t, alice.Token, "")
	a.comment(t, bob, taskID, "one")
	n1, n2 := tab1.next(t), tab2.next(t)
	if n1.ID != n2.ID || n1.Type != "comment_added" || n1.TaskID != taskID || n1.Text != bob.Username+" commented on “Stream me”" {
		t.Fatalf("streamed %+v and %+v", n1, n2)
	}
	select {
	case <-tab1.pings:
	case <-time.After(10 * time.Second):
		t.Fatal("no heartbeat")
	}

	// Resuming after the first: what was stored meanwhile comes first.
	a.comment(t, bob, taskID, "two")
	second := a.awaitInbox(t, alice, 2)[0]
	resumed := a.openStream(t, alice.Token, n1.ID)
	if got := resumed.next(t); got.ID != second.ID {
		t.Fatalf("replayed %s, want %s", got.ID, second.ID)
	}
	a.comment(t, bob, taskID, "three")
	third := resumed.next(t)
	if tab1.next(t).ID != second.ID || tab1.next(t).ID != third.ID {
		t.Fatal("the first tab missed a notification")
	}
	a.Request(http.MethodGet, "/notifications/stream", alice.Token, nil, "Last-Event-ID", "nope").Expect(t, http.StatusBadRequest)

	// The stream of a session ends when it is revoked (and validates against
	// the contract).
	token := a.login(t, alice.Email, alice.Password)
	done := make(chan int, 1)
	go func() {
		res := b.Request(http.MethodGet, "/notifications/stream", token, nil)
		done <- res.StatusCode
	}()
	wait.For(t, 10*time.Second, "the stream to open", func() bool { return b.app.notification.OpenStreams() >= 3 })
	a.Request(http.MethodPost, "/auth/logout", token, nil).Expect(t, http.StatusNoContent)
	select {
	case status := <-done:
		if status != http.StatusOK {
			t.Fatalf("stream status %d", status)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream outlived its session")
	}
	select {
	case <-tab1.ended:
		t.Fatal("another session's stream ended")
	default:
	}
}

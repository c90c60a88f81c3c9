package notification

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	cevents "tasktracker/internal/collaboration/events"
	ievents "tasktracker/internal/identity/events"
	"tasktracker/internal/notification/domain"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/platform/wait"
	tevents "tasktracker/internal/tasking/events"
)

// These tests publish the other contexts' published-language events on a
// real bus against a real database, and look at what the notification
// context stored and streamed.

// fakeTasks is the tasking context as notification sees it: every task
// exists; titles has the titles it knows.
type fakeTasks struct{ titles map[uuid.UUID]string }

func (fakeTasks) TaskCreator(context.Context, uuid.UUID) (uuid.UUID, bool, error) {
	return uuid.Nil, true, nil
}

func (f fakeTasks) TaskTitle(_ context.Context, id uuid.UUID) (string, bool, error) {
	title, ok := f.titles[id]
	return title, ok, nil
}

type fakeSessions struct {
	mu      sync.Mutex
	revoked map[uuid.UUID]bool
}

func (f *fakeSessions) SessionActive(_ context.Context, id uuid.UUID) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.revoked[id], nil
}

func (f *fakeSessions) revoke(id uuid.UUID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.revoked == nil {
		f.revoked = map[uuid.UUID]bool{}
	}
	f.revoked[id] = true
}

type instance struct {
	tasks    fakeTasks
	pool     *pgxpool.Pool
	bus      *events.Bus
	m        *Module
	sessions *fakeSessions
}

// newInstance wires the module on pool with its own bus (started when
// start is true) and, when listen is true, its LISTEN loop.
func newInstance(t *testing.T, pool *pgxpool.Pool, start, listen bool) *instance {
	t.Helper()
	bus, err := events.NewBus(pool, events.Options{PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{pool: pool, bus: bus, sessions: &fakeSessions{}, tasks: fakeTasks{titles: map[uuid.UUID]string{}}}
	in.m = New(Deps{Pool: pool, Bus: bus, Clock: kernel.SystemClock{}, IDs: kernel.UUIDv7{},
		Tasks: in.tasks, Sessions: in.sessions, Heartbeat: 50 * time.Millisecond})
	in.m.Subscribe(bus)
	if start {
		if err := bus.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = bus.Stop(ctx)
		})
	}
	if listen {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = in.m.Start(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	return in
}

func (in *instance) publish(t *testing.T, envs ...events.Envelope) {
	t.Helper()
	err := postgres.TxRunner{Pool: in.pool}.InTx(context.Background(), func(ctx context.Context) error {
		return in.bus.Publish(ctx, envs...)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func envelope(t *testing.T, typ string, actor uuid.UUID, payload any) events.Envelope {
	t.Helper()
	e, err := events.New(typ, actor, time.Now(), payload)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// settle waits until every queued delivery has completed, and fails on any
// delivery error.
func settle(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	wait.For(t, 10*time.Second, "deliveries to complete", func() bool {
		var pending, failed int
		err := pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE state <> 'completed'),
			count(*) FILTER (WHERE coalesce(array_length(errors, 1), 0) > 0) FROM river_job`).Scan(&pending, &failed)
		if err != nil {
			t.Fatal(err)
		}
		if failed > 0 {
			var msg string
			_ = pool.QueryRow(context.Background(), `SELECT errors::text FROM river_job WHERE errors IS NOT NULL LIMIT 1`).Scan(&msg)
			t.Fatalf("a delivery failed: %s", msg)
		}
		return pending == 0
	})
}

type stored struct {
	Recipient uuid.UUID
	Type      string
	Text      string
	Actor     *uuid.UUID
	EventID   uuid.UUID
}

func notificationsOf(t *testing.T, pool *pgxpool.Pool, recipient uuid.UUID) []stored {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT recipient_id, type, text, actor_id, event_id
		FROM notification.notification WHERE recipient_id = $1 ORDER BY id`, recipient)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
		var s stored
		return s, r.Scan(&s.Recipient, &s.Type, &s.Text, &s.Actor, &s.EventID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func watchersOf(t *testing.T, pool *pgxpool.Pool, task uuid.UUID) map[uuid.UUID]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT user_id, source FROM notification.watcher WHERE task_id = $1 AND unwatched_at IS NULL`, task)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uuid.UUID]string{}
	for rows.Next() {
		var u uuid.UUID
		var s string
		if err := rows.Scan(&u, &s); err != nil {
			t.Fatal(err)
		}
		out[u] = s
	}
	return out
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func types(ns []stored) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Type
	}
	return out
}

func expectTypes(t *testing.T, who string, ns []stored, want ...string) {
	t.Helper()
	got := types(ns)
	if len(got) != len(want) {
		t.Fatalf("%s: notifications %v, want %v", who, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: notifications %v, want %v", who, got, want)
		}
	}
}

type people struct{ alice, bob, carol, dave uuid.UUID }

func register(t *testing.T, in *instance) people {
	t.Helper()
	p := people{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	for name, id := range map[string]uuid.UUID{"alice": p.alice, "bob": p.bob, "carol": p.carol, "dave": p.dave} {
		in.publish(t, envelope(t, ievents.TypeUserRegistered, id, ievents.UserRegistered{UserID: id, Username: name, DisplayName: name}))
	}
	return p
}

func TestTaskEventsNotifyAssigneesAndWatchers(t *testing.T) {
	t.Parallel()
	in := newInstance(t, pgtest.New(t), true, false)
	p := register(t, in)
	task := uuid.New()
	in.publish(t, envelope(t, tevents.TypeTaskCreated, p.alice, tevents.TaskCreated{TaskID: task, Title: "Fix login",
		CreatedBy: p.alice, AssigneeIDs: []uuid.UUID{p.bob}}))
	settle(t, in.pool)
	if w := watchersOf(t, in.pool, task); len(w) != 2 || w[p.alice] != "creator" || w[p.bob] != "assignee" {
		t.Fatalf("watchers after creation = %v", w)
	}

	in.publish(t, envelope(t, tevents.TypeTaskAssigned, p.alice, tevents.TaskAssigned{TaskID: task, Title: "Fix login", UserID: p.carol}))
	settle(t, in.pool)
	carol := notificationsOf(t, in.pool, p.carol)
	expectTypes(t, "carol", carol, "assigned")
	if carol[0].Text != "alice assigned you to “Fix login”" || carol[0].Actor == nil || *carol[0].Actor != p.alice {
		t.Fatalf("assigned notification = %+v", carol[0])
	}
	if watchersOf(t, in.pool, task)[p.carol] != "assignee" {
		t.Fatal("the new assignee does not watch the task")
	}

	// Bob moves the task: the other watchers hear of it, bob does not.
	in.publish(t, envelope(t, tevents.TypeTaskStatusChanged, p.bob, tevents.TaskStatusChanged{TaskID: task,
		Title: "Fix login", FromStatus: "todo", ToStatus: "done", FromStatusID: 1, ToStatusID: 3}))
	settle(t, in.pool)
	expectTypes(t, "alice", notificationsOf(t, in.pool, p.alice), "status_changed")
	expectTypes(t, "bob", notificationsOf(t, in.pool, p.bob))
	if got := notificationsOf(t, in.pool, p.carol)[1].Text; got != "bob moved “Fix login” to done" {
		t.Fatalf("status text = %q", got)
	}

	in.publish(t, envelope(t, tevents.TypeTaskUnassigned, p.alice, tevents.TaskUnassigned{TaskID: task, Title: "Fix login", UserID: p.carol}))
	// A self-unassignment notifies nobody.
	in.publish(t, envelope(t, tevents.TypeTaskUnassigned, p.bob, tevents.TaskUnassigned{TaskID: task, Title: "Fix login", UserID: p.bob}))
	settle(t, in.pool)
	expectTypes(t, "carol", notificationsOf(t, in.pool, p.carol), "assigned", "status_changed", "unassigned")
	expectTypes(t, "bob", notificationsOf(t, in.pool, p.bob))

	in.publish(t, envelope(t, cevents.TypeAttachmentAdded, p.carol, cevents.AttachmentAdded{TaskID: task,
		AttachmentID: uuid.New(), UploadedBy: p.carol, Filename: "trace.log", Size: 10, ContentType: "text/plain"}))
	settle(t, in.pool)
	bob := notificationsOf(t, in.pool, p.bob)
	expectTypes(t, "bob", bob, "attachment_added")
	if bob[0].Text != "carol attached trace.log to “Fix login”" {
		t.Fatalf("attachment text = %q", bob[0].Text)
	}
	expectTypes(t, "carol", notificationsOf(t, in.pool, p.carol), "assigned", "status_changed", "unassigned")

	in.publish(t, envelope(t, tevents.TypeTaskDeleted, p.alice, tevents.TaskDeleted{TaskID: task, Title: "Fix login", CreatedBy: p.alice}))
	settle(t, in.pool)
	expectTypes(t, "bob", notificationsOf(t, in.pool, p.bob), "attachment_added", "task_deleted")
	expectTypes(t, "carol", notificationsOf(t, in.pool, p.carol), "assigned", "status_changed", "unassigned", "task_deleted")
	expectTypes(t, "alice", notificationsOf(t, in.pool, p.alice), "status_changed", "attachment_added")
	if w := watchersOf(t, in.pool, task); len(w) != 0 {
		t.Fatalf("watchers of a deleted task = %v", w)
	}
	if n := count(t, in.pool, `SELECT count(*) FROM notification.task_ref WHERE task_id = $1 AND deleted_at IS NOT NULL`, task); n != 1 {
		t.Fatal("no tombstone of the deleted task")
	}
	// A comment delivered after the deletion adds no watcher.
	in.publish(t, envelope(t, cevents.TypeCommentAdded, p.dave, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(), AuthorID: p.dave}))
	settle(t, in.pool)
	if w := watchersOf(t, in.pool, task); len(w) != 0 {
		t.Fatalf("watchers of a deleted task = %v", w)
	}
}

func TestCommentsNotifyWatchersAndMentionedUsers(t *testing.T) {
	t.Parallel()
	in := newInstance(t, pgtest.New(t), true, false)
	p := register(t, in)
	task := uuid.New()
	in.publish(t, envelope(t, tevents.TypeTaskCreated, p.alice, tevents.TaskCreated{TaskID: task, Title: "Fix login", CreatedBy: p.alice}))
	settle(t, in.pool)

	// Bob comments, mentioning alice (a watcher), carol (not a watcher) and
	// himself: one notification each for alice and carol, none for bob.
	comment := uuid.New()
	in.publish(t, envelope(t, cevents.TypeCommentAdded, p.bob, cevents.CommentAdded{TaskID: task, CommentID: comment,
		AuthorID: p.bob, MentionedUserIDs: []uuid.UUID{p.alice, p.carol, p.bob}, Excerpt: "@alice @carol look"}))
	settle(t, in.pool)
	alice := notificationsOf(t, in.pool, p.alice)
	expectTypes(t, "alice", alice, "mentioned")
	if alice[0].Text != "bob mentioned you in a comment on “Fix login”" {
		t.Fatalf("mention text = %q", alice[0].Text)
	}
	expectTypes(t, "carol", notificationsOf(t, in.pool, p.carol), "mentioned")
	expectTypes(t, "bob", notificationsOf(t, in.pool, p.bob))
	if w := watchersOf(t, in.pool, task); w[p.bob] != "commenter" || w[p.carol] != "" {
		t.Fatalf("watchers = %v: the commenter watches, a mentioned user does not", w)
	}

	// Alice comments without mentions: bob (now a watcher) hears of it.
	in.publish(t, envelope(t, cevents.TypeCommentAdded, p.alice, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(),
		AuthorID: p.alice, Excerpt: "done"}))
	settle(t, in.pool)
	bob := notificationsOf(t, in.pool, p.bob)
	expectTypes(t, "bob", bob, "comment_added")
	if bob[0].Text != "alice commented on “Fix login”" {
		t.Fatalf("comment text = %q", bob[0].Text)
	}

	// Bob edits his comment to mention dave too: only dave is told.
	in.publish(t, envelope(t, cevents.TypeCommentEdited, p.bob, cevents.CommentEdited{TaskID: task, CommentID: comment,
		AuthorID: p.bob, MentionedUserIDs: []uuid.UUID{p.alice, p.carol, p.dave}, NewlyMentionedUserIDs: []uuid.UUID{p.dave}}))
	settle(t, in.pool)
	expectTypes(t, "dave", notificationsOf(t, in.pool, p.dave), "mentioned")
	expectTypes(t, "alice", notificationsOf(t, in.pool, p.alice), "mentioned")
	expectTypes(t, "carol", notificationsOf(t, in.pool, p.carol), "mentioned")
}

// TestLateWatchCatchesUp: deliveries are unordered; a comment processed
// before the task's creation still reaches the creator once the creation
// is processed.
func TestLateWatchCatchesUp(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	in := newInstance(t, pool, false, false)
	alice, bob, carol := uuid.New(), uuid.New(), uuid.New()
	task := uuid.New()
	in.tasks.titles[task] = "Late"
	created := envelope(t, tevents.TypeTaskCreated, alice, tevents.TaskCreated{TaskID: task, Title: "Late", CreatedBy: alice})
	commented := envelope(t, cevents.TypeCommentAdded, bob, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(),
		AuthorID: bob, MentionedUserIDs: []uuid.UUID{carol}})
	run := postgres.TxRunner{Pool: pool}
	for _, step := range []struct {
		h events.Handler
		e events.Envelope
	}{{in.m.service.Handlers()[commented.Type], commented}, {in.m.service.Handlers()[created.Type], created}} {
		if err := run.InTx(context.Background(), func(ctx context.Context) error { return step.h(ctx, step.e) }); err != nil {
			t.Fatal(err)
		}
	}
	alices := notificationsOf(t, pool, alice)
	expectTypes(t, "alice", alices, "comment_added")
	if alices[0].EventID != commented.EventID {
		t.Fatal("the owed notification is not the comment's")
	}
	if alices[0].Text != "someone commented on “Late”" { // bob's name is not known here: no UserRegistered
		t.Fatalf("the owed notification reads %q: the title comes from tasking when the creation is not here yet", alices[0].Text)
	}
	expectTypes(t, "bob", notificationsOf(t, pool, bob))
	expectTypes(t, "carol", notificationsOf(t, pool, carol), "mentioned")
}

// Tasks created together arrive in one delivery and are handled at once:
// each creator and assignee watches their own task, a task already deleted
// gets no watcher, and a comment processed before its task's creation is
// still owed to the new watchers of that task only.
func TestTasksCreatedTogetherAreHandledTogether(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	in := newInstance(t, pool, true, false)
	alice, bob, carol, dave := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	t1, t2, gone := uuid.New(), uuid.New(), uuid.New()
	creates := []events.Envelope{
		envelope(t, tevents.TypeTaskCreated, alice, tevents.TaskCreated{TaskID: t1, Title: "One", CreatedBy: alice, AssigneeIDs: []uuid.UUID{bob}}),
		envelope(t, tevents.TypeTaskCreated, carol, tevents.TaskCreated{TaskID: gone, Title: "Gone", CreatedBy: carol}),
		envelope(t, tevents.TypeTaskCreated, bob, tevents.TaskCreated{TaskID: t2, Title: "Two", CreatedBy: bob, AssigneeIDs: []uuid.UUID{bob, carol}}),
	}
	// After the creates happened but before they are delivered: a comment
	// on t2 by dave, and the deletion of "gone".
	in.publish(t, envelope(t, cevents.TypeCommentAdded, dave, cevents.CommentAdded{TaskID: t2, CommentID: uuid.New(), AuthorID: dave}))
	in.publish(t, envelope(t, tevents.TypeTaskDeleted, carol, tevents.TaskDeleted{TaskID: gone, Title: "Gone", CreatedBy: carol}))
	settle(t, pool)

	in.publish(t, creates...)
	if n := count(t, pool, `SELECT count(*) FROM river_job, jsonb_array_elements(args->'events') e
		WHERE e->>'type' = $1`, tevents.TypeTaskCreated); n != 3 {
		t.Fatalf("%d TaskCreated events queued, want 3", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM river_job WHERE jsonb_array_length(args->'events') = 3`); n != 1 {
		t.Fatalf("the three creates are in %d deliveries of three, want 1", n)
	}
	settle(t, pool)

	if got := watchersOf(t, pool, t1); len(got) != 2 || got[alice] != "creator" || got[bob] != "assignee" {
		t.Errorf("watchers of t1: %v", got)
	}
	if got := watchersOf(t, pool, t2); len(got) != 3 || got[bob] != "creator" || got[carol] != "assignee" || got[dave] != "commenter" {
		t.Errorf("watchers of t2 (bob created it and assigned himself; dave commented): %v", got)
	}
	if got := watchersOf(t, pool, gone); len(got) != 0 {
		t.Errorf("a deleted task got watchers: %v", got)
	}
	if n := count(t, pool, `SELECT count(*) FROM notification.task_ref WHERE task_id = ANY($1) AND title IN ('One', 'Two')`,
		[]uuid.UUID{t1, t2}); n != 2 {
		t.Errorf("%d titles stored, want 2", n)
	}
	// dave's comment on t2 is owed to its new watchers, not to t1's.
	expectTypes(t, "bob", notificationsOf(t, pool, bob), "comment_added")
	expectTypes(t, "carol", notificationsOf(t, pool, carol), "comment_added")
	expectTypes(t, "alice", notificationsOf(t, pool, alice))
	expectTypes(t, "dave", notificationsOf(t, pool, dave))
}

func TestUnknownNamesFallBack(t *testing.T) {
	t.Parallel()
	in := newInstance(t, pgtest.New(t), true, false)
	task, actor, watcher := uuid.New(), uuid.New(), uuid.New()
	in.publish(t, envelope(t, cevents.TypeCommentAdded, actor, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(),
		AuthorID: actor, MentionedUserIDs: []uuid.UUID{watcher}}))
	settle(t, in.pool)
	got := notificationsOf(t, in.pool, watcher)
	if len(got) != 1 || got[0].Text != "someone mentioned you in a comment on a task" {
		t.Fatalf("got %+v", got)
	}
}

func TestRedeliveryDoesNotDuplicate(t *testing.T) {
	t.Parallel()
	in := newInstance(t, pgtest.New(t), true, false)
	p := register(t, in)
	task := uuid.New()
	in.publish(t, envelope(t, tevents.TypeTaskCreated, p.alice, tevents.TaskCreated{TaskID: task, Title: "T", CreatedBy: p.alice}))
	e := envelope(t, cevents.TypeCommentAdded, p.bob, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(),
		AuthorID: p.bob, MentionedUserIDs: []uuid.UUID{p.carol}})
	// The same envelope queued twice.
	in.publish(t, e)
	in.publish(t, e)
	settle(t, in.pool)
	// And its handler run again outside the bus's idempotency record, as a
	// retry after a lost acknowledgement would.
	err := postgres.TxRunner{Pool: in.pool}.InTx(context.Background(), func(ctx context.Context) error {
		return in.m.service.OnCommentAdded(ctx, e)
	})
	if err != nil {
		t.Fatal(err)
	}
	expectTypes(t, "alice", notificationsOf(t, in.pool, p.alice), "comment_added")
	expectTypes(t, "carol", notificationsOf(t, in.pool, p.carol), "mentioned")
	if n := count(t, in.pool, `SELECT count(*) FROM notification.notification WHERE event_id = $1`, e.EventID); n != 2 {
		t.Fatalf("%d notifications for the event, want 2", n)
	}
}

// TestNothingLostWhileTheWorkerIsDown: the triggering change commits while
// no worker runs (the process died right after the commit); a fresh
// instance delivers it, once per recipient.
func TestNothingLostWhileTheWorkerIsDown(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	dead := newInstance(t, pool, false, false)
	alice, bob, carol := uuid.New(), uuid.New(), uuid.New()
	task := uuid.New()
	dead.publish(t,
		envelope(t, tevents.TypeTaskCreated, alice, tevents.TaskCreated{TaskID: task, Title: "T", CreatedBy: alice, AssigneeIDs: []uuid.UUID{bob}}),
		envelope(t, tevents.TypeTaskStatusChanged, carol, tevents.TaskStatusChanged{TaskID: task, Title: "T", ToStatus: "done"}))
	if n := count(t, pool, `SELECT count(*) FROM notification.notification`); n != 0 {
		t.Fatalf("%d notifications before any worker ran", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM river_job WHERE state = 'available'`); n != 2 {
		t.Fatalf("%d deliveries queued, want 2", n)
	}

	restarted := newInstance(t, pool, true, false)
	settle(t, restarted.pool)
	expectTypes(t, "alice", notificationsOf(t, pool, alice), "status_changed")
	expectTypes(t, "bob", notificationsOf(t, pool, bob), "status_changed")
	expectTypes(t, "carol", notificationsOf(t, pool, carol))
}

func TestUserDeletedDropsTheirWatchesAndNotifications(t *testing.T) {
	t.Parallel()
	in := newInstance(t, pgtest.New(t), true, false)
	p := register(t, in)
	task := uuid.New()
	in.publish(t, envelope(t, tevents.TypeTaskCreated, p.alice, tevents.TaskCreated{TaskID: task, Title: "T",
		CreatedBy: p.alice, AssigneeIDs: []uuid.UUID{p.bob}}))
	in.publish(t, envelope(t, cevents.TypeCommentAdded, p.carol, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(), AuthorID: p.carol}))
	settle(t, in.pool)
	expectTypes(t, "bob", notificationsOf(t, in.pool, p.bob), "comment_added")

	in.publish(t, envelope(t, ievents.TypeUserDeleted, p.bob, ievents.UserDeleted{UserID: p.bob, Username: "bob"}))
	settle(t, in.pool)
	expectTypes(t, "bob", notificationsOf(t, in.pool, p.bob))
	if _, ok := watchersOf(t, in.pool, task)[p.bob]; ok {
		t.Fatal("a deleted user still watches")
	}
	expectTypes(t, "alice", notificationsOf(t, in.pool, p.alice), "comment_added")
	if n := count(t, in.pool, `SELECT count(*) FROM notification.user_ref WHERE user_id = $1`, p.bob); n != 0 {
		t.Fatal("the deleted user's name is still kept")
	}
}

// chanWriter is a StreamWriter that hands what it gets to the test.
type chanWriter struct {
	opened chan struct{}
	got    chan domain.Notification
	pings  chan struct{}
}

func newChanWriter() *chanWriter {
	return &chanWriter{opened: make(chan struct{}), got: make(chan domain.Notification, 100), pings: make(chan struct{}, 100)}
}

func (w *chanWriter) Open() error                              { close(w.opened); return nil }
func (w *chanWriter) Notification(n domain.Notification) error { w.got <- n; return nil }
func (w *chanWriter) Heartbeat() error {
	select {
	case w.pings <- struct{}{}:
	default:
	}
	return nil
}

func (w *chanWriter) next(t *testing.T) domain.Notification {
	t.Helper()
	select {
	case n := <-w.got:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no notification on the stream")
	}
	return domain.Notification{}
}

func openStream(t *testing.T, in *instance, actor kernel.Actor, last *uuid.UUID) (*chanWriter, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := newChanWriter()
	done, finished := make(chan error, 1), make(chan struct{})
	go func() { defer close(finished); done <- in.m.service.Stream(ctx, actor, last, w) }()
	t.Cleanup(func() { cancel(); <-finished })
	select {
	case <-w.opened:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not open")
	}
	return w, done
}

func TestStreamAcrossInstancesWithResumeAndSessionEnd(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newInstance(t, pool, true, true) // the instance whose worker stores notifications
	b := newInstance(t, pool, false, true)
	// a's bus delivers everything: b only streams.
	p := register(t, a)
	task := uuid.New()
	a.publish(t, envelope(t, tevents.TypeTaskCreated, p.alice, tevents.TaskCreated{TaskID: task, Title: "T", CreatedBy: p.alice}))
	settle(t, pool)

	actor := kernel.Actor{UserID: p.alice, SessionID: uuid.New()}
	w1, _ := openStream(t, b, actor, nil)
	w2, _ := openStream(t, b, actor, nil) // a second tab
	first := envelope(t, cevents.TypeCommentAdded, p.bob, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(), AuthorID: p.bob})
	a.publish(t, first)
	n1, n2 := w1.next(t), w2.next(t)
	if n1.ID() != n2.ID() || n1.EventID() != first.EventID || n1.Type() != domain.TypeCommentAdded || n1.RecipientID() != p.alice {
		t.Fatalf("streamed %+v and %+v", n1, n2)
	}

	// Resume after the first: the second (stored meanwhile) is replayed,
	// then live ones follow.
	a.publish(t, envelope(t, cevents.TypeCommentAdded, p.carol, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(), AuthorID: p.carol}))
	settle(t, pool)
	last := n1.ID()
	w3, done3 := openStream(t, b, actor, &last)
	replayed := w3.next(t)
	if replayed.ActorID() != p.carol {
		t.Fatalf("replayed %+v, want carol's comment", replayed)
	}
	a.publish(t, envelope(t, cevents.TypeCommentAdded, p.dave, cevents.CommentAdded{TaskID: task, CommentID: uuid.New(), AuthorID: p.dave}))
	if live := w3.next(t); live.ActorID() != p.dave {
		t.Fatalf("live %+v, want dave's comment", live)
	}
	select {
	case n := <-w3.got:
		t.Fatalf("unexpected extra notification %+v", n)
	default:
	}

	// Revoking the session ends the stream at the next heartbeat.
	b.sessions.revoke(actor.SessionID)
	select {
	case err := <-done3:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not end after the session was revoked")
	}
}

// A watch stored by a creation's delivery respects what the users did
// before it arrived: an unwatch made after the creation stands, one made
// before it (an old watch of the same task id, restored) gives way.
func TestCreationWatchesRespectNewerUnwatches(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	in := newInstance(t, pool, true, false)
	alice, bob := uuid.New(), uuid.New()
	task := uuid.New()
	created := envelope(t, tevents.TypeTaskCreated, alice, tevents.TaskCreated{TaskID: task, Title: "Order",
		CreatedBy: alice, AssigneeIDs: []uuid.UUID{bob}})
	if _, err := pool.Exec(context.Background(), `INSERT INTO notification.watcher (task_id, user_id, source, created_at, unwatched_at)
		VALUES ($1, $2, 'manual', $3, $3), ($1, $4, 'manual', $5, $5)`,
		task, alice, created.OccurredAt.Add(time.Second), bob, created.OccurredAt.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	in.publish(t, created)
	settle(t, pool)
	if got := watchersOf(t, pool, task); len(got) != 1 || got[bob] != "assignee" {
		t.Fatalf("watchers = %v: alice unwatched after the creation, bob's unwatch was older", got)
	}
}

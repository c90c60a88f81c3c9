package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	pgadapter "tasktracker/internal/collaboration/adapters/postgres"
	"tasktracker/internal/collaboration/domain"
	evts "tasktracker/internal/collaboration/events"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/postgres"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T) (pgadapter.Repositories, *events.Bus, func(typ string) int) {
	t.Helper()
	pool := pgtest.New(t)
	bus, err := events.NewBus(pool, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	noop := func(context.Context, events.Envelope) error { return nil }
	bus.Subscribe("test.all", noop, evts.TypeCommentAdded, evts.TypeCommentEdited, evts.TypeAttachmentAdded,
		evts.TypeTimeLogged, pgadapter.TypeBlobsReleased)
	queued := func(typ string) int {
		var n int
		if err := pool.QueryRow(context.Background(),
			`SELECT count(*) FROM river_job, jsonb_array_elements(args->'events') e WHERE e->>'type' = $1`, typ).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return pgadapter.New(postgres.TxRunner{Pool: pool}, bus), bus, queued
}

func TestCommentsRoundTripAndPublish(t *testing.T) {
	repos, _, queued := setup(t)
	ctx := context.Background()
	task, author, mentioned := uuid.New(), uuid.New(), uuid.New()
	var ids []uuid.UUID
	for i := 0; i < 3; i++ {
		c, err := domain.NewComment(uuid.Must(uuid.NewV7()), task, author, "hello @x", []uuid.UUID{mentioned}, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if err := repos.Comments.Add(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID())
	}
	if n := queued(evts.TypeCommentAdded); n != 3 {
		t.Fatalf("CommentAdded queued %d, want 3", n)
	}
	page1, err := repos.Comments.ListByTask(ctx, task, ports.PageRequest{Limit: 2})
	if err != nil || len(page1) != 2 || page1[0].ID() != ids[0] {
		t.Fatalf("page 1: %v %v", page1, err)
	}
	last := page1[1]
	page2, err := repos.Comments.ListByTask(ctx, task, ports.PageRequest{Limit: 2, After: &ports.Keyset{At: last.CreatedAt(), ID: last.ID()}})
	if err != nil || len(page2) != 1 || page2[0].ID() != ids[2] {
		t.Fatalf("page 2: %v %v", page2, err)
	}
	edited, err := repos.Comments.Update(ctx, ids[0], func(c *domain.Comment) error {
		return c.Edit(kernel.Actor{UserID: author}, "changed", nil, nil, t0.Add(time.Hour))
	})
	if err != nil || edited.Body() != "changed" {
		t.Fatalf("update: %v", err)
	}
	got, err := repos.Comments.Get(ctx, ids[0])
	if err != nil || got.Body() != "changed" || got.Version() != 2 || got.EditedAt() == nil || len(got.Mentions()) != 0 {
		t.Fatalf("stored after edit: %+v %v", got, err)
	}
	if queued(evts.TypeCommentEdited) != 1 {
		t.Fatal("CommentEdited not queued")
	}
	denied := errors.New("denied")
	if err := repos.Comments.Delete(ctx, ids[1], func(*domain.Comment) error { return denied }); !errors.Is(err, denied) {
		t.Fatal(err)
	}
	if err := repos.Comments.Delete(ctx, ids[1], func(*domain.Comment) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := repos.Comments.Get(ctx, ids[1]); !errors.Is(err, domain.ErrCommentNotFound) {
		t.Fatalf("deleted comment: %v", err)
	}
}

func TestTimerIsUniquePerUserAndStops(t *testing.T) {
	repos, _, queued := setup(t)
	ctx := context.Background()
	task, user := uuid.New(), uuid.New()
	if err := repos.TimeLogs.Add(ctx, domain.StartTimer(uuid.New(), task, user, t0)); err != nil {
		t.Fatal(err)
	}
	if err := repos.TimeLogs.Add(ctx, domain.StartTimer(uuid.New(), uuid.New(), user, t0)); !errors.Is(err, domain.ErrTimerRunning) {
		t.Fatalf("second timer: %v", err)
	}
	if err := repos.TimeLogs.Add(ctx, domain.StartTimer(uuid.New(), task, uuid.New(), t0)); err != nil {
		t.Fatalf("another user's timer: %v", err)
	}
	if logs, _ := repos.TimeLogs.ListByTask(ctx, task, ports.PageRequest{Limit: 10}); len(logs) != 0 {
		t.Fatal("running timers are not time logs")
	}
	stopped, err := repos.TimeLogs.StopTimer(ctx, user, func(tl *domain.TimeLog) error { tl.Stop(t0.Add(95 * time.Second)); return nil })
	if err != nil || stopped.DurationSeconds() != 95 {
		t.Fatalf("stop: %v", err)
	}
	if _, err := repos.TimeLogs.RunningTimer(ctx, user); !errors.Is(err, domain.ErrTimerNotRunning) {
		t.Fatalf("after stop: %v", err)
	}
	if queued(evts.TypeTimeLogged) != 1 {
		t.Fatal("TimeLogged not queued")
	}
	if err := repos.TimeLogs.Add(ctx, domain.StartTimer(uuid.New(), task, user, t0.Add(time.Hour))); err != nil {
		t.Fatalf("a new timer after stopping: %v", err)
	}
	secs := int64(30)
	other, _ := domain.NewTimeLog(uuid.New(), task, uuid.New(), domain.Span{StartedAt: &t0, DurationSeconds: &secs}, nil, t0)
	if err := repos.TimeLogs.Add(ctx, other); err != nil {
		t.Fatal(err)
	}
	s, err := repos.TimeLogs.Summary(ctx, task)
	if err != nil || s.TotalSeconds != 125 || len(s.PerUser) != 2 || s.PerUser[0].UserID != user || s.PerUser[0].TotalSeconds != 95 {
		t.Fatalf("summary %+v %v", s, err)
	}
	byUser, err := repos.TimeLogs.ListByUser(ctx, user, t0, t0.Add(24*time.Hour))
	if err != nil || len(byUser) != 1 {
		t.Fatalf("by user: %d %v", len(byUser), err)
	}
}

func TestDeleteTaskRemovesEverythingAndReleasesBlobs(t *testing.T) {
	repos, _, queued := setup(t)
	ctx := context.Background()
	task, keep, user := uuid.New(), uuid.New(), uuid.New()
	for _, tk := range []uuid.UUID{task, keep} {
		c, _ := domain.NewComment(uuid.New(), tk, user, "x", nil, t0)
		secs := int64(60)
		tl, _ := domain.NewTimeLog(uuid.New(), tk, user, domain.Span{StartedAt: &t0, DurationSeconds: &secs}, nil, t0)
		a := domain.NewAttachment(uuid.New(), tk, user, "f.txt", "", domain.StoredFile{Key: uuid.NewString(), ContentType: "text/plain"}, t0)
		for _, err := range []error{repos.Comments.Add(ctx, c), repos.TimeLogs.Add(ctx, tl), repos.Attachments.Add(ctx, a)} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 2; i++ { // idempotent
		if err := repos.TaskData.DeleteTask(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	for _, kept := range []uuid.UUID{task, keep} {
		cs, _ := repos.Comments.ListByTask(ctx, kept, ports.PageRequest{Limit: 10})
		as, _ := repos.Attachments.ListByTask(ctx, kept, ports.PageRequest{Limit: 10})
		ts, _ := repos.TimeLogs.ListByTask(ctx, kept, ports.PageRequest{Limit: 10})
		want := 1
		if kept == task {
			want = 0
		}
		if len(cs) != want || len(as) != want || len(ts) != want {
			t.Fatalf("task %v: %d comments, %d attachments, %d time logs; want %d each", kept == task, len(cs), len(as), len(ts), want)
		}
	}
	if queued(pgadapter.TypeBlobsReleased) != 1 {
		t.Fatal("the first deletion releases the blob, the second has nothing to release")
	}
}

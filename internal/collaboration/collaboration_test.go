package collaboration

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
	identityevents "tasktracker/internal/identity/events"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/platform/wait"
	taskingevents "tasktracker/internal/tasking/events"
)

type tasks struct {
	mu sync.Mutex
	m  map[uuid.UUID]uuid.UUID
}

func (t *tasks) TaskCreator(_ context.Context, id uuid.UUID) (uuid.UUID, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.m[id]
	return c, ok, nil
}

type users struct{}

func (users) UserIDsByUsername(context.Context, []string) (map[string]uuid.UUID, error) {
	return nil, nil
}
func (users) MissingUsers(context.Context, []uuid.UUID) ([]uuid.UUID, error) { return nil, nil }

func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// Real bus, real database, real directory: TaskDeleted and UserDeleted
// published in the other contexts' published language.
func TestReactionsToTaskAndUserDeletion(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	bus, err := events.NewBus(pool, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	task, keep, user := uuid.New(), uuid.New(), uuid.New()
	tl := &tasks{m: map[uuid.UUID]uuid.UUID{task: user, keep: user}}
	m, err := New(Deps{Pool: pool, Bus: bus, Clock: kernel.SystemClock{}, IDs: kernel.UUIDv7{}, Tasks: tl, Users: users{},
		AttachmentsDir: dir, AttachmentMaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	m.Subscribe(bus)
	actor := kernel.Actor{UserID: user}
	for _, tk := range []uuid.UUID{task, keep} {
		if _, err := m.svc.AddComment(ctx, actor, tk, "a comment"); err != nil {
			t.Fatal(err)
		}
		if _, err := m.svc.Upload(ctx, actor, ports.Upload{TaskID: tk, Filename: "f.txt", Body: strings.NewReader("data")}); err != nil {
			t.Fatal(err)
		}
		secs, start := int64(60), time.Now().Add(-time.Hour)
		if _, err := m.svc.LogTime(ctx, actor, tk, domain.Span{StartedAt: &start, DurationSeconds: &secs}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.svc.StartTimer(ctx, actor, keep); err != nil {
		t.Fatal(err)
	}
	if n := len(files(t, dir)); n != 2 {
		t.Fatalf("%d files, want 2", n)
	}
	if err := bus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer bus.Stop(ctx)

	tl.mu.Lock()
	delete(tl.m, task)
	tl.mu.Unlock()
	runner := postgres.TxRunner{Pool: pool}
	deleted, _ := events.New(taskingevents.TypeTaskDeleted, user, time.Now(), taskingevents.TaskDeleted{TaskID: task, CreatedBy: user})
	for i := 0; i < 2; i++ { // delivered twice: no second effect, no error
		if err := runner.InTx(ctx, func(ctx context.Context) error { return bus.Publish(ctx, deleted) }); err != nil {
			t.Fatal(err)
		}
	}
	count := func(table string, tk uuid.UUID) int {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM collaboration.`+table+` WHERE task_id = $1`, tk).Scan(&n)
		return n
	}
	wait.For(t, 10*time.Second, "the task's rows and file to go", func() bool {
		return count("comment", task)+count("attachment", task)+count("time_log", task) == 0 && len(files(t, dir)) == 1
	})
	if count("comment", keep) != 1 || count("attachment", keep) != 1 || count("time_log", keep) != 2 {
		t.Fatal("another task's data was touched")
	}
	if _, _, err := m.svc.ListComments(ctx, task, ports.PageRequest{Limit: 10}); kernel.KindOf(err) != kernel.KindNotFound {
		t.Fatalf("comments of a deleted task: %v", err)
	}

	gone, _ := events.New(identityevents.TypeUserDeleted, user, time.Now(), identityevents.UserDeleted{UserID: user})
	if err := runner.InTx(ctx, func(ctx context.Context) error { return bus.Publish(ctx, gone) }); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 10*time.Second, "the deleted user's running timer to go", func() bool { return count("time_log", keep) == 1 })
	if count("comment", keep) != 1 || count("attachment", keep) != 1 || len(files(t, dir)) != 1 {
		t.Fatal("a deleted user's comments, attachments and time logs stay")
	}
}

package tasking_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	identityevents "tasktracker/internal/identity/events"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/tasking"
)

type noUsers struct{}

func (noUsers) MissingUsers(context.Context, []uuid.UUID) ([]uuid.UUID, error) { return nil, nil }

// A UserDeleted event published on a real bus removes that user's
// assignments once, even when it is delivered again or a second event
// names the same user.
func TestUserDeletedUnassignsDurably(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	bus, err := events.NewBus(pool, events.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	m := tasking.New(tasking.Deps{Pool: pool, Bus: bus, Clock: kernel.SystemClock{}, IDs: kernel.UUIDv7{}, Users: noUsers{}})
	m.Subscribe(bus)

	gone, stays := uuid.New(), uuid.New()
	task := uuid.Must(uuid.NewV7())
	if _, err := pool.Exec(ctx, `
		WITH t AS (INSERT INTO tasking.task (id, title, status_id, created_by, created_at, updated_at)
		           VALUES ($1, 'shared', 1, $3, now(), now()))
		INSERT INTO tasking.task_assignee (task_id, user_id) VALUES ($1, $2), ($1, $3)`, task, gone, stays); err != nil {
		t.Fatal(err)
	}
	if creator, found, err := m.TaskCreator(ctx, task); err != nil || !found || creator != stays {
		t.Fatalf("TaskCreator = %v %v %v", creator, found, err)
	}

	runner := postgres.TxRunner{Pool: pool}
	e, _ := events.New(identityevents.TypeUserDeleted, gone, time.Now(), identityevents.UserDeleted{UserID: gone, Username: "gone"})
	again, _ := events.New(identityevents.TypeUserDeleted, uuid.Nil, time.Now(), identityevents.UserDeleted{UserID: gone})
	for _, env := range []events.Envelope{e, e, again} {
		if err := runner.InTx(ctx, func(ctx context.Context) error { return bus.Publish(ctx, env) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := bus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer bus.Stop(ctx)

	deadline := time.Now().Add(10 * time.Second)
	for {
		var done int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'completed'`).Scan(&done)
		if done == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries completed: %d of 3", done)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var assignees []uuid.UUID
	var version int64
	if err := pool.QueryRow(ctx, `SELECT ARRAY(SELECT user_id FROM tasking.task_assignee WHERE task_id = $1), version
		FROM tasking.task WHERE id = $1`, task).Scan(&assignees, &version); err != nil {
		t.Fatal(err)
	}
	if len(assignees) != 1 || assignees[0] != stays || version != 2 {
		t.Fatalf("assignees %v version %d, want [%s] and 2", assignees, version, stays)
	}
}

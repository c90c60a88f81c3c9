package events_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/platform/wait"
)

// deliveries counts the queued event deliveries, in state when it is set.
func deliveries(t *testing.T, pool *pgxpool.Pool, state string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job
		WHERE kind = 'event_delivery' AND ($1 = '' OR state::text = $1)`, state).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

type recorder struct {
	mu   sync.Mutex
	seen []uuid.UUID
	fail int // fail this many deliveries first
}

func (r *recorder) handle(ctx context.Context, e events.Envelope) error {
	if _, ok := postgres.TxFrom(ctx); !ok {
		return errors.New("handler ran without a transaction")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return errors.New("transient failure")
	}
	r.seen = append(r.seen, e.EventID)
	return nil
}

func (r *recorder) ids() []uuid.UUID {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]uuid.UUID(nil), r.seen...)
}

func TestEventEnqueuedOnlyWhenTransactionCommits(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	bus, err := events.NewBus(pool, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	bus.Subscribe("test.recorder", rec.handle, "ThingHappened")
	runner := postgres.TxRunner{Pool: pool}

	committed, _ := events.New("ThingHappened", uuid.Nil, time.Now(), map[string]string{"n": "1"})
	rolledBack, _ := events.New("ThingHappened", uuid.Nil, time.Now(), map[string]string{"n": "2"})
	ignored, _ := events.New("OtherThing", uuid.Nil, time.Now(), nil)
	if err := runner.InTx(ctx, func(ctx context.Context) error { return bus.Publish(ctx, committed, ignored) }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := runner.InTx(ctx, func(ctx context.Context) error {
		if err := bus.Publish(ctx, rolledBack); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if err := bus.Publish(ctx, committed); !errors.Is(err, events.ErrNoTransaction) {
		t.Fatalf("Publish outside a transaction: got %v, want ErrNoTransaction", err)
	}
	if queued := deliveries(t, pool, ""); queued != 1 {
		t.Fatalf("queued deliveries = %d, want 1 (only the committed event, one subscriber)", queued)
	}

	if err := bus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer bus.Stop(ctx)
	wait.For(t, 10*time.Second, "delivery", func() bool { return len(rec.ids()) == 1 })
	if got := rec.ids()[0]; got != committed.EventID {
		t.Fatalf("delivered %s, want %s", got, committed.EventID)
	}
}

func TestDeliveredAfterRestartAndRetried(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	runner := postgres.TxRunner{Pool: pool}

	// The first process publishes and dies before delivering anything.
	first, err := events.NewBus(pool, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first.Subscribe("test.recorder", (&recorder{}).handle, "ThingHappened")
	e, _ := events.New("ThingHappened", uuid.Nil, time.Now(), nil)
	if err := runner.InTx(ctx, func(ctx context.Context) error { return first.Publish(ctx, e) }); err != nil {
		t.Fatal(err)
	}

	// The restarted process delivers it, after one failed attempt.
	rec := &recorder{fail: 1}
	second, err := events.NewBus(pool, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	second.Subscribe("test.recorder", rec.handle, "ThingHappened")
	// A retried job is scheduled seconds later; make it due now.
	if err := second.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer second.Stop(ctx)
	wait.For(t, 10*time.Second, "a failed attempt", func() bool {
		var errs int
		_ = pool.QueryRow(ctx, `SELECT coalesce(array_length(errors, 1), 0) FROM river_job WHERE kind = 'event_delivery'`).Scan(&errs)
		return errs >= 1
	})
	if _, err := pool.Exec(ctx, `UPDATE river_job SET scheduled_at = now() WHERE state = 'retryable'`); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 10*time.Second, "redelivery", func() bool { return len(rec.ids()) == 1 })
	if rec.ids()[0] != e.EventID {
		t.Fatal("wrong event delivered")
	}
}

func TestRedeliveryHasNoSecondEffect(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	runner := postgres.TxRunner{Pool: pool}
	bus, err := events.NewBus(pool, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	bus.Subscribe("test.recorder", rec.handle, "ThingHappened")
	e, _ := events.New("ThingHappened", uuid.Nil, time.Now(), nil)
	// The same event published twice (a job queued twice) takes effect once.
	for i := 0; i < 2; i++ {
		if err := runner.InTx(ctx, func(ctx context.Context) error { return bus.Publish(ctx, e) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := bus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer bus.Stop(ctx)
	wait.For(t, 10*time.Second, "both jobs to finish", func() bool {
		var done int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'completed'`).Scan(&done)
		return done == 2
	})
	if n := len(rec.ids()); n != 1 {
		t.Fatalf("handler took effect %d times, want 1", n)
	}
}

func TestTheLeaderVacuumsTheJobTable(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	bus, err := events.NewBus(pool, events.Options{VacuumInterval: time.Hour}) // RunOnStart: once, at once
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer bus.Stop(ctx)
	wait.For(t, 10*time.Second, "river_job to be vacuumed", func() bool {
		var vacuums int64
		_ = pool.QueryRow(ctx, `SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'river_job'`).Scan(&vacuums)
		return vacuums > 0
	})
}

// The events one transaction publishes reach each subscriber in one
// delivery, in order; a subscriber takes only its types; an event it has
// already taken is skipped when a delivery brings it again.
func TestOnePublicationIsOneDeliveryPerSubscriberInOrder(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	runner := postgres.TxRunner{Pool: pool}
	bus, err := events.NewBus(pool, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all, some := &recorder{}, &recorder{}
	bus.Subscribe("test.all", all.handle, "A", "B")
	bus.Subscribe("test.some", some.handle, "B")
	a1, _ := events.New("A", uuid.Nil, time.Now(), nil)
	b1, _ := events.New("B", uuid.Nil, time.Now(), nil)
	a2, _ := events.New("A", uuid.Nil, time.Now(), nil)
	if err := runner.InTx(ctx, func(ctx context.Context) error { return bus.Publish(ctx, a1, b1, a2) }); err != nil {
		t.Fatal(err)
	}
	if jobs := deliveries(t, pool, ""); jobs != 2 {
		t.Fatalf("%d deliveries queued, want 2 (one per subscriber)", jobs)
	}
	if err := bus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer bus.Stop(ctx)
	done := func(n int) func() bool { return func() bool { return deliveries(t, pool, "completed") == n } }
	wait.For(t, 10*time.Second, "both deliveries to finish", done(2))
	// b1 again, alone (a job queued twice): both subscribers have it already.
	if err := runner.InTx(ctx, func(ctx context.Context) error { return bus.Publish(ctx, b1) }); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 10*time.Second, "the repeated deliveries to finish", done(4))
	if got, want := all.ids(), []uuid.UUID{a1.EventID, b1.EventID, a2.EventID}; !slices.Equal(got, want) {
		t.Errorf("test.all took %v, want %v in that order", got, want)
	}
	if got := some.ids(); !slices.Equal(got, []uuid.UUID{b1.EventID}) {
		t.Errorf("test.some took %v, want only %v", got, b1.EventID)
	}
}

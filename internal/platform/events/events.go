// Package events carries domain events between bounded contexts, in process
// and durably.
//
// A writer publishes an Envelope inside its own transaction; for every
// subscriber of that event type the bus enqueues a River job in that same
// transaction, so the delivery exists if and only if the change committed.
// After commit a River worker runs the subscriber's handler in a transaction
// of its own that also records (subscriber, event_id) in
// platform.processed_event: delivery is at least once, retried with back-off,
// and its effect happens once per event even when a job runs twice.
package events

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"tasktracker/internal/platform/postgres"
)

// Envelope is one published event.
type Envelope struct {
	EventID    uuid.UUID       `json:"event_id"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurred_at"`
	ActorID    uuid.UUID       `json:"actor_id"` // uuid.Nil when the system acted
	Payload    json.RawMessage `json:"payload"`
}

// New wraps payload in an envelope with a fresh UUIDv7 event id.
func New(eventType string, actor uuid.UUID, at time.Time, payload any) (Envelope, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return Envelope{}, fmt.Errorf("events: encode %s: %w", eventType, err)
	}
	return Envelope{EventID: uuid.Must(uuid.NewV7()), Type: eventType, OccurredAt: at.UTC(), ActorID: actor, Payload: raw}, nil
}

// Decode unmarshals the payload into v.
func (e Envelope) Decode(v any) error {
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return fmt.Errorf("events: decode %s %s: %w", e.Type, e.EventID, err)
	}
	return nil
}

// Handler reacts to one event. Its ctx carries the delivery's transaction
// (postgres.TxFrom), so repository writes made through it commit together
// with the idempotency record.
type Handler func(ctx context.Context, e Envelope) error

// BatchHandler reacts to the events of one delivery at once (those of one
// publication that its subscriber takes and has not taken before), in
// publication order, in the delivery's transaction: a subscriber that can
// store the effects of many events in a few statements registers one with
// SubscribeBatch.
type BatchHandler func(ctx context.Context, evs []Envelope) error

// Publisher is what writers need: publish inside the transaction in ctx.
type Publisher interface {
	Publish(ctx context.Context, envs ...Envelope) error
}

// ErrNoTransaction is returned by Publish when ctx carries no transaction.
var ErrNoTransaction = errors.New("events: Publish must run inside a transaction (postgres.TxRunner.InTx)")

// Options tune delivery.
type Options struct {
	Logger       *slog.Logger
	Workers      int           // concurrent deliveries (default 10)
	PollInterval time.Duration // fallback poll when no insert notification arrives (default 100ms)
	// VacuumInterval is how often the leader vacuums the job table
	// (default 30s; see vacuumWorker).
	VacuumInterval time.Duration
}

// Bus is the in-process event bus with durable delivery.
type Bus struct {
	runner postgres.TxRunner
	client *river.Client[pgx.Tx]
	logger *slog.Logger

	mu       sync.RWMutex
	byType   map[string][]string     // event type → subscriber names
	handlers map[string]BatchHandler // subscriber name → handler
}

const queue = "events"

// NewBus builds a bus on pool. Subscribe before Start.
func NewBus(pool *pgxpool.Pool, o Options) (*Bus, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	b := &Bus{runner: postgres.TxRunner{Pool: pool}, logger: o.Logger,
		byType: map[string][]string{}, handlers: map[string]BatchHandler{}}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &deliveryWorker{bus: b}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &vacuumWorker{pool: pool}); err != nil {
		return nil, err
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{queue: {MaxWorkers: cmp.Or(o.Workers, 10)}},
		Workers:           workers,
		Logger:            o.Logger.With("component", "river"),
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: cmp.Or(o.PollInterval, 100*time.Millisecond),
		JobTimeout:        time.Minute,
		// Migration 00008 drops River's GIN indexes on args and metadata.
		ReindexerIndexNames: slices.DeleteFunc(river.ReindexerIndexNamesDefault(), func(n string) bool {
			return n == "river_job_args_index" || n == "river_job_metadata_index"
		}),
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(cmp.Or(o.VacuumInterval, 30*time.Second)),
			func() (river.JobArgs, *river.InsertOpts) {
				return vacuumQueue{}, &river.InsertOpts{Queue: queue, MaxAttempts: 1}
			},
			&river.PeriodicJobOpts{ID: "vacuum_river_job", RunOnStart: true})},
	})
	if err != nil {
		return nil, err
	}
	b.client = client
	return b, nil
}

// Subscribe registers handler under a stable subscriber name (it names the
// queued deliveries and the idempotency records, so never rename one
// lightly) for the given event types.
func (b *Bus) Subscribe(subscriber string, handler Handler, eventTypes ...string) {
	b.SubscribeBatch(subscriber, func(ctx context.Context, evs []Envelope) error {
		for _, e := range evs {
			if err := handler(ctx, e); err != nil {
				return fmt.Errorf("%s %s: %w", e.Type, e.EventID, err)
			}
		}
		return nil
	}, eventTypes...)
}

// SubscribeBatch is Subscribe for a handler of all the events of a delivery.
func (b *Bus) SubscribeBatch(subscriber string, handler BatchHandler, eventTypes ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.handlers[subscriber]; dup {
		panic("events: subscriber " + subscriber + " registered twice")
	}
	b.handlers[subscriber] = handler
	for _, t := range eventTypes {
		b.byType[t] = append(b.byType[t], subscriber)
	}
}

// Publish enqueues one delivery per subscriber of each event, inside the
// transaction that ctx carries.
func (b *Bus) Publish(ctx context.Context, envs ...Envelope) error {
	tx, ok := postgres.TxFrom(ctx)
	if !ok {
		return ErrNoTransaction
	}
	// One delivery per subscriber: the events it takes, in order.
	b.mu.RLock()
	var subscribers []string // in order of first event taken
	taken := map[string][]Envelope{}
	for _, e := range envs {
		for _, s := range b.byType[e.Type] {
			if _, seen := taken[s]; !seen {
				subscribers = append(subscribers, s)
			}
			taken[s] = append(taken[s], e)
		}
	}
	b.mu.RUnlock()
	params := make([]river.InsertManyParams, len(subscribers))
	for i, s := range subscribers {
		params[i] = river.InsertManyParams{Args: delivery{Subscriber: s, Events: taken[s]},
			InsertOpts: &river.InsertOpts{Queue: queue, MaxAttempts: 25}}
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := b.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("events: enqueue: %w", postgres.MapError(err))
	}
	return nil
}

// Start begins delivering queued events.
func (b *Bus) Start(ctx context.Context) error { return b.client.Start(ctx) }

// Stop lets running deliveries finish (until ctx ends) and stops.
func (b *Bus) Stop(ctx context.Context) error { return b.client.Stop(ctx) }

// delivery is one River job: the events of one publication (one
// transaction) that one subscriber takes, delivered in order in one
// transaction. Event is how a delivery enqueued before Events existed
// carries its one event.
type delivery struct {
	Subscriber string     `json:"subscriber"`
	Events     []Envelope `json:"events,omitempty"`
	Event      *Envelope  `json:"event,omitempty"`
}

func (delivery) Kind() string { return "event_delivery" }

type deliveryWorker struct {
	river.WorkerDefaults[delivery]
	bus *Bus
}

func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[delivery]) error {
	w.bus.mu.RLock()
	h := w.bus.handlers[job.Args.Subscriber]
	w.bus.mu.RUnlock()
	if h == nil {
		return fmt.Errorf("events: no subscriber %q in this process", job.Args.Subscriber)
	}
	evs := job.Args.Events
	if len(evs) == 0 && job.Args.Event != nil {
		evs = []Envelope{*job.Args.Event}
	}
	ids := make([]uuid.UUID, len(evs))
	for i, e := range evs {
		ids[i] = e.EventID
	}
	err := w.bus.runner.InTx(ctx, func(ctx context.Context) error {
		// The delivery commits without waiting for its WAL flush: River
		// marks the job completed afterwards in a synchronous commit, whose
		// flush covers this earlier commit record too. So a completed job's
		// effect is always durable, and a crash before that flush leaves
		// the job to be run again (idempotently, below).
		b := &pgx.Batch{}
		b.Queue(`SET LOCAL synchronous_commit = off`)
		b.Queue(`INSERT INTO platform.processed_event (subscriber, event_id)
			SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`, job.Args.Subscriber, ids)
		br := w.bus.runner.Conn(ctx).SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			br.Close()
			return err
		}
		rows, err := br.Query()
		if err != nil {
			br.Close()
			return err
		}
		fresh, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		// An event delivered before has its effect committed already.
		todo := slices.DeleteFunc(slices.Clone(evs), func(e Envelope) bool { return !slices.Contains(fresh, e.EventID) })
		if len(todo) == 0 {
			return nil
		}
		return h(ctx, todo)
	})
	if err != nil {
		w.bus.logger.WarnContext(ctx, "event delivery failed", "subscriber", job.Args.Subscriber,
			"events", len(evs), "attempt", job.Attempt, "error", err)
	}
	return err
}

// vacuumQueue is the periodic job that vacuums River's job table. Every
// delivery updates its job row twice (available → running → completed), and
// the fetch query walks the "available" index entries in order: without a
// vacuum the dead entries of finished jobs pile up in front of the live
// ones and each fetch gets slower (River issue #59). Autovacuum may be off
// or busy with large tables, so the elected leader vacuums this small,
// hot table itself; plain VACUUM takes no lock that blocks the queue.
type vacuumQueue struct{}

func (vacuumQueue) Kind() string { return "vacuum_river_job" }

type vacuumWorker struct {
	river.WorkerDefaults[vacuumQueue]
	pool *pgxpool.Pool
}

func (w *vacuumWorker) Work(ctx context.Context, _ *river.Job[vacuumQueue]) error {
	_, err := w.pool.Exec(ctx, `VACUUM (SKIP_LOCKED) river_job`)
	return err
}

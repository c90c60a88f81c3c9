// Package postgres is the notification context's storage: watchers,
// notifications and the local projections of task titles and usernames, in
// the notification schema; plus the LISTEN loop that feeds live streams.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tasktracker/internal/notification/domain"
	"tasktracker/internal/notification/ports"
	"tasktracker/internal/platform/postgres"
)

// Channel is the NOTIFY channel a stored notification is announced on.
const Channel = "notification_created"

// Store implements the driven storage ports. Its methods join the
// transaction the context carries (an event delivery's, or a request's).
type Store struct{ runner postgres.TxRunner }

var (
	_ ports.Watchers      = (*Store)(nil)
	_ ports.Notifications = (*Store)(nil)
	_ ports.Directory     = (*Store)(nil)
	_ ports.TaskLog       = (*Store)(nil)
)

// NewStore builds the store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{runner: postgres.TxRunner{Pool: pool}} }

// ---- watchers ----

// LockTask takes a transaction-scoped advisory lock on each task, in id
// order (so that two deliveries locking the same tasks cannot deadlock).
func (s *Store) LockTask(ctx context.Context, taskIDs ...uuid.UUID) error {
	if _, ok := postgres.TxFrom(ctx); !ok {
		return errors.New("notification: LockTask outside a transaction")
	}
	_, err := s.runner.Conn(ctx).Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(id::text, 5))
		FROM (SELECT DISTINCT id FROM unnest($1::uuid[]) id ORDER BY id) ids`, taskIDs)
	return postgres.MapError(err)
}

// AddWatchers inserts the watches in one statement; a row kept by an
// unwatch older than the new watch comes back to life, one newer stands.
// When a user is given twice for a task (the creator also assigned), the
// first watch counts.
func (s *Store) AddWatchers(ctx context.Context, ws ...domain.Watcher) ([]domain.Watcher, error) {
	type pair struct{ task, user uuid.UUID }
	first := make(map[pair]domain.Watcher, len(ws))
	var tasks, users []uuid.UUID
	var sources []string
	var ats []time.Time
	for _, w := range ws {
		k := pair{w.TaskID(), w.UserID()}
		if _, dup := first[k]; dup {
			continue
		}
		first[k] = w
		tasks, users = append(tasks, k.task), append(users, k.user)
		sources, ats = append(sources, string(w.Source())), append(ats, w.CreatedAt())
	}
	rows, err := s.runner.Conn(ctx).Query(ctx, `INSERT INTO notification.watcher (task_id, user_id, source, created_at)
		SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])
		ON CONFLICT (task_id, user_id) DO UPDATE
			SET source = excluded.source, created_at = excluded.created_at, unwatched_at = NULL
			WHERE watcher.unwatched_at IS NOT NULL AND watcher.unwatched_at < excluded.created_at
		RETURNING task_id, user_id`, tasks, users, sources, ats)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	isNew := map[pair]bool{}
	var k pair
	if _, err := pgx.ForEachRow(rows, []any{&k.task, &k.user}, func() error { isNew[k] = true; return nil }); err != nil {
		return nil, postgres.MapError(err)
	}
	added := make([]domain.Watcher, 0, len(isNew))
	for i := range tasks { // in the order given
		if k := (pair{tasks[i], users[i]}); isNew[k] {
			added = append(added, first[k])
		}
	}
	return added, nil
}

// Unwatch keeps the row with unwatched_at set (inserting one when the
// automatic watch has not been delivered yet).
func (s *Store) Unwatch(ctx context.Context, taskID, userID uuid.UUID, at time.Time) error {
	_, err := s.runner.Conn(ctx).Exec(ctx, `INSERT INTO notification.watcher (task_id, user_id, source, created_at, unwatched_at)
		VALUES ($1, $2, 'manual', $3, $3)
		ON CONFLICT (task_id, user_id) DO UPDATE SET unwatched_at = excluded.unwatched_at`, taskID, userID, at)
	return postgres.MapError(err)
}

func (s *Store) WatcherIDs(ctx context.Context, taskID uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.runner.Conn(ctx).Query(ctx, `SELECT user_id FROM notification.watcher
		WHERE task_id = $1 AND unwatched_at IS NULL ORDER BY created_at, user_id`, taskID)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	return ids, postgres.MapError(err)
}

func (s *Store) ListWatchers(ctx context.Context, taskID uuid.UUID, after *ports.WatcherCursor, limit int) ([]domain.Watcher, error) {
	var rows pgx.Rows
	var err error
	const cols = `SELECT task_id, user_id, source, created_at FROM notification.watcher `
	if after == nil {
		rows, err = s.runner.Conn(ctx).Query(ctx, cols+`WHERE task_id = $1 AND unwatched_at IS NULL
			ORDER BY created_at, user_id LIMIT $2`, taskID, limit)
	} else {
		rows, err = s.runner.Conn(ctx).Query(ctx, cols+`WHERE task_id = $1 AND unwatched_at IS NULL AND (created_at, user_id) > ($2, $3)
			ORDER BY created_at, user_id LIMIT $4`, taskID, after.CreatedAt, after.UserID, limit)
	}
	if err != nil {
		return nil, postgres.MapError(err)
	}
	ws, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Watcher, error) {
		var task, user uuid.UUID
		var source string
		var at time.Time
		err := r.Scan(&task, &user, &source, &at)
		return domain.RehydrateWatcher(task, user, domain.Source(source), at), err
	})
	return ws, postgres.MapError(err)
}

func (s *Store) DropTaskWatchers(ctx context.Context, taskID uuid.UUID) error {
	_, err := s.runner.Conn(ctx).Exec(ctx, `DELETE FROM notification.watcher WHERE task_id = $1`, taskID)
	return postgres.MapError(err)
}

// ---- notifications ----

// wire is a notification as stored and as announced on the channel.
type wire struct {
	ID          uuid.UUID  `json:"id"`
	RecipientID uuid.UUID  `json:"recipient_id"`
	EventID     uuid.UUID  `json:"event_id"`
	Type        string     `json:"type"`
	TaskID      uuid.UUID  `json:"task_id"`
	ActorID     *uuid.UUID `json:"actor_id"`
	Text        string     `json:"text"`
	ReadAt      *time.Time `json:"read_at"`
	CreatedAt   time.Time  `json:"created_at"`
}

func toWire(n domain.Notification) wire {
	w := wire{ID: n.ID(), RecipientID: n.RecipientID(), EventID: n.EventID(), Type: string(n.Type()),
		TaskID: n.TaskID(), Text: n.Text(), ReadAt: n.ReadAt(), CreatedAt: n.CreatedAt()}
	if a := n.ActorID(); a != uuid.Nil {
		w.ActorID = &a
	}
	return w
}

func (w wire) domain() domain.Notification {
	actor := uuid.Nil
	if w.ActorID != nil {
		actor = *w.ActorID
	}
	return domain.RehydrateNotification(w.ID, w.RecipientID, w.EventID, domain.Type(w.Type), w.TaskID, actor,
		w.Text, w.ReadAt, w.CreatedAt)
}

const notificationCols = `id, recipient_id, event_id, type, task_id, actor_id, text, read_at, created_at`

func scanNotification(r pgx.CollectableRow) (domain.Notification, error) {
	var w wire
	err := r.Scan(&w.ID, &w.RecipientID, &w.EventID, &w.Type, &w.TaskID, &w.ActorID, &w.Text, &w.ReadAt, &w.CreatedAt)
	return w.domain(), err
}

// Add stores the notifications whose (event, recipient) is new and, in the
// same statement, announces each on Channel: PostgreSQL sends the NOTIFY
// when (and only if) the transaction commits.
func (s *Store) Add(ctx context.Context, ns ...domain.Notification) ([]domain.Notification, error) {
	if len(ns) == 0 {
		return nil, nil
	}
	b := &pgx.Batch{}
	for _, n := range ns {
		w := toWire(n)
		payload, err := json.Marshal(w)
		if err != nil {
			return nil, err
		}
		b.Queue(`WITH ins AS (
				INSERT INTO notification.notification (`+notificationCols+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (event_id, recipient_id) DO NOTHING
				RETURNING id)
			SELECT pg_notify($10, $11) FROM ins`,
			w.ID, w.RecipientID, w.EventID, w.Type, w.TaskID, w.ActorID, w.Text, w.ReadAt, w.CreatedAt, Channel, string(payload))
	}
	br := s.runner.Conn(ctx).SendBatch(ctx, b)
	defer br.Close()
	var added []domain.Notification
	for _, n := range ns {
		tag, err := br.Exec()
		if err != nil {
			return nil, postgres.MapError(err)
		}
		if tag.RowsAffected() == 1 {
			added = append(added, n)
		}
	}
	return added, postgres.MapError(br.Close())
}

func (s *Store) List(ctx context.Context, recipient uuid.UUID, q ports.InboxQuery) ([]domain.Notification, error) {
	sql := `SELECT ` + notificationCols + ` FROM notification.notification WHERE recipient_id = $1`
	if q.UnreadOnly {
		sql += ` AND read_at IS NULL`
	}
	args := []any{recipient, q.Limit}
	if q.Before != nil {
		sql += ` AND id < $3`
		args = append(args, *q.Before)
	}
	rows, err := s.runner.Conn(ctx).Query(ctx, sql+` ORDER BY id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	ns, err := pgx.CollectRows(rows, scanNotification)
	return ns, postgres.MapError(err)
}

func (s *Store) After(ctx context.Context, recipient, after uuid.UUID, limit int) ([]domain.Notification, error) {
	rows, err := s.runner.Conn(ctx).Query(ctx, `SELECT `+notificationCols+` FROM notification.notification
		WHERE recipient_id = $1 AND id > $2 ORDER BY id LIMIT $3`, recipient, after, limit)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	ns, err := pgx.CollectRows(rows, scanNotification)
	return ns, postgres.MapError(err)
}

func (s *Store) UnreadCount(ctx context.Context, recipient uuid.UUID) (int, error) {
	var n int
	err := s.runner.Conn(ctx).QueryRow(ctx, `SELECT count(*) FROM notification.notification
		WHERE recipient_id = $1 AND read_at IS NULL`, recipient).Scan(&n)
	return n, postgres.MapError(err)
}

// Update loads the recipient's notification id for update, runs fn and
// saves it. Another recipient's notification is not found.
func (s *Store) Update(ctx context.Context, recipient, id uuid.UUID, fn func(*domain.Notification) error) (domain.Notification, error) {
	var out domain.Notification
	err := s.runner.InTx(ctx, func(ctx context.Context) error {
		conn := s.runner.Conn(ctx)
		rows, err := conn.Query(ctx, `SELECT `+notificationCols+` FROM notification.notification
			WHERE id = $1 AND recipient_id = $2 FOR UPDATE`, id, recipient)
		if err != nil {
			return err
		}
		n, err := pgx.CollectExactlyOneRow(rows, scanNotification)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.ErrNotificationNotFound
		}
		if err != nil {
			return err
		}
		if err := fn(&n); err != nil {
			return err
		}
		if _, err := conn.Exec(ctx, `UPDATE notification.notification SET read_at = $2 WHERE id = $1`, id, n.ReadAt()); err != nil {
			return err
		}
		out = n
		return nil
	})
	return out, postgres.MapError(err)
}

func (s *Store) MarkAllRead(ctx context.Context, recipient uuid.UUID, now time.Time) (int, error) {
	tag, err := s.runner.Conn(ctx).Exec(ctx, `UPDATE notification.notification SET read_at = $2
		WHERE recipient_id = $1 AND read_at IS NULL`, recipient, now)
	if err != nil {
		return 0, postgres.MapError(err)
	}
	return int(tag.RowsAffected()), nil
}

// DropRecipient removes the user's notifications and watches.
func (s *Store) DropRecipient(ctx context.Context, userID uuid.UUID) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM notification.notification WHERE recipient_id = $1`, userID)
	b.Queue(`DELETE FROM notification.watcher WHERE user_id = $1`, userID)
	return postgres.MapError(s.runner.Conn(ctx).SendBatch(ctx, b).Close())
}

// ---- directory ----

// PutTasks stores the titles (the last one given for a task wins).
func (s *Store) PutTasks(ctx context.Context, ts ...ports.TaskRef) error {
	byID := make(map[uuid.UUID]string, len(ts))
	for _, t := range ts {
		byID[t.TaskID] = t.Title
	}
	ids, titles := make([]uuid.UUID, 0, len(byID)), make([]string, 0, len(byID))
	for id, title := range byID {
		ids, titles = append(ids, id), append(titles, title)
	}
	_, err := s.runner.Conn(ctx).Exec(ctx, `INSERT INTO notification.task_ref (task_id, title)
		SELECT * FROM unnest($1::uuid[], $2::text[])
		ON CONFLICT (task_id) DO UPDATE SET title = excluded.title`, ids, titles)
	return postgres.MapError(err)
}

func (s *Store) MarkTaskDeleted(ctx context.Context, taskID uuid.UUID, title string) error {
	_, err := s.runner.Conn(ctx).Exec(ctx, `INSERT INTO notification.task_ref (task_id, title, deleted_at) VALUES ($1, $2, now())
		ON CONFLICT (task_id) DO UPDATE SET deleted_at = coalesce(task_ref.deleted_at, now())`, taskID, title)
	return postgres.MapError(err)
}

// DeletedTasks returns those of the tasks that were deleted.
func (s *Store) DeletedTasks(ctx context.Context, taskIDs ...uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.runner.Conn(ctx).Query(ctx, `SELECT task_id FROM notification.task_ref
		WHERE task_id = ANY($1) AND deleted_at IS NOT NULL`, taskIDs)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	return ids, postgres.MapError(err)
}

// ---- task log ----

func (s *Store) Record(ctx context.Context, e domain.TaskEvent) error {
	var actor *uuid.UUID
	if e.ActorID != uuid.Nil {
		actor = &e.ActorID
	}
	_, err := s.runner.Conn(ctx).Exec(ctx, `INSERT INTO notification.task_event (task_id, event_id, type, actor_id, text, occurred_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (task_id, event_id) DO NOTHING`,
		e.TaskID, e.EventID, string(e.Type), actor, e.Text, e.OccurredAt)
	return postgres.MapError(err)
}

// EventsAfter lists, for each cursor, its task's events after its event,
// each event once, by task and then in UUIDv7 order.
func (s *Store) EventsAfter(ctx context.Context, after ...ports.TaskCursor) ([]domain.TaskEvent, error) {
	tasks, evs := make([]uuid.UUID, len(after)), make([]uuid.UUID, len(after))
	for i, c := range after {
		tasks[i], evs[i] = c.TaskID, c.EventID
	}
	rows, err := s.runner.Conn(ctx).Query(ctx, `SELECT e.task_id, e.event_id, e.type, e.actor_id, e.text, e.occurred_at
		FROM notification.task_event e
		WHERE EXISTS (SELECT 1 FROM unnest($1::uuid[], $2::uuid[]) c(task_id, event_id)
		              WHERE e.task_id = c.task_id AND e.event_id > c.event_id)
		ORDER BY e.task_id, e.event_id`, tasks, evs)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.TaskEvent, error) {
		var e domain.TaskEvent
		var typ string
		var actor *uuid.UUID
		err := r.Scan(&e.TaskID, &e.EventID, &typ, &actor, &e.Text, &e.OccurredAt)
		e.Type = domain.Type(typ)
		if actor != nil {
			e.ActorID = *actor
		}
		return e, err
	})
	return es, postgres.MapError(err)
}

func (s *Store) DropTaskEvents(ctx context.Context, taskID uuid.UUID) error {
	_, err := s.runner.Conn(ctx).Exec(ctx, `DELETE FROM notification.task_event WHERE task_id = $1`, taskID)
	return postgres.MapError(err)
}

func (s *Store) TaskTitle(ctx context.Context, taskID uuid.UUID) (string, error) {
	return s.lookup(ctx, `SELECT title FROM notification.task_ref WHERE task_id = $1`, taskID)
}

func (s *Store) PutUser(ctx context.Context, userID uuid.UUID, username, displayName string) error {
	_, err := s.runner.Conn(ctx).Exec(ctx, `INSERT INTO notification.user_ref (user_id, username, display_name) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name`,
		userID, username, displayName)
	return postgres.MapError(err)
}

func (s *Store) DropUser(ctx context.Context, userID uuid.UUID) error {
	_, err := s.runner.Conn(ctx).Exec(ctx, `DELETE FROM notification.user_ref WHERE user_id = $1`, userID)
	return postgres.MapError(err)
}

func (s *Store) Username(ctx context.Context, userID uuid.UUID) (string, error) {
	return s.lookup(ctx, `SELECT username FROM notification.user_ref WHERE user_id = $1`, userID)
}

func (s *Store) lookup(ctx context.Context, sql string, id uuid.UUID) (string, error) {
	var v string
	err := s.runner.Conn(ctx).QueryRow(ctx, sql, id).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return v, postgres.MapError(err)
}

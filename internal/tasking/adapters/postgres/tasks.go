package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/tasking/domain"
	"tasktracker/internal/tasking/ports"
)

// Tasks is the PostgreSQL TaskRepository.
type Tasks struct {
	Runner postgres.TxRunner
	Bus    events.Publisher
	// Statuses resolves a task's status_id from memory, so that reads need
	// no join (one is built on Runner when nil).
	Statuses *Statuses

	once     sync.Once
	statuses *Statuses
	creates  *postgres.Coalescer[*domain.Task]
}

var _ ports.TaskRepository = (*Tasks)(nil)

var taskConstraints = postgres.Constraints{
	"task_status_id_fkey":        kernel.Invalid("status_id", "no such status"),
	"task_tag_tag_id_fkey":       kernel.Invalid("tag_ids", "no such tag"),
	"task_title_check":           kernel.Invalid("title", "must be 1 to 200 characters"),
	"task_description_check":     kernel.Invalid("description", "must be at most 20000 characters"),
	"task_task_id_fkey":          domain.ErrTaskNotFound,
	"task_assignee_task_id_fkey": domain.ErrTaskNotFound,
	"task_tag_task_id_fkey":      domain.ErrTaskNotFound,
}

// taskColumns reads a whole task in one row of tasking.task t. The row
// carries its assignees and tags itself (migration 00007,
// docs/adr/tasking-002): no per-row subquery; its status is reference data
// resolved from memory (Statuses): no join.
const taskColumns = `t.id, t.title, t.description, t.status_id,
	t.priority, t.due_at, t.created_by, t.version, t.created_at, t.updated_at, t.assignee_ids, t.tags`

// sortedIDs is the SQL for the sorted array of the uuid[] parameter n, as
// task.assignee_ids stores it.
func sortedIDs(n string) string { return `ARRAY(SELECT u FROM unnest(` + n + `::uuid[]) u ORDER BY u)` }

// scanTask reads a row of taskColumns; the status has only its ID until
// resolve fills it in.
func scanTask(row pgx.Row) (domain.TaskState, error) {
	var s domain.TaskState
	var statusID int16
	var prio string
	var tagsJSON []byte
	if err := row.Scan(&s.ID, &s.Title, &s.Description, &statusID, &prio, &s.DueAt, &s.CreatedBy, &s.Version, &s.CreatedAt, &s.UpdatedAt,
		&s.AssigneeIDs, &tagsJSON); err != nil {
		return s, err
	}
	s.Status.ID, s.Priority = int(statusID), domain.Priority(prio)
	var tags []struct {
		ID    uuid.UUID `json:"id"`
		Name  string    `json:"name"`
		Color *string   `json:"color"`
	}
	if string(tagsJSON) != "[]" { // most tasks have no tag
		if err := json.Unmarshal(tagsJSON, &tags); err != nil {
			return s, err
		}
	}
	s.Tags = make([]domain.TagRef, len(tags))
	for i, t := range tags {
		s.Tags[i] = domain.TagRef{ID: t.ID, Name: t.Name, Color: t.Color}
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, nil
}

func (r *Tasks) init() {
	r.once.Do(func() {
		r.statuses = cmp.Or(r.Statuses, &Statuses{Runner: r.Runner})
		r.creates = &postgres.Coalescer[*domain.Task]{Runner: r.Runner, Apply: r.insert}
	})
}

// resolve fills in the scanned tasks' statuses and rehydrates them. Call
// it after the rows are closed: it may read tasking.task_status.
func (r *Tasks) resolve(ctx context.Context, states ...domain.TaskState) ([]*domain.Task, error) {
	r.init()
	out := make([]*domain.Task, len(states))
	for i, s := range states {
		st, ok, err := r.statuses.Get(ctx, s.Status.ID)
		if err != nil {
			return nil, err
		}
		if !ok { // the foreign key makes this unreachable
			return nil, fmt.Errorf("tasking: task %s has unknown status %d", s.ID, s.Status.ID)
		}
		s.Status = st
		out[i] = domain.RehydrateTask(s)
	}
	return out, nil
}

// Create inserts the task with its assignees and tags and publishes its
// events, in one transaction. Concurrent creates share that transaction
// (postgres.Coalescer): one commit and one enqueueing of events for all.
func (r *Tasks) Create(ctx context.Context, t *domain.Task) error {
	r.init()
	return postgres.MapError(r.creates.Do(ctx, t), taskConstraints)
}

// insert writes tasks and publishes their events: the tasks without
// assignees or tags (most of them) in one multi-row statement, each other
// one in its own statement, all sent together in one round trip.
func (r *Tasks) insert(ctx context.Context, tasks []*domain.Task) error {
	const cols = `id, title, description, status_id, priority, due_at, created_by, version, created_at, updated_at`
	b := &pgx.Batch{}
	var plain []*domain.Task
	var recorded []domain.Event
	for _, t := range tasks {
		recorded = append(recorded, t.Events()...)
		if len(t.AssigneeIDs()) == 0 && len(t.Tags()) == 0 {
			plain = append(plain, t)
			continue
		}
		b.Queue(`WITH task AS (INSERT INTO tasking.task (`+cols+`, assignee_ids, tags)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, `+sortedIDs("$11")+`, tasking.tag_refs($12::uuid[]))),
				a AS (INSERT INTO tasking.task_assignee (task_id, user_id) SELECT $1, unnest($11::uuid[])),
				g AS (INSERT INTO tasking.task_tag (task_id, tag_id) SELECT $1, unnest($12::uuid[]))
				SELECT`, t.ID(), t.Title(), t.Description(), t.Status().ID, string(t.Priority()), t.DueAt(),
			t.CreatedBy(), t.Version(), t.CreatedAt(), t.UpdatedAt(), t.AssigneeIDs(), tagIDs(t.Tags()))
	}
	if len(plain) > 0 {
		n := len(plain)
		ids, titles, descs := make([]uuid.UUID, n), make([]string, n), make([]*string, n)
		statuses, prios, dues := make([]int16, n), make([]string, n), make([]*time.Time, n)
		creators, versions, created, updated := make([]uuid.UUID, n), make([]int64, n), make([]time.Time, n), make([]time.Time, n)
		for i, t := range plain {
			ids[i], titles[i], descs[i] = t.ID(), t.Title(), t.Description()
			statuses[i], prios[i], dues[i] = int16(t.Status().ID), string(t.Priority()), t.DueAt()
			creators[i], versions[i], created[i], updated[i] = t.CreatedBy(), t.Version(), t.CreatedAt(), t.UpdatedAt()
		}
		b.Queue(`INSERT INTO tasking.task (`+cols+`)
			SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::timestamptz[],
			                     $7::uuid[], $8::bigint[], $9::timestamptz[], $10::timestamptz[])`,
			ids, titles, descs, statuses, prios, dues, creators, versions, created, updated)
	}
	if err := r.Runner.Conn(ctx).SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	return publish(ctx, r.Bus, recorded)
}

// Get reads one task in one statement.
func (r *Tasks) Get(ctx context.Context, id uuid.UUID) (*domain.Task, error) {
	t, err := r.one(ctx, `SELECT `+taskColumns+` FROM tasking.task t WHERE t.id = $1`, id)
	return t, postgres.MapError(err)
}

func (r *Tasks) lock(ctx context.Context, id uuid.UUID) (*domain.Task, error) {
	return r.one(ctx, `SELECT `+taskColumns+` FROM tasking.task t WHERE t.id = $1 FOR UPDATE`, id)
}

func (r *Tasks) one(ctx context.Context, sql string, id uuid.UUID) (*domain.Task, error) {
	s, err := scanTask(r.Runner.Conn(ctx).QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrTaskNotFound
	}
	if err != nil {
		return nil, err
	}
	ts, err := r.resolve(ctx, s)
	if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// Update loads the task FOR UPDATE, runs fn, and saves what changed with
// its events, in one transaction. Concurrent writers queue on the row lock,
// so each one sees the version its predecessor wrote.
func (r *Tasks) Update(ctx context.Context, id uuid.UUID, fn func(*domain.Task) error) (*domain.Task, error) {
	var out *domain.Task
	err := r.Runner.InTx(ctx, func(ctx context.Context) error {
		t, err := r.lock(ctx, id)
		if err != nil {
			return err
		}
		before := t.Version()
		if err := fn(t); err != nil {
			return err
		}
		out = t
		if t.Version() == before {
			return nil // nothing changed (an idempotent repeat)
		}
		if err := r.save(ctx, t); err != nil {
			return err
		}
		return publish(ctx, r.Bus, t.Events())
	})
	if err != nil {
		return nil, postgres.MapError(err, taskConstraints)
	}
	return out, nil
}

func (r *Tasks) save(ctx context.Context, t *domain.Task) error {
	args := []any{t.ID(), t.Title(), t.Description(), t.Status().ID, string(t.Priority()), t.DueAt(),
		t.Version(), t.UpdatedAt()}
	set := `title = $2, description = $3, status_id = $4, priority = $5, due_at = $6, version = $7, updated_at = $8`
	var parts []string
	if t.AssigneesChanged() {
		args = append(args, append([]uuid.UUID{}, t.AssigneeIDs()...))
		n := "$" + strconv.Itoa(len(args))
		set += `, assignee_ids = ` + sortedIDs(n)
		parts = append(parts,
			`da AS (DELETE FROM tasking.task_assignee WHERE task_id = $1 AND NOT (user_id = ANY(`+n+`::uuid[])))`,
			`ia AS (INSERT INTO tasking.task_assignee (task_id, user_id) SELECT $1, unnest(`+n+`::uuid[]) ON CONFLICT DO NOTHING)`)
	}
	if t.TagsChanged() {
		args = append(args, tagIDs(t.Tags()))
		n := "$" + strconv.Itoa(len(args))
		set += `, tags = tasking.tag_refs(` + n + `::uuid[])`
		parts = append(parts,
			`dt AS (DELETE FROM tasking.task_tag WHERE task_id = $1 AND NOT (tag_id = ANY(`+n+`::uuid[])))`,
			`it AS (INSERT INTO tasking.task_tag (task_id, tag_id) SELECT $1, unnest(`+n+`::uuid[]) ON CONFLICT DO NOTHING)`)
	}
	sql := `UPDATE tasking.task SET ` + set + ` WHERE id = $1`
	if len(parts) > 0 {
		sql = `WITH u AS (` + sql + `), ` + strings.Join(parts, ", ") + ` SELECT`
	}
	_, err := r.Runner.Conn(ctx).Exec(ctx, sql, args...)
	return err
}

// Delete loads the task FOR UPDATE, runs fn, deletes it (assignees and tags
// go with it) and publishes its events, in one transaction.
func (r *Tasks) Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Task) error) error {
	err := r.Runner.InTx(ctx, func(ctx context.Context) error {
		t, err := r.lock(ctx, id)
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		if _, err := r.Runner.Conn(ctx).Exec(ctx, `DELETE FROM tasking.task WHERE id = $1`, id); err != nil {
			return err
		}
		return publish(ctx, r.Bus, t.Events())
	})
	return postgres.MapError(err, taskConstraints)
}

// UnassignUser removes user from every task and moves those tasks' version
// and updated_at, in one statement; a repeat changes nothing.
func (r *Tasks) UnassignUser(ctx context.Context, user uuid.UUID, now time.Time) error {
	_, err := r.Runner.Conn(ctx).Exec(ctx, `
		WITH d AS (DELETE FROM tasking.task_assignee WHERE user_id = $1 RETURNING task_id)
		UPDATE tasking.task t SET version = t.version + 1, assignee_ids = array_remove(t.assignee_ids, $1),
		       updated_at = greatest($2::timestamptz, t.updated_at + interval '1 microsecond')
		  FROM d WHERE t.id = d.task_id`, user, now)
	return postgres.MapError(err)
}

// Creator tells whether the task exists and who created it.
func (r *Tasks) Creator(ctx context.Context, id uuid.UUID) (uuid.UUID, bool, error) {
	var by uuid.UUID
	err := r.Runner.Conn(ctx).QueryRow(ctx, `SELECT created_by FROM tasking.task WHERE id = $1`, id).Scan(&by)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, postgres.MapError(err)
	}
	return by, true, nil
}

// Title tells whether the task exists and its title.
func (r *Tasks) Title(ctx context.Context, id uuid.UUID) (string, bool, error) {
	var title string
	err := r.Runner.Conn(ctx).QueryRow(ctx, `SELECT title FROM tasking.task WHERE id = $1`, id).Scan(&title)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, postgres.MapError(err)
	}
	return title, true, nil
}

func tagIDs(tags []domain.TagRef) []uuid.UUID {
	ids := make([]uuid.UUID, len(tags))
	for i, t := range tags {
		ids[i] = t.ID
	}
	return ids
}

// order is how each sort reads the table: the key column (a b-tree index
// on (key, id) serves it), the direction, and the SQL type of the key.
var order = map[ports.Sort]struct {
	key, dir, typ string
}{
	ports.SortCreatedAsc:  {"created_at", "ASC", "timestamptz"},
	ports.SortCreatedDesc: {"created_at", "DESC", "timestamptz"},
	ports.SortUpdatedAsc:  {"updated_at", "ASC", "timestamptz"},
	ports.SortUpdatedDesc: {"updated_at", "DESC", "timestamptz"},
	ports.SortDueAt:       {"due_key", "ASC", "timestamptz"},
	ports.SortPriority:    {"priority_rank", "ASC", "smallint"},
}

// List reads one page in one statement: the inner query finds the page's
// rows by a keyset range scan ((key, id) beyond the cursor, in index
// order, LIMIT n+1), the outer one joins the status and aggregates each
// row's assignees and tags for those rows only.
//
// A search (q) cannot rely on the planner: PostgreSQL has no statistics
// for prefix tsqueries, so it estimates every word alike and walks the sort
// index filtering by the query — fast for a common word, a full scan for a
// word no task has. So a search is tried first over the next searchWindow
// rows in sort order; if that fills the page, the page is exact (the first
// matches in order are among them). Otherwise a second statement collects
// the matches through the GIN index and sorts only those.
func (r *Tasks) List(ctx context.Context, in ports.ListTasks) ([]*domain.Task, error) {
	o, ok := order[in.Sort]
	if !ok {
		return nil, kernel.Invalid("sort", "unknown sort")
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	f := in.Filter
	if f.StatusID != nil {
		where = append(where, `t.status_id = `+arg(*f.StatusID))
	}
	if f.CreatedBy != nil {
		where = append(where, `t.created_by = `+arg(*f.CreatedBy))
	}
	if f.AssigneeID != nil {
		where = append(where, `EXISTS (SELECT 1 FROM tasking.task_assignee a WHERE a.task_id = t.id AND a.user_id = `+arg(*f.AssigneeID)+`)`)
	}
	if f.TagID != nil {
		where = append(where, `EXISTS (SELECT 1 FROM tasking.task_tag x WHERE x.task_id = t.id AND x.tag_id = `+arg(*f.TagID)+`)`)
	}
	if f.TagName != "" {
		where = append(where, `EXISTS (SELECT 1 FROM tasking.task_tag x JOIN tasking.tag g ON g.id = x.tag_id
			WHERE x.task_id = t.id AND lower(g.name) = lower(`+arg(f.TagName)+`))`)
	}
	search := ""
	if f.Query != "" {
		q := TSQuery(f.Query)
		if q == "" {
			return nil, nil // no word to look for: nothing matches
		}
		search = `t.search @@ to_tsquery('simple', ` + arg(q) + `)`
	}
	if f.DueBefore != nil {
		where = append(where, `t.due_key < `+arg(*f.DueBefore))
	}
	if f.DueAfter != nil {
		where = append(where, `t.due_key > `+arg(*f.DueAfter)+` AND t.due_at IS NOT NULL`)
	}
	if p := in.After; p != nil {
		cmp := ">"
		if o.dir == "DESC" {
			cmp = "<"
		}
		var key any
		switch {
		case o.typ == "smallint":
			key = int16(p.Rank)
		case p.Time == nil:
			key = pgtype.Timestamptz{Valid: true, InfinityModifier: pgtype.Infinity}
		default:
			key = *p.Time
		}
		where = append(where, `(t.`+o.key+`, t.id) `+cmp+` (`+arg(key)+`::`+o.typ+`, `+arg(p.ID)+`::uuid)`)
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	orderBy := `t.` + o.key + ` ` + o.dir + `, t.id ` + o.dir
	// The LIMIT is a literal (a small integer, never user text): a plan made
	// for an unknown LIMIT assumes a large one and sorts the whole table, so
	// a parameter would keep PostgreSQL from reusing one cheap plan.
	limit := strconv.Itoa(in.Limit + 1)
	page := func(source string) string {
		return `SELECT ` + taskColumns + ` FROM ` + source + ` ORDER BY ` + orderBy + ` LIMIT ` + limit
	}
	if search == "" {
		return r.query(ctx, page(`tasking.task t `+cond), args)
	}
	window := `(SELECT t.* FROM tasking.task t ` + cond + ` ORDER BY ` + orderBy + ` LIMIT ` + strconv.Itoa(searchWindow) + `) t
		WHERE ` + search
	out, err := r.query(ctx, page(window), args)
	if err != nil || len(out) > in.Limit {
		return out, err
	}
	all := append(where, search)
	matches := `(SELECT t.* FROM tasking.task t WHERE ` + strings.Join(all, " AND ") + ` OFFSET 0) t`
	return r.query(ctx, page(matches), args)
}

// searchWindow is how many rows, in sort order, a search scans before it
// turns to the GIN index.
const searchWindow = 2000

func (r *Tasks) query(ctx context.Context, sql string, args []any) ([]*domain.Task, error) {
	rows, err := r.Runner.Conn(ctx).Query(ctx, sql, args...)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	defer rows.Close()
	var states []domain.TaskState
	for rows.Next() {
		s, err := scanTask(rows)
		if err != nil {
			return nil, postgres.MapError(err)
		}
		states = append(states, s)
	}
	if err := rows.Err(); err != nil {
		return nil, postgres.MapError(err)
	}
	rows.Close()
	return r.resolve(ctx, states...)
}

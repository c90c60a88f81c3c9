package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/postgres"
	pgrepo "tasktracker/internal/tasking/adapters/postgres"
	"tasktracker/internal/tasking/app"
	"tasktracker/internal/tasking/domain"
	evts "tasktracker/internal/tasking/events"
	"tasktracker/internal/tasking/ports"
)

type fixture struct {
	pool     *pgxpool.Pool
	tasks    *pgrepo.Tasks
	tags     *pgrepo.Tags
	statuses *pgrepo.Statuses
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	pool := pgtest.New(t)
	bus, err := events.NewBus(pool, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A subscriber of every tasking event, never started: each publication
	// stays in river_job for the test to read.
	bus.Subscribe("test.tasking", func(context.Context, events.Envelope) error { return nil },
		evts.TypeTaskCreated, evts.TypeTaskUpdated, evts.TypeTaskStatusChanged, evts.TypeTaskAssigned,
		evts.TypeTaskUnassigned, evts.TypeTaskDeleted)
	runner := postgres.TxRunner{Pool: pool}
	t.Cleanup(func() { checkReadColumns(t, pool) })
	return fixture{pool: pool, tasks: &pgrepo.Tasks{Runner: runner, Bus: bus}, tags: &pgrepo.Tags{Runner: runner},
		statuses: &pgrepo.Statuses{Runner: runner}}
}

// checkReadColumns fails the test when a task row's own assignee_ids and
// tags (what reads return) differ from task_assignee and task_tag (what
// filters, foreign keys and reactions use): every write must keep both.
func checkReadColumns(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT t.id::text, t.assignee_ids::text, t.tags::text
		  FROM tasking.task t
		 WHERE t.assignee_ids <> ARRAY(SELECT a.user_id FROM tasking.task_assignee a WHERE a.task_id = t.id ORDER BY a.user_id)
		    OR t.tags::text <> tasking.tag_refs(ARRAY(SELECT x.tag_id FROM tasking.task_tag x WHERE x.task_id = t.id))::text`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, assignees, tags string
		if err := rows.Scan(&id, &assignees, &tags); err != nil {
			t.Fatal(err)
		}
		t.Errorf("task %s carries assignees %s and tags %s, unlike task_assignee/task_tag", id, assignees, tags)
	}
}

// published lists the types of the events published so far, in order.
func (f fixture) published(t *testing.T) []string {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT e->>'type' FROM river_job, jsonb_array_elements(args->'events') WITH ORDINALITY x(e, n)
		ORDER BY river_job.id, n`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func (f fixture) status(t *testing.T, id int) domain.Status {
	t.Helper()
	st, ok, err := f.statuses.Get(context.Background(), id)
	if err != nil || !ok {
		t.Fatalf("status %d: %v %v", id, ok, err)
	}
	return st
}

var t0 = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

func (f fixture) newTask(t *testing.T, n domain.NewTask, at time.Time) *domain.Task {
	t.Helper()
	if n.ID == uuid.Nil {
		n.ID = uuid.Must(uuid.NewV7())
	}
	if n.Status.ID == 0 {
		n.Status = f.status(t, domain.StatusTodo)
	}
	if n.CreatedBy == uuid.Nil {
		n.CreatedBy = uuid.Must(uuid.NewV7())
	}
	task, err := domain.CreateTask(n, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.tasks.Create(context.Background(), task); err != nil {
		t.Fatal(err)
	}
	return task
}

func (f fixture) newTag(t *testing.T, name string) *domain.Tag {
	t.Helper()
	tag, err := domain.NewTag(uuid.Must(uuid.NewV7()), name, nil, uuid.Must(uuid.NewV7()), t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.tags.Create(context.Background(), tag); err != nil {
		t.Fatal(err)
	}
	return tag
}

func ptr[T any](v T) *T { return &v }

func TestStatusesAreSeeded(t *testing.T) {
	f := newFixture(t)
	all, err := f.statuses.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range all {
		codes = append(codes, s.Code)
	}
	if want := []string{"todo", "in_progress", "in_review", "done", "cancelled"}; !slices.Equal(codes, want) {
		t.Fatalf("codes = %v, want %v", codes, want)
	}
	if !all[3].IsFinal || all[0].IsFinal || all[0].ID != domain.StatusTodo {
		t.Fatalf("unexpected statuses %+v", all)
	}
}

// Reads resolve a task's status from memory, without a join; a status
// added to the reference table after it was read (by a later migration, in
// a running server) is found by reading the table again, in lists too.
func TestTasksReadAStatusAddedLater(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	task := f.newTask(t, domain.NewTask{Title: "Blocked one"}, t0)
	if got, err := f.tasks.Get(ctx, task.ID()); err != nil || got.Status().Code != "todo" {
		t.Fatalf("Get = %v, %v", got, err)
	}
	if _, err := f.pool.Exec(ctx, `WITH s AS (INSERT INTO tasking.task_status (id, code, name, position, is_final)
		VALUES (9, 'blocked', 'Blocked', 2, false)) UPDATE tasking.task SET status_id = 9 WHERE id = $1`, task.ID()); err != nil {
		t.Fatal(err)
	}
	got, err := f.tasks.Get(ctx, task.ID())
	if err != nil || got.Status() != (domain.Status{ID: 9, Code: "blocked", Name: "Blocked", Position: 2}) {
		t.Fatalf("Get after a status was added = %+v, %v", got, err)
	}
	page, err := f.tasks.List(ctx, ports.ListTasks{Limit: 10, Sort: ports.SortCreatedDesc})
	if err != nil || len(page) != 1 || page[0].Status().Code != "blocked" {
		t.Fatalf("List = %v, %v", page, err)
	}
}

func TestCreateGetRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bug, ui := f.newTag(t, "Bug"), f.newTag(t, "ui")
	u1, u2 := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	due := t0.Add(48 * time.Hour)
	created := f.newTask(t, domain.NewTask{Title: "  Fix login  ", Description: ptr("steps"), Priority: ptr("high"),
		DueAt: &due, AssigneeIDs: []uuid.UUID{u1, u2, u1}, Tags: []domain.TagRef{bug.Ref(), ui.Ref()}}, t0)

	got, err := f.tasks.Get(ctx, created.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.Title() != "Fix login" || *got.Description() != "steps" || got.Priority() != domain.PriorityHigh ||
		!got.DueAt().Equal(due) || got.Version() != 1 || !got.CreatedAt().Equal(t0) || got.Status().Code != "todo" {
		t.Fatalf("got %+v", got)
	}
	if ids := got.AssigneeIDs(); len(ids) != 2 || !slices.Contains(ids, u1) || !slices.Contains(ids, u2) {
		t.Fatalf("assignees = %v", ids)
	}
	if tags := got.Tags(); len(tags) != 2 || tags[0].Name != "Bug" || tags[1].Name != "ui" {
		t.Fatalf("tags = %+v", tags)
	}
	if by, ok, err := f.tasks.Creator(ctx, created.ID()); err != nil || !ok || by != created.CreatedBy() {
		t.Fatalf("Creator = %v %v %v", by, ok, err)
	}
	if _, ok, err := f.tasks.Creator(ctx, uuid.Must(uuid.NewV7())); err != nil || ok {
		t.Fatalf("Creator of a missing task = %v %v", ok, err)
	}
	if _, err := f.tasks.Get(ctx, uuid.Must(uuid.NewV7())); !errors.Is(err, domain.ErrTaskNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	want := []string{evts.TypeTaskCreated, evts.TypeTaskAssigned, evts.TypeTaskAssigned}
	if got := f.published(t); !slices.Equal(got, want) {
		t.Fatalf("published %v, want %v", got, want)
	}
}

// Concurrent creates, written together: each is stored whole (nullable
// fields included, with and without assignees and tags), each publishes its
// events, and one that refers to a tag deleted meanwhile fails alone.
func TestConcurrentCreatesAreEachStoredOrFailAlone(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bug := f.newTag(t, "bug")
	gone, err := domain.NewTag(uuid.Must(uuid.NewV7()), "gone", nil, uuid.Must(uuid.NewV7()), t0)
	if err != nil {
		t.Fatal(err)
	}
	due := t0.Add(time.Hour)
	const n = 40
	tasks := make([]*domain.Task, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		in := domain.NewTask{ID: uuid.Must(uuid.NewV7()), Title: fmt.Sprint("task ", i), Status: f.status(t, domain.StatusTodo),
			CreatedBy: uuid.Must(uuid.NewV7())}
		switch i % 4 {
		case 1:
			in.Description, in.DueAt = ptr(fmt.Sprint("about ", i)), &due
		case 2:
			in.AssigneeIDs, in.Tags = []uuid.UUID{in.CreatedBy}, []domain.TagRef{bug.Ref()}
		}
		if i == 13 {
			in.Tags = []domain.TagRef{gone.Ref()} // never stored: "no such tag"
		}
		task, err := domain.CreateTask(in, t0)
		if err != nil {
			t.Fatal(err)
		}
		tasks[i] = task
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f.tasks.Create(ctx, task) }()
	}
	wg.Wait()
	for i, task := range tasks {
		got, gerr := f.tasks.Get(ctx, task.ID())
		if i == 13 {
			if kernel.KindOf(errs[i]) != kernel.KindValidation || !errors.Is(gerr, domain.ErrTaskNotFound) {
				t.Errorf("the create with a missing tag: %v, then %v", errs[i], gerr)
			}
			continue
		}
		if errs[i] != nil || gerr != nil {
			t.Fatalf("task %d: %v %v", i, errs[i], gerr)
		}
		if got.Title() != task.Title() || (got.Description() == nil) != (task.Description() == nil) ||
			(got.DueAt() == nil) != (task.DueAt() == nil) || len(got.AssigneeIDs()) != len(task.AssigneeIDs()) ||
			len(got.Tags()) != len(task.Tags()) || got.CreatedBy() != task.CreatedBy() {
			t.Errorf("task %d stored as %+v, want %+v", i, got, task)
		}
		if task.Description() != nil && *got.Description() != *task.Description() {
			t.Errorf("task %d description %q", i, *got.Description())
		}
	}
	created := 0
	for _, typ := range f.published(t) {
		if typ == evts.TypeTaskCreated {
			created++
		}
	}
	if created != n-1 {
		t.Fatalf("%d TaskCreated published, want %d", created, n-1)
	}
}

func TestUpdateSavesChangesAndPublishes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u1, u2 := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	bug, ui := f.newTag(t, "bug"), f.newTag(t, "ui")
	task := f.newTask(t, domain.NewTask{Title: "a", Description: ptr("keep"), AssigneeIDs: []uuid.UUID{u1},
		Tags: []domain.TagRef{bug.Ref()}}, t0)
	done := f.status(t, 4)
	tags := []domain.TagRef{ui.Ref()}
	later := t0.Add(time.Minute)
	updated, err := f.tasks.Update(ctx, task.ID(), func(tk *domain.Task) error {
		return tk.Apply(domain.Patch{Title: kernel.Some("b"), Status: &done,
			AssigneeIDs: kernel.Some([]uuid.UUID{u2}), Tags: &tags}, u1, later)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.tasks.Get(ctx, task.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.Title() != "b" || *got.Description() != "keep" || got.Status().Code != "done" || got.Version() != 2 ||
		!got.UpdatedAt().Equal(later) || updated.Version() != 2 {
		t.Fatalf("got %+v", got)
	}
	if !slices.Equal(got.AssigneeIDs(), []uuid.UUID{u2}) || len(got.Tags()) != 1 || got.Tags()[0].ID != ui.ID() {
		t.Fatalf("assignees %v tags %+v", got.AssigneeIDs(), got.Tags())
	}
	want := []string{evts.TypeTaskCreated, evts.TypeTaskAssigned, // create
		evts.TypeTaskUpdated, evts.TypeTaskStatusChanged, evts.TypeTaskAssigned, evts.TypeTaskUnassigned}
	if got := f.published(t); !slices.Equal(got, want) {
		t.Fatalf("published %v, want %v", got, want)
	}

	// A failing fn changes nothing and publishes nothing.
	boom := errors.New("boom")
	if _, err := f.tasks.Update(ctx, task.ID(), func(tk *domain.Task) error {
		_ = tk.Apply(domain.Patch{Title: kernel.Some("c")}, u1, later)
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if got, _ := f.tasks.Get(ctx, task.ID()); got.Title() != "b" || got.Version() != 2 {
		t.Fatalf("rolled back update was saved: %+v", got)
	}
	if _, err := f.tasks.Update(ctx, uuid.Must(uuid.NewV7()), func(*domain.Task) error { return nil }); !errors.Is(err, domain.ErrTaskNotFound) {
		t.Fatalf("update missing: %v", err)
	}
}

func TestConcurrentUpdatesWithSameVersionOneWins(t *testing.T) {
	f := newFixture(t)
	task := f.newTask(t, domain.NewTask{Title: "race"}, t0)
	const writers = 10
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.tasks.Update(context.Background(), task.ID(), func(tk *domain.Task) error {
				if err := tk.CheckVersion(ptr(int64(1))); err != nil {
					return err
				}
				return tk.Apply(domain.Patch{Title: kernel.Some(fmt.Sprint("w", i))}, task.CreatedBy(), time.Now())
			})
		}()
	}
	wg.Wait()
	ok, stale := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, domain.ErrVersionStale):
			stale++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 || stale != writers-1 {
		t.Fatalf("%d succeeded and %d were stale, want 1 and %d", ok, stale, writers-1)
	}
	if got, _ := f.tasks.Get(context.Background(), task.ID()); got.Version() != 2 {
		t.Fatalf("version = %d, want 2", got.Version())
	}
}

func TestDeleteRemovesTaskAndPublishes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	task := f.newTask(t, domain.NewTask{Title: "gone", AssigneeIDs: []uuid.UUID{uuid.Must(uuid.NewV7())}}, t0)
	if err := f.tasks.Delete(ctx, task.ID(), func(tk *domain.Task) error {
		tk.MarkDeleted(tk.CreatedBy(), t0)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.tasks.Get(ctx, task.ID()); !errors.Is(err, domain.ErrTaskNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	var left int
	_ = f.pool.QueryRow(ctx, `SELECT count(*) FROM tasking.task_assignee`).Scan(&left)
	if left != 0 {
		t.Fatalf("%d assignee rows left", left)
	}
	if p := f.published(t); p[len(p)-1] != evts.TypeTaskDeleted {
		t.Fatalf("published %v", p)
	}
	if err := f.tasks.Delete(ctx, task.ID(), func(*domain.Task) error { return nil }); !errors.Is(err, domain.ErrTaskNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestUnassignUserIsIdempotentAndMovesVersions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	gone, stays := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	a := f.newTask(t, domain.NewTask{Title: "a", AssigneeIDs: []uuid.UUID{gone, stays}}, t0)
	b := f.newTask(t, domain.NewTask{Title: "b", AssigneeIDs: []uuid.UUID{stays}}, t0)
	for range 2 {
		if err := f.tasks.UnassignUser(ctx, gone, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	ga, _ := f.tasks.Get(ctx, a.ID())
	gb, _ := f.tasks.Get(ctx, b.ID())
	if !slices.Equal(ga.AssigneeIDs(), []uuid.UUID{stays}) || ga.Version() != 2 || !ga.UpdatedAt().Equal(t0.Add(time.Hour)) {
		t.Fatalf("a = %v v%d %s", ga.AssigneeIDs(), ga.Version(), ga.UpdatedAt())
	}
	if gb.Version() != 1 {
		t.Fatalf("b was touched: v%d", gb.Version())
	}
}

func TestTags(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bug := f.newTag(t, "Bug")
	dup, _ := domain.NewTag(uuid.Must(uuid.NewV7()), "BUG", nil, uuid.Nil, t0)
	if err := f.tags.Create(ctx, dup); !errors.Is(err, domain.ErrTagNameTaken) {
		t.Fatalf("duplicate name: %v", err)
	}
	for _, n := range []string{"alpha", "Zeta", "мобильный", "beta"} {
		f.newTag(t, n)
	}
	var names []string
	after := ""
	for {
		page, err := app.TagService{Service: &app.Service{TagRepo: f.tags}}.List(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range page.Items {
			names = append(names, tg.Name())
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if want := []string{"alpha", "beta", "Bug", "Zeta", "мобильный"}; !slices.Equal(names, want) {
		t.Fatalf("tags by name = %v, want %v", names, want)
	}

	task := f.newTask(t, domain.NewTask{Title: "tagged", Tags: []domain.TagRef{bug.Ref()}}, t0)
	if err := f.tags.Delete(ctx, bug.ID(), func(*domain.Tag) error { return nil }, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ := f.tasks.Get(ctx, task.ID())
	if len(got.Tags()) != 0 || got.Version() != 2 {
		t.Fatalf("after tag delete: tags %v v%d", got.Tags(), got.Version())
	}
	if err := f.tags.Delete(ctx, bug.ID(), func(*domain.Tag) error { return nil }, t0); !errors.Is(err, domain.ErrTagNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

// listAll pages through a sorted, filtered list and returns the titles.
func listAll(t *testing.T, f fixture, sortBy ports.Sort, filter ports.TaskFilter, limit int) []string {
	t.Helper()
	svc := app.TaskService{Service: &app.Service{Tasks: f.tasks, Statuses: f.statuses}}
	var titles []string
	var after *ports.Position
	for range 100 {
		page, err := svc.List(context.Background(), kernel.Actor{}, ports.ListTasks{Filter: filter, Sort: sortBy, After: after, Limit: limit})
		if err != nil {
			t.Fatalf("%s: %v", sortBy, err)
		}
		for _, tk := range page.Items {
			titles = append(titles, tk.Title())
		}
		if page.Next == nil {
			return titles
		}
		after = page.Next
	}
	t.Fatal("too many pages")
	return nil
}

func TestListSortsAndPagesWithoutGapsOrDuplicates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	prios := []string{"low", "normal", "high", "urgent"}
	type row struct {
		title            string
		created, updated time.Time
		due              *time.Time
		rank             int
		id               uuid.UUID
	}
	var rows []row
	for i := range 23 {
		created := t0.Add(time.Duration(i%7) * time.Minute) // ties on purpose
		var due *time.Time
		if i%3 != 0 {
			d := t0.Add(time.Duration(i%5) * time.Hour)
			due = &d
		}
		p := prios[i%4]
		task := f.newTask(t, domain.NewTask{Title: fmt.Sprintf("t%02d", i), Priority: &p, DueAt: due}, created)
		updated := created
		if i%2 == 0 {
			updated = created.Add(time.Hour + time.Duration(i)*time.Second)
			if _, err := f.tasks.Update(ctx, task.ID(), func(tk *domain.Task) error {
				return tk.Apply(domain.Patch{Description: kernel.Some("x")}, tk.CreatedBy(), updated)
			}); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, row{task.Title(), created, updated, due, domain.Priority(p).Rank(), task.ID()})
	}
	less := func(a, b row, ka, kb time.Time) bool {
		if !ka.Equal(kb) {
			return ka.Before(kb)
		}
		return slices.Compare(a.id[:], b.id[:]) < 0
	}
	inf := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	dueKey := func(r row) time.Time {
		if r.due == nil {
			return inf
		}
		return *r.due
	}
	expect := map[ports.Sort]func(a, b row) bool{
		ports.SortCreatedAsc:  func(a, b row) bool { return less(a, b, a.created, b.created) },
		ports.SortCreatedDesc: func(a, b row) bool { return less(b, a, b.created, a.created) },
		ports.SortUpdatedAsc:  func(a, b row) bool { return less(a, b, a.updated, b.updated) },
		ports.SortUpdatedDesc: func(a, b row) bool { return less(b, a, b.updated, a.updated) },
		ports.SortDueAt:       func(a, b row) bool { return less(a, b, dueKey(a), dueKey(b)) },
		ports.SortPriority: func(a, b row) bool {
			return less(a, b, t0.Add(time.Duration(a.rank)), t0.Add(time.Duration(b.rank)))
		},
	}
	for _, s := range ports.Sorts {
		sorted := slices.Clone(rows)
		sort.SliceStable(sorted, func(i, j int) bool { return expect[s](sorted[i], sorted[j]) })
		var want []string
		for _, r := range sorted {
			want = append(want, r.title)
		}
		for _, limit := range []int{1, 4, 50} {
			if got := listAll(t, f, s, ports.TaskFilter{}, limit); !slices.Equal(got, want) {
				t.Errorf("sort %s limit %d:\n got %v\nwant %v", s, limit, got, want)
			}
		}
	}
}

func TestListFilters(t *testing.T) {
	f := newFixture(t)
	alice, bob := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	bug := f.newTag(t, "Bug")
	inProgress := f.status(t, 2)
	d := func(h int) *time.Time { v := t0.Add(time.Duration(h) * time.Hour); return &v }
	f.newTask(t, domain.NewTask{Title: "Fix login page", Description: ptr("The button is broken"), CreatedBy: alice,
		AssigneeIDs: []uuid.UUID{bob}, Tags: []domain.TagRef{bug.Ref()}, DueAt: d(1)}, t0)
	f.newTask(t, domain.NewTask{Title: "Исправить вход", Description: ptr("Кнопка не работает"), CreatedBy: bob,
		Status: inProgress, DueAt: d(10)}, t0.Add(time.Second))
	f.newTask(t, domain.NewTask{Title: "Write docs", CreatedBy: alice, AssigneeIDs: []uuid.UUID{alice, bob}}, t0.Add(2*time.Second))

	cases := []struct {
		name   string
		filter ports.TaskFilter
		want   []string
	}{
		{"none", ports.TaskFilter{}, []string{"Fix login page", "Исправить вход", "Write docs"}},
		{"status", ports.TaskFilter{StatusID: ptr(2)}, []string{"Исправить вход"}},
		{"assignee", ports.TaskFilter{AssigneeID: &bob}, []string{"Fix login page", "Write docs"}},
		{"created_by", ports.TaskFilter{CreatedBy: &bob}, []string{"Исправить вход"}},
		{"tag id", ports.TaskFilter{TagID: ptr(bug.ID())}, []string{"Fix login page"}},
		{"tag name any case", ports.TaskFilter{TagName: "BUG"}, []string{"Fix login page"}},
		{"unknown tag name", ports.TaskFilter{TagName: "nope"}, nil},
		{"q prefix", ports.TaskFilter{Query: "logi"}, []string{"Fix login page"}},
		{"q in description", ports.TaskFilter{Query: "BROKEN button"}, []string{"Fix login page"}},
		{"q russian prefix any case", ports.TaskFilter{Query: "кноп"}, []string{"Исправить вход"}},
		{"q russian title", ports.TaskFilter{Query: "Исправ вход"}, []string{"Исправить вход"}},
		{"q and filter", ports.TaskFilter{Query: "fix", AssigneeID: &alice}, nil},
		{"q operators are words", ports.TaskFilter{Query: `fix & !| ' " :* (login)`}, []string{"Fix login page"}},
		{"q no word", ports.TaskFilter{Query: `&|!():*'"`}, nil},
		{"due before", ports.TaskFilter{DueBefore: d(5)}, []string{"Fix login page"}},
		{"due after", ports.TaskFilter{DueAfter: d(5)}, []string{"Исправить вход"}},
		{"due window", ports.TaskFilter{DueAfter: d(0), DueBefore: d(20)}, []string{"Fix login page", "Исправить вход"}},
	}
	for _, c := range cases {
		for _, s := range []ports.Sort{ports.SortCreatedAsc, ports.SortPriority} {
			got := listAll(t, f, s, c.filter, 1)
			if s == ports.SortCreatedAsc && !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
			if len(got) != len(c.want) {
				t.Errorf("%s sorted by %s: got %v", c.name, s, got)
			}
		}
	}
}

func TestTSQuery(t *testing.T) {
	for in, want := range map[string]string{
		"Fix login":         "'fix':* & 'login':*",
		"  ":                "",
		"it's a:b|c&!d":     "'it':* & 's':* & 'a':* & 'b':* & 'c':* & 'd':*",
		"Привет, мир":       "'привет':* & 'мир':*",
		"e-mail 42":         "'e':* & 'mail':* & '42':*",
		"1 2 3 4 5 6 7 8 9": "'1':* & '2':* & '3':* & '4':* & '5':* & '6':* & '7':* & '8':*",
	} {
		if got := pgrepo.TSQuery(in); got != want {
			t.Errorf("TSQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeedTasks(t *testing.T) {
	f := newFixture(t)
	users := []uuid.UUID{uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())}
	if err := pgrepo.SeedTasks(context.Background(), postgres.TxRunner{Pool: f.pool}, 25, users, t0); err != nil {
		t.Fatal(err)
	}
	if got := listAll(t, f, ports.SortDueAt, ports.TaskFilter{}, 10); len(got) != 25 {
		t.Fatalf("listed %d seeded tasks", len(got))
	}
	if got := listAll(t, f, ports.SortCreatedDesc, ports.TaskFilter{AssigneeID: &users[1], Query: "отч"}, 10); len(got) == 0 {
		t.Fatal("no seeded task matches a Russian prefix for its assignee")
	}
}

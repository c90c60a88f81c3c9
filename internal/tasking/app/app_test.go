package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/tasking/app"
	"tasktracker/internal/tasking/domain"
	"tasktracker/internal/tasking/ports"
)

// In-memory fakes of the driven ports.

type fakeTasks struct{ m map[uuid.UUID]*domain.Task }

func (f *fakeTasks) Create(_ context.Context, t *domain.Task) error { f.m[t.ID()] = t; return nil }
func (f *fakeTasks) Get(_ context.Context, id uuid.UUID) (*domain.Task, error) {
	if t, ok := f.m[id]; ok {
		return t, nil
	}
	return nil, domain.ErrTaskNotFound
}
func (f *fakeTasks) Update(ctx context.Context, id uuid.UUID, fn func(*domain.Task) error) (*domain.Task, error) {
	t, err := f.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	c := *t
	if err := fn(&c); err != nil {
		return nil, err
	}
	f.m[id] = &c
	return &c, nil
}
func (f *fakeTasks) Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Task) error) error {
	t, err := f.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := fn(t); err != nil {
		return err
	}
	delete(f.m, id)
	return nil
}
func (f *fakeTasks) List(_ context.Context, in ports.ListTasks) ([]*domain.Task, error) {
	var out []*domain.Task
	for _, t := range f.m {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *domain.Task) int { return a.CreatedAt().Compare(b.CreatedAt()) })
	return out[:min(len(out), in.Limit+1)], nil
}
func (f *fakeTasks) UnassignUser(context.Context, uuid.UUID, time.Time) error { return nil }
func (f *fakeTasks) Creator(_ context.Context, id uuid.UUID) (uuid.UUID, bool, error) {
	if t, ok := f.m[id]; ok {
		return t.CreatedBy(), true, nil
	}
	return uuid.Nil, false, nil
}
func (f *fakeTasks) Title(_ context.Context, id uuid.UUID) (string, bool, error) {
	if t, ok := f.m[id]; ok {
		return t.Title(), true, nil
	}
	return "", false, nil
}

type fakeTags struct{ m map[uuid.UUID]*domain.Tag }

func (f *fakeTags) Create(_ context.Context, t *domain.Tag) error { f.m[t.ID()] = t; return nil }
func (f *fakeTags) ByIDs(_ context.Context, ids []uuid.UUID) ([]*domain.Tag, error) {
	var out []*domain.Tag
	for _, id := range ids {
		if t, ok := f.m[id]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}
func (f *fakeTags) List(context.Context, string, int) ([]*domain.Tag, error) { return nil, nil }
func (f *fakeTags) Delete(_ context.Context, id uuid.UUID, fn func(*domain.Tag) error, _ time.Time) error {
	t, ok := f.m[id]
	if !ok {
		return domain.ErrTagNotFound
	}
	if err := fn(t); err != nil {
		return err
	}
	delete(f.m, id)
	return nil
}

type fakeStatuses struct{}

var statuses = []domain.Status{{ID: 1, Code: "todo"}, {ID: 4, Code: "done", IsFinal: true}}

func (fakeStatuses) All(context.Context) ([]domain.Status, error) { return statuses, nil }
func (fakeStatuses) Get(_ context.Context, id int) (domain.Status, bool, error) {
	for _, s := range statuses {
		if s.ID == id {
			return s, true, nil
		}
	}
	return domain.Status{}, false, nil
}

type fakeUsers map[uuid.UUID]bool

func (f fakeUsers) MissingUsers(_ context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for _, id := range ids {
		if !f[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

type tickingClock struct{ t time.Time }

func (c *tickingClock) Now() time.Time { c.t = c.t.Add(time.Second); return c.t }

var (
	alice = kernel.Actor{UserID: uuid.New()}
	bob   = kernel.Actor{UserID: uuid.New()}
	admin = kernel.Actor{UserID: uuid.New(), Admin: true}
)

func newService() (app.TaskService, app.TagService) {
	s := &app.Service{Tasks: &fakeTasks{m: map[uuid.UUID]*domain.Task{}}, TagRepo: &fakeTags{m: map[uuid.UUID]*domain.Tag{}},
		Statuses: fakeStatuses{}, Users: fakeUsers{alice.UserID: true, bob.UserID: true, admin.UserID: true},
		Clock: &tickingClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}, IDs: kernel.UUIDv7{}}
	return app.TaskService{Service: s}, app.TagService{Service: s}
}

func fieldsOf(err error) []string {
	var ke *kernel.Error
	if !errors.As(err, &ke) {
		return nil
	}
	var out []string
	for _, f := range ke.Fields {
		out = append(out, f.Field)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func TestCreateChecksReferences(t *testing.T) {
	tasks, _ := newService()
	ctx := context.Background()
	_, err := tasks.Create(ctx, alice, ports.CreateTask{Title: "", StatusID: ptr(9),
		AssigneeIDs: []uuid.UUID{uuid.New()}, TagIDs: []uuid.UUID{uuid.New()}})
	if got := fieldsOf(err); !slices.Equal(got, []string{"status_id", "assignee_ids", "tag_ids", "title"}) {
		t.Fatalf("fields = %v (%v)", got, err)
	}
	tk, err := tasks.Create(ctx, alice, ports.CreateTask{Title: "ok", AssigneeIDs: []uuid.UUID{bob.UserID}})
	if err != nil || tk.Status().Code != "todo" || tk.CreatedBy() != alice.UserID {
		t.Fatalf("create: %+v %v", tk, err)
	}
}

func TestUpdateAuthorizationAndPreconditions(t *testing.T) {
	tasks, _ := newService()
	ctx := context.Background()
	tk, _ := tasks.Create(ctx, alice, ports.CreateTask{Title: "x", AssigneeIDs: []uuid.UUID{bob.UserID}})
	stranger := kernel.Actor{UserID: uuid.New()}
	title := ports.UpdateTask{Title: kernel.Some("y")}
	if _, err := tasks.Update(ctx, stranger, tk.ID(), title); kernel.KindOf(err) != kernel.KindForbidden {
		t.Fatalf("stranger: %v", err)
	}
	if _, err := tasks.Update(ctx, bob, tk.ID(), ports.UpdateTask{Title: kernel.Some("y"), IfMatch: ptr(int64(5))}); !errors.Is(err, domain.ErrVersionStale) {
		t.Fatalf("stale: %v", err)
	}
	if _, err := tasks.Update(ctx, bob, tk.ID(), ports.UpdateTask{}); !errors.Is(err, domain.ErrNoChangeGiven) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := tasks.Update(ctx, bob, tk.ID(), ports.UpdateTask{StatusID: kernel.Optional[int]{Set: true, Null: true}}); !slices.Equal(fieldsOf(err), []string{"status_id"}) {
		t.Fatalf("status null: %v", err)
	}
	got, err := tasks.Update(ctx, bob, tk.ID(), ports.UpdateTask{StatusID: kernel.Some(4), IfMatch: ptr(int64(1))})
	if err != nil || got.Status().Code != "done" || got.Version() != 2 {
		t.Fatalf("update: %+v %v", got, err)
	}
	if err := tasks.Delete(ctx, bob, tk.ID(), nil); kernel.KindOf(err) != kernel.KindForbidden {
		t.Fatalf("assignee delete: %v", err)
	}
	if err := tasks.Delete(ctx, admin, tk.ID(), ptr(int64(2))); err != nil {
		t.Fatalf("admin delete: %v", err)
	}
	if _, err := tasks.Get(ctx, alice, tk.ID()); !errors.Is(err, domain.ErrTaskNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestSubResourcesCheckReferences(t *testing.T) {
	tasks, tags := newService()
	ctx := context.Background()
	tk, _ := tasks.Create(ctx, alice, ports.CreateTask{Title: "x"})
	if _, err := tasks.Assign(ctx, alice, tk.ID(), uuid.New(), nil); !slices.Equal(fieldsOf(err), []string{"user_id"}) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := tasks.AddTag(ctx, alice, tk.ID(), uuid.New(), nil); !slices.Equal(fieldsOf(err), []string{"tag_id"}) {
		t.Fatalf("unknown tag: %v", err)
	}
	tag, err := tags.Create(ctx, bob, "Bug", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tasks.AddTag(ctx, alice, tk.ID(), tag.ID(), nil)
	if err != nil || len(got.Tags()) != 1 || got.Tags()[0].Name != "Bug" {
		t.Fatalf("add tag: %+v %v", got, err)
	}
	if err := tags.Delete(ctx, alice, tag.ID()); kernel.KindOf(err) != kernel.KindForbidden {
		t.Fatalf("tag delete by non-creator: %v", err)
	}
	if err := tags.Delete(ctx, bob, tag.ID()); err != nil {
		t.Fatal(err)
	}
}

func TestListComputesNextPosition(t *testing.T) {
	tasks, _ := newService()
	ctx := context.Background()
	for range 3 {
		if _, err := tasks.Create(ctx, alice, ports.CreateTask{Title: "x", Priority: ptr("high")}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := tasks.List(ctx, alice, ports.ListTasks{Sort: ports.SortPriority, Limit: 2})
	if err != nil || len(page.Items) != 2 || page.Next == nil || page.Next.Rank != 1 || page.Next.ID != page.Items[1].ID() {
		t.Fatalf("page = %+v %v", page, err)
	}
	page, _ = tasks.List(ctx, alice, ports.ListTasks{Sort: ports.SortCreatedAsc, Limit: 3})
	if page.Next != nil || len(page.Items) != 3 {
		t.Fatalf("last page = %+v", page)
	}
	if _, err := tasks.List(ctx, alice, ports.ListTasks{Sort: ports.SortCreatedAsc, Limit: 3, Filter: ports.TaskFilter{StatusID: ptr(3)}}); !slices.Equal(fieldsOf(err), []string{"status_id"}) {
		t.Fatalf("unknown status filter: %v", err)
	}
}

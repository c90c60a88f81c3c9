package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/tasking/domain"
)

var (
	now      = time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	todo     = domain.Status{ID: 1, Code: "todo"}
	done     = domain.Status{ID: 4, Code: "done", IsFinal: true}
	creator  = uuid.MustParse("01900000-0000-7000-8000-000000000001")
	assignee = uuid.MustParse("01900000-0000-7000-8000-000000000002")
	other    = uuid.MustParse("01900000-0000-7000-8000-000000000003")
)

func ptr[T any](v T) *T { return &v }

func fields(err error) []string {
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

func types(evs []domain.Event) []string {
	var out []string
	for _, e := range evs {
		switch e.Payload.(type) {
		case domain.TaskCreated:
			out = append(out, "created")
		case domain.TaskUpdated:
			out = append(out, "updated")
		case domain.TaskStatusChanged:
			out = append(out, "status")
		case domain.TaskAssigned:
			out = append(out, "assigned")
		case domain.TaskUnassigned:
			out = append(out, "unassigned")
		case domain.TaskDeleted:
			out = append(out, "deleted")
		}
	}
	return out
}

func newTask(t *testing.T) *domain.Task {
	t.Helper()
	tk, err := domain.CreateTask(domain.NewTask{ID: uuid.New(), Title: "Title", Description: ptr("d"), Status: todo,
		CreatedBy: creator, AssigneeIDs: []uuid.UUID{assignee}}, now)
	if err != nil {
		t.Fatal(err)
	}
	return domain.RehydrateTask(domain.TaskState{ID: tk.ID(), Title: tk.Title(), Description: tk.Description(),
		Status: tk.Status(), Priority: tk.Priority(), CreatedBy: creator, AssigneeIDs: tk.AssigneeIDs(),
		Version: 1, CreatedAt: now, UpdatedAt: now})
}

func TestCreateTaskValidation(t *testing.T) {
	many := make([]uuid.UUID, 21)
	for i := range many {
		many[i] = uuid.New()
	}
	manyTags := make([]domain.TagRef, 21)
	for i := range manyTags {
		manyTags[i] = domain.TagRef{ID: uuid.New()}
	}
	cases := []struct {
		name   string
		in     domain.NewTask
		fields []string
	}{
		{"ok", domain.NewTask{Title: " ok "}, nil},
		{"title blank", domain.NewTask{Title: "  "}, []string{"title"}},
		{"title 200 runes", domain.NewTask{Title: strings.Repeat("ж", 200)}, nil},
		{"title 201 runes", domain.NewTask{Title: strings.Repeat("ж", 201)}, []string{"title"}},
		{"description too long", domain.NewTask{Title: "x", Description: ptr(strings.Repeat("a", 20001))}, []string{"description"}},
		{"bad priority", domain.NewTask{Title: "x", Priority: ptr("asap")}, []string{"priority"}},
		{"too many assignees", domain.NewTask{Title: "x", AssigneeIDs: many}, []string{"assignee_ids"}},
		{"nil assignee", domain.NewTask{Title: "x", AssigneeIDs: []uuid.UUID{uuid.Nil}}, []string{"assignee_ids"}},
		{"too many tags", domain.NewTask{Title: "x", Tags: manyTags}, []string{"tag_ids"}},
		{"several at once", domain.NewTask{Title: "", Priority: ptr("x")}, []string{"title", "priority"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Status, c.in.CreatedBy = todo, creator
			tk, err := domain.CreateTask(c.in, now)
			if got := fields(err); !slices.Equal(got, c.fields) {
				t.Fatalf("fields = %v (err %v), want %v", got, err, c.fields)
			}
			if err == nil && (tk.Version() != 1 || tk.Priority() != domain.PriorityNormal || strings.TrimSpace(tk.Title()) != tk.Title()) {
				t.Fatalf("task = %+v", tk)
			}
		})
	}
}

func TestCreateTaskRecordsEvents(t *testing.T) {
	tk, err := domain.CreateTask(domain.NewTask{ID: uuid.New(), Title: "x", Status: todo, CreatedBy: creator,
		AssigneeIDs: []uuid.UUID{assignee, other, assignee}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := types(tk.Events()); !slices.Equal(got, []string{"created", "assigned", "assigned"}) {
		t.Fatalf("events = %v", got)
	}
	if len(tk.AssigneeIDs()) != 2 {
		t.Fatalf("assignees not de-duplicated: %v", tk.AssigneeIDs())
	}
}

func TestApply(t *testing.T) {
	later := now.Add(time.Minute)
	cases := []struct {
		name    string
		patch   domain.Patch
		fields  []string // validation errors
		changed []string
		events  []string
		check   func(*testing.T, *domain.Task)
	}{
		{name: "empty", patch: domain.Patch{}, fields: []string{"body"}},
		{name: "title only keeps the rest", patch: domain.Patch{Title: kernel.Some(" New ")},
			changed: []string{"title"}, events: []string{"updated"},
			check: func(t *testing.T, tk *domain.Task) {
				if tk.Title() != "New" || tk.Description() == nil || *tk.Description() != "d" || len(tk.AssigneeIDs()) != 1 {
					t.Fatalf("task = %+v", tk)
				}
			}},
		{name: "null clears description and due", patch: domain.Patch{Description: kernel.Optional[string]{Set: true, Null: true},
			DueAt: kernel.Optional[time.Time]{Set: true, Null: true}}, changed: []string{"description"}, events: []string{"updated"},
			check: func(t *testing.T, tk *domain.Task) {
				if tk.Description() != nil || tk.DueAt() != nil {
					t.Fatalf("not cleared: %+v", tk)
				}
			}},
		{name: "same value bumps version, records nothing", patch: domain.Patch{Title: kernel.Some("Title")}},
		{name: "title null", patch: domain.Patch{Title: kernel.Optional[string]{Set: true, Null: true}}, fields: []string{"title"}},
		{name: "priority null", patch: domain.Patch{Priority: kernel.Optional[string]{Set: true, Null: true}}, fields: []string{"priority"}},
		{name: "bad priority and title", patch: domain.Patch{Priority: kernel.Some("x"), Title: kernel.Some("")}, fields: []string{"title", "priority"}},
		{name: "status", patch: domain.Patch{Status: &done}, changed: []string{"status_id"}, events: []string{"updated", "status"}},
		{name: "assignees replaced", patch: domain.Patch{AssigneeIDs: kernel.Some([]uuid.UUID{other})},
			changed: []string{"assignee_ids"}, events: []string{"updated", "assigned", "unassigned"}},
		{name: "assignees null clears", patch: domain.Patch{AssigneeIDs: kernel.Optional[[]uuid.UUID]{Set: true, Null: true}},
			changed: []string{"assignee_ids"}, events: []string{"updated", "unassigned"}},
		{name: "due and priority", patch: domain.Patch{DueAt: kernel.Some(now.In(time.FixedZone("x", 3600))), Priority: kernel.Some("urgent")},
			changed: []string{"priority", "due_at"}, events: []string{"updated"},
			check: func(t *testing.T, tk *domain.Task) {
				if tk.DueAt().Location() != time.UTC || tk.Priority().Rank() != 0 {
					t.Fatalf("task = %+v", tk)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := newTask(t)
			err := tk.Apply(c.patch, assignee, later)
			if got := fields(err); !slices.Equal(got, c.fields) {
				t.Fatalf("fields = %v (err %v), want %v", got, err, c.fields)
			}
			if err != nil {
				if tk.Version() != 1 || len(tk.Events()) != 0 {
					t.Fatal("a refused patch changed the task")
				}
				return
			}
			if tk.Version() != 2 || !tk.UpdatedAt().Equal(later) {
				t.Fatalf("version %d updated_at %s", tk.Version(), tk.UpdatedAt())
			}
			if got := types(tk.Events()); !slices.Equal(got, c.events) {
				t.Fatalf("events = %v, want %v", got, c.events)
			}
			if len(c.changed) > 0 {
				if got := tk.Events()[0].Payload.(domain.TaskUpdated).ChangedFields; !slices.Equal(got, c.changed) {
					t.Fatalf("changed = %v, want %v", got, c.changed)
				}
			}
			if c.check != nil {
				c.check(t, tk)
			}
		})
	}
}

func TestUpdatedAtMovesEvenWhenTheClockDoesNot(t *testing.T) {
	tk := newTask(t)
	if err := tk.Apply(domain.Patch{Title: kernel.Some("a")}, creator, now); err != nil {
		t.Fatal(err)
	}
	if !tk.UpdatedAt().After(now) {
		t.Fatalf("updated_at = %s", tk.UpdatedAt())
	}
}

func TestStatusChangeCarriesBothStatuses(t *testing.T) {
	tk := newTask(t)
	if err := tk.Apply(domain.Patch{Status: &done}, creator, now); err != nil {
		t.Fatal(err)
	}
	sc := tk.Events()[1].Payload.(domain.TaskStatusChanged)
	if sc.From.Code != "todo" || sc.To.Code != "done" || tk.Events()[1].Actor != creator {
		t.Fatalf("event = %+v", sc)
	}
}

func TestAssignAndTagsAreIdempotent(t *testing.T) {
	tk := newTask(t)
	if changed, err := tk.Assign(assignee, creator, now); changed || err != nil {
		t.Fatalf("assigning an assignee: %v %v", changed, err)
	}
	if changed, err := tk.Assign(other, creator, now); !changed || err != nil || tk.Version() != 2 {
		t.Fatalf("assign: %v %v v%d", changed, err, tk.Version())
	}
	if tk.Unassign(uuid.New(), creator, now) {
		t.Fatal("unassigning a stranger changed the task")
	}
	if !tk.Unassign(other, creator, now) || tk.Version() != 3 {
		t.Fatal("unassign failed")
	}
	tag := domain.TagRef{ID: uuid.New(), Name: "x"}
	if changed, _ := tk.AddTag(tag, creator, now); !changed {
		t.Fatal("add tag")
	}
	if changed, _ := tk.AddTag(tag, creator, now); changed {
		t.Fatal("adding a tag twice changed the task")
	}
	if !tk.RemoveTag(tag.ID, creator, now) || tk.RemoveTag(tag.ID, creator, now) {
		t.Fatal("remove tag")
	}
	if got := types(tk.Events()); !slices.Equal(got, []string{"updated", "assigned", "updated", "unassigned", "updated", "updated"}) {
		t.Fatalf("events = %v", got)
	}
	for range domain.MaxAssignees - 1 {
		if _, err := tk.Assign(uuid.New(), creator, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tk.Assign(uuid.New(), creator, now); !slices.Equal(fields(err), []string{"user_id"}) {
		t.Fatalf("21st assignee: %v", err)
	}
}

func TestAuthorizationAndVersion(t *testing.T) {
	tk := newTask(t)
	for _, c := range []struct {
		name           string
		actor          kernel.Actor
		edit, deletion bool
	}{
		{"creator", kernel.Actor{UserID: creator}, true, true},
		{"assignee", kernel.Actor{UserID: assignee}, true, false},
		{"admin", kernel.Actor{UserID: other, Admin: true}, true, true},
		{"stranger", kernel.Actor{UserID: other}, false, false},
	} {
		if got := tk.CheckEdit(c.actor) == nil; got != c.edit {
			t.Errorf("%s edit = %v", c.name, got)
		}
		if got := tk.CheckDelete(c.actor) == nil; got != c.deletion {
			t.Errorf("%s delete = %v", c.name, got)
		}
	}
	if err := tk.CheckEdit(kernel.Actor{UserID: other}); kernel.KindOf(err) != kernel.KindForbidden {
		t.Fatalf("kind = %v", kernel.KindOf(err))
	}
	if tk.CheckVersion(nil) != nil || tk.CheckVersion(ptr(int64(1))) != nil {
		t.Fatal("matching version refused")
	}
	err := tk.CheckVersion(ptr(int64(7)))
	var ke *kernel.Error
	if !errors.Is(err, domain.ErrVersionStale) || !errors.As(err, &ke) || ke.Extra["current_version"] != int64(1) {
		t.Fatalf("stale: %v", err)
	}
}

func TestPriorityRank(t *testing.T) {
	var ranks []int
	for _, p := range []string{"urgent", "high", "normal", "low"} {
		pr, err := domain.ParsePriority(p)
		if err != nil {
			t.Fatal(err)
		}
		ranks = append(ranks, pr.Rank())
	}
	if !slices.IsSorted(ranks) || ranks[0] != 0 {
		t.Fatalf("ranks = %v", ranks)
	}
	if _, err := domain.ParsePriority("Urgent"); err == nil {
		t.Fatal("priorities are lower-case")
	}
}

func TestNewTag(t *testing.T) {
	for _, c := range []struct {
		name, color string
		fields      []string
	}{
		{"Bug", "", nil},
		{"  Bug  ", "#AABBCC", nil},
		{"", "", []string{"name"}},
		{strings.Repeat("t", 51), "", []string{"name"}},
		{"x", "#abc", []string{"color"}},
		{"x", "red", []string{"color"}},
	} {
		var color *string
		if c.color != "" {
			color = &c.color
		}
		tag, err := domain.NewTag(uuid.New(), c.name, color, creator, now)
		if got := fields(err); !slices.Equal(got, c.fields) {
			t.Errorf("%q %q: fields %v, want %v", c.name, c.color, got, c.fields)
		}
		if err == nil && (tag.Name() != strings.TrimSpace(c.name) || (color != nil && *tag.Color() != strings.ToLower(c.color))) {
			t.Errorf("tag = %+v", tag)
		}
	}
	tag, _ := domain.NewTag(uuid.New(), "x", nil, creator, now)
	if tag.CheckDelete(kernel.Actor{UserID: other}) == nil || tag.CheckDelete(kernel.Actor{UserID: creator}) != nil ||
		tag.CheckDelete(kernel.Actor{UserID: other, Admin: true}) != nil {
		t.Fatal("tag delete rules")
	}
}

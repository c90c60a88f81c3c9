package domain

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
)

// Priority of a task. Rank orders them for sorting: urgent first.
type Priority string

const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// ParsePriority validates a priority.
func ParsePriority(s string) (Priority, error) {
	switch p := Priority(s); p {
	case PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent:
		return p, nil
	}
	return "", kernel.Invalid("priority", "must be one of low, normal, high, urgent")
}

// Rank is the sort position of a priority: 0 for urgent … 3 for low.
func (p Priority) Rank() int {
	switch p {
	case PriorityUrgent:
		return 0
	case PriorityHigh:
		return 1
	case PriorityNormal:
		return 2
	}
	return 3
}

// NewTitle trims a title and checks its length (1..200 characters).
func NewTitle(s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n < 1 || n > MaxTitle {
		return "", kernel.Invalid("title", "must be 1 to 200 characters")
	}
	if !Storable(s) {
		return "", kernel.Invalid("title", "must not contain NUL characters")
	}
	return s, nil
}

func checkDescription(d *string) error {
	if d != nil && utf8.RuneCountInString(*d) > MaxDescription {
		return kernel.Invalid("description", "must be at most 20000 characters")
	}
	if d != nil && !Storable(*d) {
		return kernel.Invalid("description", "must not contain NUL characters")
	}
	return nil
}

// Storable reports whether s is text PostgreSQL can store: valid UTF-8
// without NUL characters.
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Task is the aggregate root of the tasking context.
type Task struct {
	id          uuid.UUID
	title       string
	description *string
	status      Status
	priority    Priority
	dueAt       *time.Time
	createdBy   uuid.UUID
	assignees   []uuid.UUID
	tags        []TagRef
	version     int64
	createdAt   time.Time
	updatedAt   time.Time

	assigneesChanged, tagsChanged bool
	events                        []Event
}

// NewTask is what creating a task needs; Status and Tags are resolved by
// the caller (an unknown status or tag is the caller's validation error).
type NewTask struct {
	ID          uuid.UUID
	Title       string
	Description *string
	Status      Status
	Priority    *string // nil: normal
	DueAt       *time.Time
	CreatedBy   uuid.UUID
	AssigneeIDs []uuid.UUID
	Tags        []TagRef
}

// CreateTask validates n and records TaskCreated (and TaskAssigned per
// assignee).
func CreateTask(n NewTask, now time.Time) (*Task, error) {
	var v kernel.Validation
	title, err := NewTitle(n.Title)
	v.Merge(err)
	v.Merge(checkDescription(n.Description))
	prio := PriorityNormal
	if n.Priority != nil {
		p, err := ParsePriority(*n.Priority)
		v.Merge(err)
		prio = p
	}
	assignees, err := uniqueUsers(n.AssigneeIDs)
	v.Merge(err)
	tags, err := uniqueTags(n.Tags)
	v.Merge(err)
	if err := v.Err(); err != nil {
		return nil, err
	}
	t := &Task{id: n.ID, title: title, description: n.Description, status: n.Status, priority: prio,
		dueAt: utc(n.DueAt), createdBy: n.CreatedBy, assignees: assignees, tags: tags, version: 1,
		createdAt: now, updatedAt: now, assigneesChanged: true, tagsChanged: true}
	t.record(n.CreatedBy, now, TaskCreated{TaskID: t.id, Title: title, CreatedBy: n.CreatedBy,
		StatusID: n.Status.ID, AssigneeIDs: slices.Clone(assignees)})
	for _, u := range assignees {
		t.record(n.CreatedBy, now, TaskAssigned{TaskID: t.id, Title: title, UserID: u})
	}
	return t, nil
}

// TaskState is a stored task, for RehydrateTask.
type TaskState struct {
	ID          uuid.UUID
	Title       string
	Description *string
	Status      Status
	Priority    Priority
	DueAt       *time.Time
	CreatedBy   uuid.UUID
	AssigneeIDs []uuid.UUID
	Tags        []TagRef
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RehydrateTask rebuilds a stored task without recording events.
func RehydrateTask(s TaskState) *Task {
	return &Task{id: s.ID, title: s.Title, description: s.Description, status: s.Status, priority: s.Priority,
		dueAt: utc(s.DueAt), createdBy: s.CreatedBy, assignees: s.AssigneeIDs, tags: s.Tags, version: s.Version,
		createdAt: s.CreatedAt, updatedAt: s.UpdatedAt}
}

func (t *Task) ID() uuid.UUID            { return t.id }
func (t *Task) Title() string            { return t.title }
func (t *Task) Description() *string     { return t.description }
func (t *Task) Status() Status           { return t.status }
func (t *Task) Priority() Priority       { return t.priority }
func (t *Task) DueAt() *time.Time        { return t.dueAt }
func (t *Task) CreatedBy() uuid.UUID     { return t.createdBy }
func (t *Task) AssigneeIDs() []uuid.UUID { return t.assignees }
func (t *Task) Tags() []TagRef           { return t.tags }
func (t *Task) Version() int64           { return t.version }
func (t *Task) CreatedAt() time.Time     { return t.createdAt }
func (t *Task) UpdatedAt() time.Time     { return t.updatedAt }

// AssigneesChanged and TagsChanged tell the repository which sets to write.
func (t *Task) AssigneesChanged() bool { return t.assigneesChanged }
func (t *Task) TagsChanged() bool      { return t.tagsChanged }

// Events returns the events recorded since the task was built or loaded.
func (t *Task) Events() []Event { return t.events }

// IsAssigned reports whether user is an assignee.
func (t *Task) IsAssigned(user uuid.UUID) bool { return slices.Contains(t.assignees, user) }

// CheckEdit allows the creator, an assignee or an admin.
func (t *Task) CheckEdit(a kernel.Actor) error {
	if a.Admin || a.UserID == t.createdBy || t.IsAssigned(a.UserID) {
		return nil
	}
	return ErrNotAllowed
}

// CheckDelete allows the creator or an admin.
func (t *Task) CheckDelete(a kernel.Actor) error {
	if a.Admin || a.UserID == t.createdBy {
		return nil
	}
	return ErrDeleteDenied
}

// CheckVersion fails with a precondition error naming the current version
// when expected is given and differs from it.
func (t *Task) CheckVersion(expected *int64) error {
	if expected != nil && *expected != t.version {
		return StaleVersion(t.version)
	}
	return nil
}

// Patch is a partial update: an unset field stays unchanged. Status and
// Tags are resolved by the caller (nil: unchanged).
type Patch struct {
	Title       kernel.Optional[string]
	Description kernel.Optional[string]
	Status      *Status
	Priority    kernel.Optional[string]
	DueAt       kernel.Optional[time.Time]
	AssigneeIDs kernel.Optional[[]uuid.UUID] // null clears
	Tags        *[]TagRef
}

// Empty reports whether p names no field.
func (p Patch) Empty() bool {
	return !p.Title.Set && !p.Description.Set && p.Status == nil && !p.Priority.Set && !p.DueAt.Set &&
		!p.AssigneeIDs.Set && p.Tags == nil
}

// Apply validates and applies p as one change: the version increments and
// updated_at moves; TaskUpdated names the fields whose value changed,
// TaskStatusChanged, TaskAssigned and TaskUnassigned follow from it.
func (t *Task) Apply(p Patch, by uuid.UUID, now time.Time) error {
	if p.Empty() {
		return ErrNoChangeGiven
	}
	var v kernel.Validation
	title, description, prio, due := t.title, t.description, t.priority, t.dueAt
	if p.Title.Set {
		if p.Title.Null {
			v.Add("title", "must not be null")
		} else if s, err := NewTitle(p.Title.Value); !v.Merge(err) {
			title = s
		}
	}
	if p.Description.Set {
		description = p.Description.Ptr()
		v.Merge(checkDescription(description))
	}
	if p.Priority.Set {
		if p.Priority.Null {
			v.Add("priority", "must not be null")
		} else if pr, err := ParsePriority(p.Priority.Value); !v.Merge(err) {
			prio = pr
		}
	}
	if p.DueAt.Set {
		due = utc(p.DueAt.Ptr())
	}
	assignees := t.assignees
	if p.AssigneeIDs.Set {
		a, err := uniqueUsers(p.AssigneeIDs.Value)
		if !v.Merge(err) {
			assignees = a
		}
	}
	tags := t.tags
	if p.Tags != nil {
		tg, err := uniqueTags(*p.Tags)
		if !v.Merge(err) {
			tags = tg
		}
	}
	if err := v.Err(); err != nil {
		return err
	}

	var changed []string
	if title != t.title {
		changed = append(changed, "title")
	}
	if !equalPtr(description, t.description) {
		changed = append(changed, "description")
	}
	oldStatus := t.status
	if p.Status != nil && p.Status.ID != t.status.ID {
		changed = append(changed, "status_id")
		t.status = *p.Status
	}
	if prio != t.priority {
		changed = append(changed, "priority")
	}
	if !equalTime(due, t.dueAt) {
		changed = append(changed, "due_at")
	}
	added, removed := diff(t.assignees, assignees)
	if len(added)+len(removed) > 0 {
		changed = append(changed, "assignee_ids")
		t.assigneesChanged = true
	}
	if !sameTags(t.tags, tags) {
		changed = append(changed, "tags")
		t.tagsChanged = true
	}
	t.title, t.description, t.priority, t.dueAt, t.assignees, t.tags = title, description, prio, due, assignees, tags
	t.touch(now)
	if len(changed) > 0 {
		t.record(by, now, TaskUpdated{TaskID: t.id, Title: t.title, ChangedFields: changed, Version: t.version})
	}
	if oldStatus.ID != t.status.ID {
		t.record(by, now, TaskStatusChanged{TaskID: t.id, Title: t.title, From: oldStatus, To: t.status})
	}
	for _, u := range added {
		t.record(by, now, TaskAssigned{TaskID: t.id, Title: t.title, UserID: u})
	}
	for _, u := range removed {
		t.record(by, now, TaskUnassigned{TaskID: t.id, Title: t.title, UserID: u})
	}
	return nil
}

// Assign adds user to the assignees; it reports false (and changes
// nothing) when the user already is one.
func (t *Task) Assign(user, by uuid.UUID, now time.Time) (bool, error) {
	if t.IsAssigned(user) {
		return false, nil
	}
	if len(t.assignees) >= MaxAssignees {
		return false, kernel.Invalid("user_id", "a task has at most 20 assignees")
	}
	t.assignees = append(slices.Clone(t.assignees), user)
	t.assigneesChanged = true
	t.touch(now)
	t.record(by, now, TaskUpdated{TaskID: t.id, Title: t.title, ChangedFields: []string{"assignee_ids"}, Version: t.version})
	t.record(by, now, TaskAssigned{TaskID: t.id, Title: t.title, UserID: user})
	return true, nil
}

// Unassign removes user from the assignees; false when it was not one.
func (t *Task) Unassign(user, by uuid.UUID, now time.Time) bool {
	if !t.IsAssigned(user) {
		return false
	}
	t.assignees = slices.DeleteFunc(slices.Clone(t.assignees), func(u uuid.UUID) bool { return u == user })
	t.assigneesChanged = true
	t.touch(now)
	t.record(by, now, TaskUpdated{TaskID: t.id, Title: t.title, ChangedFields: []string{"assignee_ids"}, Version: t.version})
	t.record(by, now, TaskUnassigned{TaskID: t.id, Title: t.title, UserID: user})
	return true
}

// AddTag puts tag on the task; false when it already carries it.
func (t *Task) AddTag(tag TagRef, by uuid.UUID, now time.Time) (bool, error) {
	if slices.ContainsFunc(t.tags, func(r TagRef) bool { return r.ID == tag.ID }) {
		return false, nil
	}
	if len(t.tags) >= MaxTags {
		return false, kernel.Invalid("tag_id", "a task has at most 20 tags")
	}
	t.tags = append(slices.Clone(t.tags), tag)
	t.tagsChanged = true
	t.touch(now)
	t.record(by, now, TaskUpdated{TaskID: t.id, Title: t.title, ChangedFields: []string{"tags"}, Version: t.version})
	return true, nil
}

// RemoveTag takes tag off the task; false when it did not carry it.
func (t *Task) RemoveTag(tag uuid.UUID, by uuid.UUID, now time.Time) bool {
	if !slices.ContainsFunc(t.tags, func(r TagRef) bool { return r.ID == tag }) {
		return false
	}
	t.tags = slices.DeleteFunc(slices.Clone(t.tags), func(r TagRef) bool { return r.ID == tag })
	t.tagsChanged = true
	t.touch(now)
	t.record(by, now, TaskUpdated{TaskID: t.id, Title: t.title, ChangedFields: []string{"tags"}, Version: t.version})
	return true
}

// MarkDeleted records TaskDeleted; the repository removes the task.
func (t *Task) MarkDeleted(by uuid.UUID, now time.Time) {
	t.record(by, now, TaskDeleted{TaskID: t.id, Title: t.title, CreatedBy: t.createdBy})
}

// touch makes a new version; updated_at moves forward even when the clock
// did not.
func (t *Task) touch(now time.Time) {
	t.version++
	if !now.After(t.updatedAt) {
		now = t.updatedAt.Add(time.Microsecond)
	}
	t.updatedAt = now
}

func (t *Task) record(by uuid.UUID, at time.Time, payload any) {
	t.events = append(t.events, Event{Actor: by, At: at, Payload: payload})
}

func uniqueUsers(ids []uuid.UUID) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if id == uuid.Nil {
			return nil, kernel.Invalid("assignee_ids", "must be user ids")
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > MaxAssignees {
		return nil, kernel.Invalid("assignee_ids", "a task has at most 20 assignees")
	}
	return out, nil
}

func uniqueTags(tags []TagRef) ([]TagRef, error) {
	out := make([]TagRef, 0, len(tags))
	for _, tg := range tags {
		if !slices.ContainsFunc(out, func(r TagRef) bool { return r.ID == tg.ID }) {
			out = append(out, tg)
		}
	}
	if len(out) > MaxTags {
		return nil, kernel.Invalid("tag_ids", "a task has at most 20 tags")
	}
	return out, nil
}

// diff returns the ids of to that are not in from, and those of from not in to.
func diff(from, to []uuid.UUID) (added, removed []uuid.UUID) {
	for _, u := range to {
		if !slices.Contains(from, u) {
			added = append(added, u)
		}
	}
	for _, u := range from {
		if !slices.Contains(to, u) {
			removed = append(removed, u)
		}
	}
	return added, removed
}

func sameTags(a, b []TagRef) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.ContainsFunc(b, func(r TagRef) bool { return r.ID == x.ID }) {
			return false
		}
	}
	return true
}

func equalPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func equalTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

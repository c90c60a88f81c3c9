// Package ports declares the tasking context's boundaries: the use cases it
// offers (driving) and what those use cases need (driven).
package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/tasking/domain"
)

// ---- driving ----

// CreateTask is the input of Tasks.Create.
type CreateTask struct {
	Title       string
	Description *string
	StatusID    *int
	Priority    *string
	DueAt       *time.Time
	AssigneeIDs []uuid.UUID
	TagIDs      []uuid.UUID
}

// UpdateTask is the input of Tasks.Update: a partial update.
type UpdateTask struct {
	Title       kernel.Optional[string]
	Description kernel.Optional[string]
	StatusID    kernel.Optional[int]
	Priority    kernel.Optional[string]
	DueAt       kernel.Optional[time.Time]
	AssigneeIDs kernel.Optional[[]uuid.UUID]
	TagIDs      kernel.Optional[[]uuid.UUID]
	IfMatch     *int64
}

// Sort orders a task list.
type Sort string

const (
	SortCreatedAsc  Sort = "created_at"
	SortCreatedDesc Sort = "-created_at"
	SortUpdatedAsc  Sort = "updated_at"
	SortUpdatedDesc Sort = "-updated_at"
	SortDueAt       Sort = "due_at"
	SortPriority    Sort = "priority"
)

// Sorts are the valid sorts.
var Sorts = []Sort{SortCreatedAsc, SortCreatedDesc, SortUpdatedAsc, SortUpdatedDesc, SortDueAt, SortPriority}

// Position is a keyset position in a sorted list: the sort key of the last
// row seen and its id. Time is the key of the time sorts (nil for "no due
// date", which sorts last); Rank that of the priority sort.
type Position struct {
	Time *time.Time
	Rank int
	ID   uuid.UUID
}

// TaskFilter narrows a task list; zero fields do not filter.
type TaskFilter struct {
	StatusID   *int
	AssigneeID *uuid.UUID
	TagID      *uuid.UUID
	TagName    string
	CreatedBy  *uuid.UUID
	Query      string // raw user text; see the search adapter
	DueBefore  *time.Time
	DueAfter   *time.Time
}

// ListTasks is the input of Tasks.List.
type ListTasks struct {
	Filter TaskFilter
	Sort   Sort
	After  *Position
	Limit  int
}

// TaskPage is one page of tasks; Next is nil on the last page.
type TaskPage struct {
	Items []*domain.Task
	Next  *Position
}

// Tasks is the driving port of task use cases.
type Tasks interface {
	Statuses(ctx context.Context) ([]domain.Status, error)
	Create(ctx context.Context, a kernel.Actor, in CreateTask) (*domain.Task, error)
	Get(ctx context.Context, a kernel.Actor, id uuid.UUID) (*domain.Task, error)
	Update(ctx context.Context, a kernel.Actor, id uuid.UUID, in UpdateTask) (*domain.Task, error)
	Delete(ctx context.Context, a kernel.Actor, id uuid.UUID, ifMatch *int64) error
	List(ctx context.Context, a kernel.Actor, in ListTasks) (TaskPage, error)
	Assign(ctx context.Context, a kernel.Actor, id, user uuid.UUID, ifMatch *int64) (*domain.Task, error)
	Unassign(ctx context.Context, a kernel.Actor, id, user uuid.UUID, ifMatch *int64) (*domain.Task, error)
	AddTag(ctx context.Context, a kernel.Actor, id, tag uuid.UUID, ifMatch *int64) (*domain.Task, error)
	RemoveTag(ctx context.Context, a kernel.Actor, id, tag uuid.UUID, ifMatch *int64) (*domain.Task, error)
	UserDeleted(ctx context.Context, user uuid.UUID) error
	Creator(ctx context.Context, id uuid.UUID) (uuid.UUID, bool, error)
	Title(ctx context.Context, id uuid.UUID) (string, bool, error)
}

// TagPage is one page of tags ordered by name (any case); Next is the name
// of the last tag when there are more.
type TagPage struct {
	Items []*domain.Tag
	Next  string
}

// Tags is the driving port of tag use cases.
type Tags interface {
	Create(ctx context.Context, a kernel.Actor, name string, color *string) (*domain.Tag, error)
	List(ctx context.Context, after string, limit int) (TagPage, error)
	Delete(ctx context.Context, a kernel.Actor, id uuid.UUID) error
}

// ---- driven ----

// TaskRepository stores tasks. Create, Update and Delete publish the
// aggregate's recorded events in the same transaction as the change.
type TaskRepository interface {
	Create(ctx context.Context, t *domain.Task) error
	Get(ctx context.Context, id uuid.UUID) (*domain.Task, error)
	// Update loads the task locked for update, runs fn, and saves the task
	// unless fn fails or recorded no event and changed no version.
	Update(ctx context.Context, id uuid.UUID, fn func(*domain.Task) error) (*domain.Task, error)
	// Delete loads the task locked, runs fn, and deletes it unless fn fails.
	Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Task) error) error
	// List returns up to in.Limit+1 tasks (the extra one tells that there
	// is a next page).
	List(ctx context.Context, in ListTasks) ([]*domain.Task, error)
	// UnassignUser removes user from every task (idempotent) and makes a new
	// version of each task it was removed from.
	UnassignUser(ctx context.Context, user uuid.UUID, now time.Time) error
	Creator(ctx context.Context, id uuid.UUID) (uuid.UUID, bool, error)
	Title(ctx context.Context, id uuid.UUID) (string, bool, error)
}

// TagRepository stores tags.
type TagRepository interface {
	Create(ctx context.Context, t *domain.Tag) error
	// ByIDs returns the tags that exist among ids.
	ByIDs(ctx context.Context, ids []uuid.UUID) ([]*domain.Tag, error)
	// List returns up to limit+1 tags whose lower(name) sorts after lower(after).
	List(ctx context.Context, after string, limit int) ([]*domain.Tag, error)
	// Delete loads the tag, runs fn, and deletes it (off every task, whose
	// versions move) unless fn fails.
	Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Tag) error, now time.Time) error
}

// StatusCatalog reads the task statuses (reference data).
type StatusCatalog interface {
	All(ctx context.Context) ([]domain.Status, error)
	// Get returns the status with id, false when there is none.
	Get(ctx context.Context, id int) (domain.Status, bool, error)
}

// UserDirectory answers which users exist (the identity context).
type UserDirectory interface {
	MissingUsers(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error)
}

package domain

import (
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
)

// Source says why a user watches a task.
type Source string

const (
	SourceCreator   Source = "creator"
	SourceAssignee  Source = "assignee"
	SourceCommenter Source = "commenter"
	SourceManual    Source = "manual"
)

// Watcher is one user watching one task: notified of what happens to it.
type Watcher struct {
	taskID    uuid.UUID
	userID    uuid.UUID
	source    Source
	createdAt time.Time
}

// NewWatcher builds a watch.
func NewWatcher(task, user uuid.UUID, source Source, now time.Time) (Watcher, error) {
	var v kernel.Validation
	v.Check(task != uuid.Nil, "task_id", "is required")
	v.Check(user != uuid.Nil, "user_id", "is required")
	switch source {
	case SourceCreator, SourceAssignee, SourceCommenter, SourceManual:
	default:
		v.Add("source", "is not a watcher source")
	}
	if err := v.Err(); err != nil {
		return Watcher{}, err
	}
	return Watcher{taskID: task, userID: user, source: source, createdAt: now}, nil
}

// RehydrateWatcher rebuilds a stored watch.
func RehydrateWatcher(task, user uuid.UUID, source Source, createdAt time.Time) Watcher {
	return Watcher{taskID: task, userID: user, source: source, createdAt: createdAt}
}

func (w Watcher) TaskID() uuid.UUID    { return w.taskID }
func (w Watcher) UserID() uuid.UUID    { return w.userID }
func (w Watcher) Source() Source       { return w.source }
func (w Watcher) CreatedAt() time.Time { return w.createdAt }

// TaskEvent is the watcher-facing form of an event on a task: what its
// watchers were told. A watch stored late (deliveries are unordered) is
// owed the task events that came after the event that created it.
type TaskEvent struct {
	TaskID     uuid.UUID
	EventID    uuid.UUID
	Type       Type
	ActorID    uuid.UUID
	Text       string
	OccurredAt time.Time
}

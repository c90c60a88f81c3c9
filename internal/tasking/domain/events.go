package domain

import (
	"time"

	"github.com/google/uuid"
)

// Event is a recorded domain event: who acted, when, and what happened
// (one of the payload types below).
type Event struct {
	Actor   uuid.UUID
	At      time.Time
	Payload any
}

// TaskCreated: a task was created.
type TaskCreated struct {
	TaskID      uuid.UUID
	Title       string
	CreatedBy   uuid.UUID
	StatusID    int
	AssigneeIDs []uuid.UUID
}

// TaskUpdated: fields of a task changed.
type TaskUpdated struct {
	TaskID        uuid.UUID
	Title         string
	ChangedFields []string
	Version       int64
}

// TaskStatusChanged: a task moved between statuses.
type TaskStatusChanged struct {
	TaskID   uuid.UUID
	Title    string
	From, To Status
}

// TaskAssigned: a user became an assignee.
type TaskAssigned struct {
	TaskID uuid.UUID
	Title  string
	UserID uuid.UUID
}

// TaskUnassigned: a user stopped being an assignee.
type TaskUnassigned struct {
	TaskID uuid.UUID
	Title  string
	UserID uuid.UUID
}

// TaskDeleted: a task was deleted.
type TaskDeleted struct {
	TaskID    uuid.UUID
	Title     string
	CreatedBy uuid.UUID
}

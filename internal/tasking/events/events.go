// Package events is the tasking context's published language: the events
// other contexts may subscribe to. Plain structs, no logic. The acting user
// is the envelope's actor_id.
package events

import "github.com/google/uuid"

// Event types (the Envelope.Type of each payload below).
const (
	TypeTaskCreated       = "tasking.task_created"
	TypeTaskUpdated       = "tasking.task_updated"
	TypeTaskStatusChanged = "tasking.task_status_changed"
	TypeTaskAssigned      = "tasking.task_assigned"
	TypeTaskUnassigned    = "tasking.task_unassigned"
	TypeTaskDeleted       = "tasking.task_deleted"
)

// TaskCreated: a task was created.
type TaskCreated struct {
	TaskID      uuid.UUID   `json:"task_id"`
	Title       string      `json:"title"`
	CreatedBy   uuid.UUID   `json:"created_by"`
	StatusID    int         `json:"status_id"`
	AssigneeIDs []uuid.UUID `json:"assignee_ids"`
}

// TaskUpdated: fields of a task changed (status and assignee changes have
// their own events as well).
type TaskUpdated struct {
	TaskID        uuid.UUID `json:"task_id"`
	Title         string    `json:"title"`
	ChangedFields []string  `json:"changed_fields"`
	Version       int64     `json:"version"`
}

// TaskStatusChanged: a task moved from one status to another.
type TaskStatusChanged struct {
	TaskID       uuid.UUID `json:"task_id"`
	Title        string    `json:"title"`
	FromStatusID int       `json:"from_status_id"`
	ToStatusID   int       `json:"to_status_id"`
	FromStatus   string    `json:"from_status"` // status code, e.g. "todo"
	ToStatus     string    `json:"to_status"`
}

// TaskAssigned: a user was assigned to a task.
type TaskAssigned struct {
	TaskID uuid.UUID `json:"task_id"`
	Title  string    `json:"title"`
	UserID uuid.UUID `json:"user_id"`
}

// TaskUnassigned: a user was removed from a task's assignees.
type TaskUnassigned struct {
	TaskID uuid.UUID `json:"task_id"`
	Title  string    `json:"title"`
	UserID uuid.UUID `json:"user_id"`
}

// TaskDeleted: a task was deleted; other contexts drop what belongs to it.
type TaskDeleted struct {
	TaskID    uuid.UUID `json:"task_id"`
	Title     string    `json:"title"`
	CreatedBy uuid.UUID `json:"created_by"`
}

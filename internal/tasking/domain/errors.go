// Package domain is the tasking model: the Task aggregate with its title,
// status, priority, due date, assignees and tags; the Tag aggregate; the
// task statuses (reference data); the domain events a change records; and
// the typed errors.
package domain

import "tasktracker/internal/platform/kernel"

// Domain errors; the HTTP adapter maps their kinds to status codes.
var (
	ErrTaskNotFound  = kernel.NotFound("task_not_found", "task not found")
	ErrTagNotFound   = kernel.NotFound("tag_not_found", "tag not found")
	ErrTagNameTaken  = kernel.Conflict("tag_name_taken", "a tag with this name already exists")
	ErrNotAllowed    = kernel.Forbidden("task_forbidden", "only the task's creator, an assignee or an admin may change it")
	ErrDeleteDenied  = kernel.Forbidden("task_delete_forbidden", "only the task's creator or an admin may delete it")
	ErrTagDenied     = kernel.Forbidden("tag_delete_forbidden", "only the tag's creator or an admin may delete it")
	ErrVersionStale  = kernel.New(kernel.KindPrecondition, "version_mismatch", "the task has changed since the version given in If-Match")
	ErrNoChangeGiven = kernel.Invalid("body", "name at least one field to change")
)

// Limits of a task.
const (
	MaxTitle       = 200
	MaxDescription = 20000
	MaxAssignees   = 20
	MaxTags        = 20
	MaxTagName     = 50
)

// StaleVersion is ErrVersionStale naming the current version.
func StaleVersion(current int64) error {
	return ErrVersionStale.With("current_version", current)
}

// Package domain is the collaboration model: comments, attachments and time
// logs around a task, their invariants, and the events they record.
package domain

import "tasktracker/internal/platform/kernel"

// Domain errors; the HTTP adapter maps their kinds to status codes.
var (
	ErrTaskNotFound       = kernel.NotFound("task_not_found", "task not found")
	ErrUserNotFound       = kernel.NotFound("user_not_found", "user not found")
	ErrCommentNotFound    = kernel.NotFound("comment_not_found", "comment not found")
	ErrAttachmentNotFound = kernel.NotFound("attachment_not_found", "attachment not found")
	ErrTimeLogNotFound    = kernel.NotFound("time_log_not_found", "time log not found")
	ErrTimerNotRunning    = kernel.NotFound("timer_not_running", "no timer is running")
	ErrTimerRunning       = kernel.Conflict("timer_running", "a timer is already running; stop it first")

	ErrNotCommentAuthor  = kernel.Forbidden("not_comment_author", "only the author may edit this comment")
	ErrCannotDeleteComm  = kernel.Forbidden("not_comment_author", "only the author or an administrator may delete this comment")
	ErrNotTimeLogAuthor  = kernel.Forbidden("not_time_log_author", "only the author or an administrator may change this time log")
	ErrCannotDeleteFile  = kernel.Forbidden("not_attachment_owner", "only the uploader, the task's creator or an administrator may delete this attachment")
	ErrAttachmentTooBig  = kernel.New(kernel.KindTooLarge, "attachment_too_large", "the file is larger than the upload limit")
	ErrDigestMismatch    = kernel.Invalid("Content-Digest", "does not match the received content")
	ErrVersionMismatch   = kernel.New(kernel.KindPrecondition, "version_mismatch", "the resource has changed since you read it")
	ErrFileRequired      = kernel.Invalid("file", "a file part is required")
	ErrTaskIDRequired    = kernel.Invalid("task_id", "is required and must come before the file part")
	ErrUnknownFormField  = kernel.Invalid("body", "unknown form field")
	ErrTimeRangeTooLarge = kernel.Invalid("to", "the range from..to may span at most 366 days")
)

// checkVersion returns ErrVersionMismatch (with the current version) when
// expected is set and differs from current.
func checkVersion(expected *int64, current int64) error {
	if expected != nil && *expected != current {
		return ErrVersionMismatch.With("current_version", current)
	}
	return nil
}

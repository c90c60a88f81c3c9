// Package events is the collaboration context's published language: the
// events other contexts may subscribe to. Plain structs, no logic. The
// acting user is the envelope's actor_id.
package events

import "github.com/google/uuid"

// Event types (the Envelope.Type of each payload below).
const (
	TypeCommentAdded    = "collaboration.comment_added"
	TypeCommentEdited   = "collaboration.comment_edited"
	TypeAttachmentAdded = "collaboration.attachment_added"
	TypeTimeLogged      = "collaboration.time_logged"
)

// CommentAdded: a comment was posted on a task.
type CommentAdded struct {
	TaskID           uuid.UUID   `json:"task_id"`
	CommentID        uuid.UUID   `json:"comment_id"`
	AuthorID         uuid.UUID   `json:"author_id"`
	MentionedUserIDs []uuid.UUID `json:"mentioned_user_ids"`
	Excerpt          string      `json:"excerpt"` // the first 140 characters
}

// CommentEdited: a comment's body changed. NewlyMentionedUserIDs are the
// users mentioned now and not before.
type CommentEdited struct {
	TaskID                uuid.UUID   `json:"task_id"`
	CommentID             uuid.UUID   `json:"comment_id"`
	AuthorID              uuid.UUID   `json:"author_id"`
	MentionedUserIDs      []uuid.UUID `json:"mentioned_user_ids"`
	NewlyMentionedUserIDs []uuid.UUID `json:"newly_mentioned_user_ids"`
	Excerpt               string      `json:"excerpt"`
}

// AttachmentAdded: a file was attached to a task.
type AttachmentAdded struct {
	TaskID       uuid.UUID `json:"task_id"`
	AttachmentID uuid.UUID `json:"attachment_id"`
	UploadedBy   uuid.UUID `json:"uploaded_by"`
	Filename     string    `json:"filename"`
	Size         int64     `json:"size"`
	ContentType  string    `json:"content_type"`
}

// TimeLogged: time was logged on a task.
type TimeLogged struct {
	TaskID          uuid.UUID `json:"task_id"`
	TimeLogID       uuid.UUID `json:"time_log_id"`
	UserID          uuid.UUID `json:"user_id"`
	DurationSeconds int64     `json:"duration_seconds"`
}

package domain

import (
	"time"

	"github.com/google/uuid"
)

// Event is a domain event an aggregate recorded; the repository that saves
// the aggregate publishes it in the same transaction.
type Event interface {
	occurred() (actor uuid.UUID, at time.Time)
}

// CommentAdded: a comment was posted.
type CommentAdded struct {
	TaskID, CommentID, AuthorID uuid.UUID
	Mentioned                   []uuid.UUID
	Excerpt                     string
	At                          time.Time
}

// CommentEdited: a comment's body changed.
type CommentEdited struct {
	TaskID, CommentID, AuthorID, EditedBy uuid.UUID
	Mentioned, NewlyMentioned             []uuid.UUID
	Excerpt                               string
	At                                    time.Time
}

// AttachmentAdded: a file was attached.
type AttachmentAdded struct {
	TaskID, AttachmentID, UploadedBy uuid.UUID
	Filename, ContentType            string
	Size                             int64
	At                               time.Time
}

// TimeLogged: time was logged (directly or by stopping a timer).
type TimeLogged struct {
	TaskID, TimeLogID, UserID uuid.UUID
	DurationSeconds           int64
	At                        time.Time
}

func (e CommentAdded) occurred() (uuid.UUID, time.Time)    { return e.AuthorID, e.At }
func (e CommentEdited) occurred() (uuid.UUID, time.Time)   { return e.EditedBy, e.At }
func (e AttachmentAdded) occurred() (uuid.UUID, time.Time) { return e.UploadedBy, e.At }
func (e TimeLogged) occurred() (uuid.UUID, time.Time)      { return e.UserID, e.At }

// Actor and time of an event.
func EventActor(e Event) (uuid.UUID, time.Time) { return e.occurred() }

// recorder collects an aggregate's events.
type recorder struct{ events []Event }

func (r *recorder) record(e Event) { r.events = append(r.events, e) }

// Events returns the events recorded since the aggregate was built or
// rehydrated.
func (r *recorder) Events() []Event { return r.events }

// Package ports declares the collaboration context's boundaries: the use
// cases it offers (driving) and what those need (driven). Interfaces only.
package ports

import (
	"context"
	"io"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/platform/kernel"
)

// ---- driving ----

// Comments are the comment use cases.
type Comments interface {
	AddComment(ctx context.Context, by kernel.Actor, taskID uuid.UUID, body string) (*domain.Comment, error)
	ListComments(ctx context.Context, taskID uuid.UUID, page PageRequest) ([]*domain.Comment, *Keyset, error)
	EditComment(ctx context.Context, by kernel.Actor, id uuid.UUID, body string, ifMatch *int64) (*domain.Comment, error)
	DeleteComment(ctx context.Context, by kernel.Actor, id uuid.UUID) error
}

// Upload is one file being received.
type Upload struct {
	TaskID      uuid.UUID
	Filename    string
	ClaimedType string
	Body        io.Reader
	// WantSHA256, when set, is the digest the client announced for the
	// file; a mismatch is ErrDigestMismatch and nothing is kept.
	WantSHA256 []byte
	// BeforeCommit, when set, runs after the whole file was received and
	// before it is kept, with the file's SHA-256 (e.g. to check the
	// request's Content-Digest).
	BeforeCommit func(fileSHA256 []byte) error
}

// Attachments are the attachment use cases.
type Attachments interface {
	// CheckTask fails with ErrTaskNotFound unless the task exists.
	CheckTask(ctx context.Context, taskID uuid.UUID) error
	Upload(ctx context.Context, by kernel.Actor, u Upload) (*domain.Attachment, error)
	GetAttachment(ctx context.Context, id uuid.UUID) (*domain.Attachment, error)
	OpenAttachment(ctx context.Context, id uuid.UUID) (*domain.Attachment, io.ReadSeekCloser, error)
	ListAttachments(ctx context.Context, taskID uuid.UUID, page PageRequest) ([]*domain.Attachment, *Keyset, error)
	DeleteAttachment(ctx context.Context, by kernel.Actor, id uuid.UUID) error
}

// TimeSummary is the time logged on a task.
type TimeSummary struct {
	TotalSeconds int64
	PerUser      []UserTotal
}

// UserTotal is one user's share of a summary.
type UserTotal struct {
	UserID       uuid.UUID
	TotalSeconds int64
}

// DayTotal is the time logged on one UTC day.
type DayTotal struct {
	Date         string // YYYY-MM-DD
	TotalSeconds int64
}

// UserTimeReport is a user's time logs in a period with daily totals.
type UserTimeReport struct {
	From, To     time.Time
	Items        []*domain.TimeLog
	Days         []DayTotal
	TotalSeconds int64
}

// TimeLogs are the time-tracking use cases.
type TimeLogs interface {
	LogTime(ctx context.Context, by kernel.Actor, taskID uuid.UUID, span domain.Span, note *string) (*domain.TimeLog, error)
	ListTimeLogs(ctx context.Context, taskID uuid.UUID, page PageRequest) ([]*domain.TimeLog, *Keyset, error)
	UpdateTimeLog(ctx context.Context, by kernel.Actor, id uuid.UUID, ch domain.TimeLogChange, ifMatch *int64) (*domain.TimeLog, error)
	DeleteTimeLog(ctx context.Context, by kernel.Actor, id uuid.UUID) error
	TaskTimeSummary(ctx context.Context, taskID uuid.UUID) (TimeSummary, error)
	UserTimeLogs(ctx context.Context, userID uuid.UUID, from, to *time.Time) (UserTimeReport, error)
	StartTimer(ctx context.Context, by kernel.Actor, taskID uuid.UUID) (*domain.TimeLog, error)
	StopTimer(ctx context.Context, by kernel.Actor) (*domain.TimeLog, error)
	RunningTimer(ctx context.Context, by kernel.Actor) (*domain.TimeLog, error)
}

// Cleanup are the reactions to other contexts' events.
type Cleanup interface {
	// TaskDeleted removes everything of the task (idempotent).
	TaskDeleted(ctx context.Context, taskID uuid.UUID) error
	// UserDeleted applies the policy of docs/adr/collaboration-001.
	UserDeleted(ctx context.Context, userID uuid.UUID) error
	// ReleaseBlobs removes blob files whose rows are gone (idempotent).
	ReleaseBlobs(ctx context.Context, keys []string) error
}

// PageRequest asks for one page of a list in (time, id) order.
type PageRequest struct {
	Limit int
	After *Keyset
}

// Keyset is a position in a list ordered by (At, ID).
type Keyset struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"i"`
}

// ---- driven ----

// TaskLookup asks the tasking context whether a task exists and who
// created it.
type TaskLookup interface {
	TaskCreator(ctx context.Context, id uuid.UUID) (creator uuid.UUID, found bool, err error)
}

// UserDirectory asks the identity context about users.
type UserDirectory interface {
	UserIDsByUsername(ctx context.Context, usernames []string) (map[string]uuid.UUID, error)
	MissingUsers(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error)
}

// CommentRepository stores comments; Add and Update publish the recorded
// events in the same transaction.
type CommentRepository interface {
	Add(ctx context.Context, c *domain.Comment) error
	Get(ctx context.Context, id uuid.UUID) (*domain.Comment, error)
	// Update loads the comment for update, runs fn, saves it and publishes
	// its events, in one transaction.
	Update(ctx context.Context, id uuid.UUID, fn func(*domain.Comment) error) (*domain.Comment, error)
	// Delete loads the comment for update, runs fn and deletes it unless fn fails.
	Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Comment) error) error
	ListByTask(ctx context.Context, taskID uuid.UUID, page PageRequest) ([]*domain.Comment, error)
}

// AttachmentRepository stores attachment rows.
type AttachmentRepository interface {
	Add(ctx context.Context, a *domain.Attachment) error
	Get(ctx context.Context, id uuid.UUID) (*domain.Attachment, error)
	ListByTask(ctx context.Context, taskID uuid.UUID, page PageRequest) ([]*domain.Attachment, error)
	// Delete loads the row for update, runs fn, deletes it and schedules
	// the removal of its blob after commit.
	Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Attachment) error) error
}

// TimeLogRepository stores time logs and running timers.
type TimeLogRepository interface {
	Add(ctx context.Context, t *domain.TimeLog) error // ErrTimerRunning for a second running timer
	Update(ctx context.Context, id uuid.UUID, fn func(*domain.TimeLog) error) (*domain.TimeLog, error)
	Delete(ctx context.Context, id uuid.UUID, fn func(*domain.TimeLog) error) error
	ListByTask(ctx context.Context, taskID uuid.UUID, page PageRequest) ([]*domain.TimeLog, error)
	ListByUser(ctx context.Context, userID uuid.UUID, from, to time.Time) ([]*domain.TimeLog, error)
	Summary(ctx context.Context, taskID uuid.UUID) (TimeSummary, error)
	RunningTimer(ctx context.Context, userID uuid.UUID) (*domain.TimeLog, error)
	// StopTimer loads the user's running timer for update, runs fn, saves
	// and publishes; ErrTimerNotRunning when there is none.
	StopTimer(ctx context.Context, userID uuid.UUID, fn func(*domain.TimeLog) error) (*domain.TimeLog, error)
}

// TaskData removes what collaboration keeps about a task or a user.
type TaskData interface {
	// DeleteTask deletes the task's rows and schedules the removal of
	// its blobs after commit; deleting nothing is fine.
	DeleteTask(ctx context.Context, taskID uuid.UUID) error
	// StopUserTimers discards the running timers of a user.
	StopUserTimers(ctx context.Context, userID uuid.UUID) error
}

// BlobStore keeps attachment bytes under server-generated keys.
type BlobStore interface {
	// Create starts a new blob in a temporary place.
	Create(ctx context.Context) (BlobWriter, error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Delete removes a blob; a missing one is not an error.
	Delete(ctx context.Context, key string) error
}

// BlobWriter receives a blob's bytes. Exactly one of Commit and Abort
// must be called.
type BlobWriter interface {
	io.Writer
	// Commit makes the bytes durable (fsync) under a new key.
	Commit() (key string, err error)
	// Abort discards the bytes.
	Abort() error
}

// Package domain is the notification model: notifications addressed to one
// recipient, the watchers of a task, the audience of an event, and the texts.
package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
)

// Type says what a notification is about.
type Type string

const (
	TypeAssigned        Type = "assigned"
	TypeUnassigned      Type = "unassigned"
	TypeStatusChanged   Type = "status_changed"
	TypeCommentAdded    Type = "comment_added"
	TypeMentioned       Type = "mentioned"
	TypeAttachmentAdded Type = "attachment_added"
	TypeTaskDeleted     Type = "task_deleted"
)

// rank orders types by strength: when one event concerns a user for two
// reasons (a watcher who is also mentioned), the stronger type wins.
func (t Type) rank() int {
	if t == TypeMentioned {
		return 2
	}
	return 1
}

// MaxTextRunes bounds a notification's text.
const MaxTextRunes = 500

// Errors.
var (
	ErrNotificationNotFound = kernel.NotFound("notification_not_found", "notification not found")
	ErrTaskNotFound         = kernel.NotFound("task_not_found", "task not found")
	ErrSelfNotification     = kernel.New(kernel.KindInternal, "self_notification", "nobody is notified of their own action")
)

// Notification tells one recipient about one event.
type Notification struct {
	id          uuid.UUID
	recipientID uuid.UUID
	eventID     uuid.UUID
	typ         Type
	taskID      uuid.UUID
	actorID     uuid.UUID // uuid.Nil when the system acted
	text        string
	readAt      *time.Time
	createdAt   time.Time
}

// NewNotification builds an unread notification. The actor is never its own
// recipient.
func NewNotification(id, recipient, event uuid.UUID, typ Type, task, actor uuid.UUID, text string, now time.Time) (Notification, error) {
	if recipient == actor {
		return Notification{}, ErrSelfNotification
	}
	var v kernel.Validation
	v.Check(id != uuid.Nil, "id", "is required")
	v.Check(recipient != uuid.Nil, "recipient_id", "is required")
	v.Check(event != uuid.Nil, "event_id", "is required")
	v.Check(task != uuid.Nil, "task_id", "is required")
	v.Check(typ != "", "type", "is required")
	text = truncate(strings.TrimSpace(text), MaxTextRunes)
	v.Check(text != "", "text", "is required")
	if err := v.Err(); err != nil {
		return Notification{}, err
	}
	return Notification{id: id, recipientID: recipient, eventID: event, typ: typ, taskID: task,
		actorID: actor, text: text, createdAt: now}, nil
}

// RehydrateNotification rebuilds a stored notification.
func RehydrateNotification(id, recipient, event uuid.UUID, typ Type, task, actor uuid.UUID, text string, readAt *time.Time, createdAt time.Time) Notification {
	return Notification{id: id, recipientID: recipient, eventID: event, typ: typ, taskID: task,
		actorID: actor, text: text, readAt: readAt, createdAt: createdAt}
}

func (n Notification) ID() uuid.UUID          { return n.id }
func (n Notification) RecipientID() uuid.UUID { return n.recipientID }
func (n Notification) EventID() uuid.UUID     { return n.eventID }
func (n Notification) Type() Type             { return n.typ }
func (n Notification) TaskID() uuid.UUID      { return n.taskID }
func (n Notification) ActorID() uuid.UUID     { return n.actorID }
func (n Notification) Text() string           { return n.text }
func (n Notification) ReadAt() *time.Time     { return n.readAt }
func (n Notification) CreatedAt() time.Time   { return n.createdAt }
func (n Notification) Read() bool             { return n.readAt != nil }

// MarkRead marks the notification read at now; reading it again keeps the
// first time. It reports whether anything changed.
func (n *Notification) MarkRead(now time.Time) bool {
	if n.readAt != nil {
		return false
	}
	n.readAt = &now
	return true
}

func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// IDFloor is the smallest UUIDv7 of the millisecond of t: every id made at
// or after t sorts above it (notification ids are UUIDv7, time-ordered).
func IDFloor(t time.Time) uuid.UUID {
	var id uuid.UUID
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		id[i] = byte(ms >> (40 - 8*i))
	}
	id[6] = 0x70 // version 7
	id[8] = 0x80 // RFC 4122 variant
	return id
}

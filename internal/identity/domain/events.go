package domain

import (
	"time"

	"github.com/google/uuid"
)

// Event is something that happened to a user, recorded by the aggregate and
// published by the repository in the transaction that saves it.
type Event interface{ isEvent() }

// Registered: the user was created.
type Registered struct {
	UserID uuid.UUID
	At     time.Time
}

// Updated: profile fields or the role changed.
type Updated struct {
	UserID        uuid.UUID
	ChangedFields []string
	At            time.Time
}

// Deleted: the user was deleted.
type Deleted struct {
	UserID   uuid.UUID
	Username string
	At       time.Time
}

func (Registered) isEvent() {}
func (Updated) isEvent()    {}
func (Deleted) isEvent()    {}

// PullEvents returns the recorded events and forgets them.
func (u *User) PullEvents() []Event {
	e := u.events
	u.events = nil
	return e
}

func (u *User) record(e Event) { u.events = append(u.events, e) }

// MarkDeleted records the deletion.
func (u *User) MarkDeleted(now time.Time) {
	u.record(Deleted{UserID: u.id, Username: u.username, At: now})
}

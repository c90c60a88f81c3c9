// Package ports declares what the notification context offers (driving
// ports: the inbox, watching, the live stream) and what it needs (driven
// ports: storage, the local projections, the task and session lookups, the
// live feed).
package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/notification/domain"
	"tasktracker/internal/platform/kernel"
)

// ---- driving ports ----

// InboxQuery selects a page of the inbox, newest first.
type InboxQuery struct {
	UnreadOnly bool
	Before     *uuid.UUID // keyset: only ids below this one
	Limit      int
}

// Inbox is the recipient's view of their notifications.
type Inbox interface {
	List(ctx context.Context, actor kernel.Actor, q InboxQuery) (items []domain.Notification, more bool, err error)
	UnreadCount(ctx context.Context, actor kernel.Actor) (int, error)
	MarkRead(ctx context.Context, actor kernel.Actor, id uuid.UUID) (domain.Notification, error)
	MarkAllRead(ctx context.Context, actor kernel.Actor) (int, error)
}

// WatcherCursor is the keyset position in a task's watcher list.
type WatcherCursor struct {
	CreatedAt time.Time `json:"c"`
	UserID    uuid.UUID `json:"u"`
}

// Watching manages who watches a task.
type Watching interface {
	Watch(ctx context.Context, actor kernel.Actor, taskID uuid.UUID) error
	Unwatch(ctx context.Context, actor kernel.Actor, taskID uuid.UUID) error
	Watchers(ctx context.Context, actor kernel.Actor, taskID uuid.UUID, after *WatcherCursor, limit int) (items []domain.Watcher, more bool, err error)
}

// StreamWriter is where a live stream writes: the HTTP adapter frames
// notifications and heartbeats as server-sent events.
type StreamWriter interface {
	// Open starts the stream; it is called once the stream receives live
	// notifications, before any replay.
	Open() error
	Notification(n domain.Notification) error
	Heartbeat() error
}

// Live runs a recipient's live stream until ctx ends, the writer fails or
// the session ends. lastEventID, when set, replays what came after it first.
type Live interface {
	Stream(ctx context.Context, actor kernel.Actor, lastEventID *uuid.UUID, w StreamWriter) error
}

// ---- driven ports ----

// Watchers stores who watches which task.
type Watchers interface {
	// LockTask serialises, until the transaction ends, the changes to the
	// tasks' watchers and what is derived from them.
	LockTask(ctx context.Context, taskIDs ...uuid.UUID) error
	// AddWatchers stores watches and returns those that are new: users who
	// now watch and did not before. An existing watch stays as it is; an
	// unwatch newer than the watch's time stands.
	AddWatchers(ctx context.Context, ws ...domain.Watcher) ([]domain.Watcher, error)
	// Unwatch records that the user stopped watching the task at at.
	Unwatch(ctx context.Context, taskID, userID uuid.UUID, at time.Time) error
	WatcherIDs(ctx context.Context, taskID uuid.UUID) ([]uuid.UUID, error)
	ListWatchers(ctx context.Context, taskID uuid.UUID, after *WatcherCursor, limit int) ([]domain.Watcher, error)
	DropTaskWatchers(ctx context.Context, taskID uuid.UUID) error
}

// Notifications stores notifications. Add skips those whose (event,
// recipient) exists already, announces each one it stored to live streams
// once the transaction commits, and returns them.
type Notifications interface {
	Add(ctx context.Context, ns ...domain.Notification) ([]domain.Notification, error)
	List(ctx context.Context, recipient uuid.UUID, q InboxQuery) ([]domain.Notification, error)
	// After lists the recipient's notifications with ids above after,
	// oldest first (the replay of a stream).
	After(ctx context.Context, recipient, after uuid.UUID, limit int) ([]domain.Notification, error)
	UnreadCount(ctx context.Context, recipient uuid.UUID) (int, error)
	Update(ctx context.Context, recipient, id uuid.UUID, fn func(*domain.Notification) error) (domain.Notification, error)
	MarkAllRead(ctx context.Context, recipient uuid.UUID, now time.Time) (int, error)
	// DropRecipient removes the user's notifications and watches.
	DropRecipient(ctx context.Context, userID uuid.UUID) error
}

// Directory is the local projection of task titles and usernames, fed by
// events, so texts can name them.
type Directory interface {
	PutTasks(ctx context.Context, ts ...TaskRef) error
	// MarkTaskDeleted keeps a tombstone of the task (and its title).
	MarkTaskDeleted(ctx context.Context, taskID uuid.UUID, title string) error
	// DeletedTasks returns those of the tasks that have a tombstone.
	DeletedTasks(ctx context.Context, taskIDs ...uuid.UUID) ([]uuid.UUID, error)
	TaskTitle(ctx context.Context, taskID uuid.UUID) (string, error) // "" when unknown
	PutUser(ctx context.Context, userID uuid.UUID, username, displayName string) error
	DropUser(ctx context.Context, userID uuid.UUID) error
	Username(ctx context.Context, userID uuid.UUID) (string, error) // "" when unknown
}

// TaskRef is a task's title, as the Directory keeps it.
type TaskRef struct {
	TaskID uuid.UUID
	Title  string
}

// TaskCursor names a point in a task's event log: after EventID.
type TaskCursor struct{ TaskID, EventID uuid.UUID }

// TaskLog keeps the watcher-facing form of the events on each task, so a
// watch stored late can catch up.
type TaskLog interface {
	Record(ctx context.Context, e domain.TaskEvent) error
	// EventsAfter lists, for each cursor, its task's events after its
	// event (each event once; by task, then in UUIDv7 order).
	EventsAfter(ctx context.Context, after ...TaskCursor) ([]domain.TaskEvent, error)
	DropTaskEvents(ctx context.Context, taskID uuid.UUID) error
}

// TaskLookup asks the tasking context whether a task exists.
type TaskLookup interface {
	TaskCreator(ctx context.Context, id uuid.UUID) (creator uuid.UUID, found bool, err error)
	TaskTitle(ctx context.Context, id uuid.UUID) (title string, found bool, err error)
}

// Sessions asks the identity context whether a session is still valid.
type Sessions interface {
	SessionActive(ctx context.Context, sessionID uuid.UUID) (bool, error)
}

// Feed is the in-process fan-out of new notifications to open streams.
type Feed interface {
	// Subscribe registers a stream of recipient. Live notifications arrive on
	// C; a signal on Resync means some may have been missed (the stream was
	// too slow, or the listener reconnected) and the stream should catch up
	// from storage; Done closes when the feed shuts down.
	Subscribe(recipient uuid.UUID) Subscription
}

// Subscription is one open stream's view of the feed.
type Subscription interface {
	C() <-chan domain.Notification
	Resync() <-chan struct{}
	Done() <-chan struct{}
	Close()
}

// FeedSink is where the storage listener hands the notifications that any
// instance committed.
type FeedSink interface {
	Publish(n domain.Notification)
	// Resync tells every open stream it may have missed notifications (the
	// listener (re)connected) and should catch up from storage.
	Resync()
}

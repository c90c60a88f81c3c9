// Package app implements the notification use cases: the inbox, watching,
// the reactions to other contexts' events, and the live stream.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/notification/domain"
	"tasktracker/internal/notification/ports"
	"tasktracker/internal/platform/kernel"
)

// Deps are the driven ports the use cases need.
type Deps struct {
	Watchers      ports.Watchers
	Notifications ports.Notifications
	Directory     ports.Directory
	TaskLog       ports.TaskLog
	Tasks         ports.TaskLookup
	Sessions      ports.Sessions
	Feed          ports.Feed
	Clock         kernel.Clock
	IDs           kernel.IDs
	Logger        *slog.Logger
	Heartbeat     time.Duration // of live streams (default 25s)
}

// Service implements ports.Inbox, ports.Watching and ports.Live.
type Service struct{ d Deps }

var (
	_ ports.Inbox    = (*Service)(nil)
	_ ports.Watching = (*Service)(nil)
	_ ports.Live     = (*Service)(nil)
)

// New builds the service.
func New(d Deps) *Service {
	if d.Heartbeat <= 0 {
		d.Heartbeat = 25 * time.Second
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Service{d: d}
}

// ---- inbox ----

func (s *Service) List(ctx context.Context, actor kernel.Actor, q ports.InboxQuery) ([]domain.Notification, bool, error) {
	limit := q.Limit
	q.Limit = limit + 1
	items, err := s.d.Notifications.List(ctx, actor.UserID, q)
	if err != nil {
		return nil, false, err
	}
	if len(items) > limit {
		return items[:limit], true, nil
	}
	return items, false, nil
}

func (s *Service) UnreadCount(ctx context.Context, actor kernel.Actor) (int, error) {
	return s.d.Notifications.UnreadCount(ctx, actor.UserID)
}

// MarkRead marks one of the actor's notifications read (again: no change).
// Someone else's notification is not found.
func (s *Service) MarkRead(ctx context.Context, actor kernel.Actor, id uuid.UUID) (domain.Notification, error) {
	now := s.d.Clock.Now()
	return s.d.Notifications.Update(ctx, actor.UserID, id, func(n *domain.Notification) error {
		n.MarkRead(now)
		return nil
	})
}

func (s *Service) MarkAllRead(ctx context.Context, actor kernel.Actor) (int, error) {
	return s.d.Notifications.MarkAllRead(ctx, actor.UserID, s.d.Clock.Now())
}

// ---- watching ----

func (s *Service) taskMustExist(ctx context.Context, taskID uuid.UUID) error {
	_, found, err := s.d.Tasks.TaskCreator(ctx, taskID)
	if err != nil {
		return err
	}
	if !found {
		return domain.ErrTaskNotFound
	}
	return nil
}

// Watch makes the actor watch the task; watching it already changes nothing.
func (s *Service) Watch(ctx context.Context, actor kernel.Actor, taskID uuid.UUID) error {
	if err := s.taskMustExist(ctx, taskID); err != nil {
		return err
	}
	w, err := domain.NewWatcher(taskID, actor.UserID, domain.SourceManual, s.d.Clock.Now())
	if err != nil {
		return err
	}
	_, err = s.d.Watchers.AddWatchers(ctx, w)
	return err
}

// Unwatch stops the actor watching the task (not watching it is fine).
func (s *Service) Unwatch(ctx context.Context, actor kernel.Actor, taskID uuid.UUID) error {
	if err := s.taskMustExist(ctx, taskID); err != nil {
		return err
	}
	return s.d.Watchers.Unwatch(ctx, taskID, actor.UserID, s.d.Clock.Now())
}

// Watchers lists a task's watchers, oldest watch first.
func (s *Service) Watchers(ctx context.Context, actor kernel.Actor, taskID uuid.UUID, after *ports.WatcherCursor, limit int) ([]domain.Watcher, bool, error) {
	if err := s.taskMustExist(ctx, taskID); err != nil {
		return nil, false, err
	}
	items, err := s.d.Watchers.ListWatchers(ctx, taskID, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	if len(items) > limit {
		return items[:limit], true, nil
	}
	return items, false, nil
}

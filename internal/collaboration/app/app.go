// Package app implements the collaboration use cases on the domain and the
// driven ports. Authorization decisions are made here and in the domain.
package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/google/uuid"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/kernel"
)

// Service implements ports.Comments, ports.Attachments, ports.TimeLogs and
// ports.Cleanup.
type Service struct {
	Tasks       ports.TaskLookup
	Users       ports.UserDirectory
	Comments    ports.CommentRepository
	Attachments ports.AttachmentRepository
	TimeLogs    ports.TimeLogRepository
	TaskData    ports.TaskData
	Blobs       ports.BlobStore
	Clock       kernel.Clock
	IDs         kernel.IDs
	Logger      *slog.Logger
	// MaxBytes is the largest attachment.
	MaxBytes int64
}

var (
	_ ports.Comments    = (*Service)(nil)
	_ ports.Attachments = (*Service)(nil)
	_ ports.TimeLogs    = (*Service)(nil)
	_ ports.Cleanup     = (*Service)(nil)
)

// taskCreator returns the creator of an existing task, or ErrTaskNotFound.
func (s *Service) taskCreator(ctx context.Context, taskID uuid.UUID) (uuid.UUID, error) {
	creator, found, err := s.Tasks.TaskCreator(ctx, taskID)
	if err != nil {
		return uuid.Nil, err
	}
	if !found {
		return uuid.Nil, domain.ErrTaskNotFound
	}
	return creator, nil
}

// CheckTask implements ports.Attachments.
func (s *Service) CheckTask(ctx context.Context, taskID uuid.UUID) error {
	_, err := s.taskCreator(ctx, taskID)
	return err
}

// liveTask fails with notFound when the task of a row is gone (its
// TaskDeleted is not processed yet): the row is as good as deleted.
func (s *Service) liveTask(ctx context.Context, taskID uuid.UUID, notFound error) error {
	err := s.CheckTask(ctx, taskID)
	if errors.Is(err, domain.ErrTaskNotFound) {
		return notFound
	}
	return err
}

// page runs a list query for one more item than asked and returns the next
// position when there is more.
func page[T any](items []T, limit int, key func(T) ports.Keyset) ([]T, *ports.Keyset) {
	if len(items) <= limit {
		return items, nil
	}
	items = items[:limit]
	k := key(items[len(items)-1])
	return items, &k
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

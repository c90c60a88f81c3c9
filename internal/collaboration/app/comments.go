package app

import (
	"context"

	"github.com/google/uuid"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/kernel"
)

// mentions resolves the @names of body to user ids; unknown names are
// ignored.
func (s *Service) mentions(ctx context.Context, body string) ([]uuid.UUID, error) {
	names := domain.MentionedUsernames(body)
	if len(names) == 0 {
		return nil, nil
	}
	byName, err := s.Users.UserIDsByUsername(ctx, names)
	if err != nil {
		return nil, err
	}
	var ids []uuid.UUID
	for _, n := range names {
		if id, ok := byName[n]; ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// AddComment implements ports.Comments.
func (s *Service) AddComment(ctx context.Context, by kernel.Actor, taskID uuid.UUID, body string) (*domain.Comment, error) {
	if _, err := domain.CommentBody(body); err != nil {
		return nil, err
	}
	if _, err := s.taskCreator(ctx, taskID); err != nil {
		return nil, err
	}
	ids, err := s.mentions(ctx, body)
	if err != nil {
		return nil, err
	}
	c, err := domain.NewComment(s.IDs.New(), taskID, by.UserID, body, ids, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	if err := s.Comments.Add(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// ListComments implements ports.Comments: oldest first.
func (s *Service) ListComments(ctx context.Context, taskID uuid.UUID, p ports.PageRequest) ([]*domain.Comment, *ports.Keyset, error) {
	if _, err := s.taskCreator(ctx, taskID); err != nil {
		return nil, nil, err
	}
	items, err := s.Comments.ListByTask(ctx, taskID, ports.PageRequest{Limit: p.Limit + 1, After: p.After})
	if err != nil {
		return nil, nil, err
	}
	items, next := page(items, p.Limit, func(c *domain.Comment) ports.Keyset {
		return ports.Keyset{At: c.CreatedAt(), ID: c.ID()}
	})
	return items, next, nil
}

// EditComment implements ports.Comments (author only).
func (s *Service) EditComment(ctx context.Context, by kernel.Actor, id uuid.UUID, body string, ifMatch *int64) (*domain.Comment, error) {
	if _, err := domain.CommentBody(body); err != nil {
		return nil, err
	}
	ids, err := s.mentions(ctx, body)
	if err != nil {
		return nil, err
	}
	return s.Comments.Update(ctx, id, func(c *domain.Comment) error {
		if err := s.liveTask(ctx, c.TaskID(), domain.ErrCommentNotFound); err != nil {
			return err
		}
		return c.Edit(by, body, ids, ifMatch, s.Clock.Now())
	})
}

// DeleteComment implements ports.Comments (author or admin).
func (s *Service) DeleteComment(ctx context.Context, by kernel.Actor, id uuid.UUID) error {
	return s.Comments.Delete(ctx, id, func(c *domain.Comment) error {
		if err := s.liveTask(ctx, c.TaskID(), domain.ErrCommentNotFound); err != nil {
			return err
		}
		return c.CheckDelete(by)
	})
}

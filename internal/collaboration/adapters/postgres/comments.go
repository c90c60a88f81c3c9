package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/postgres"
)

// Comments implements ports.CommentRepository.
type Comments struct{ base }

var _ ports.CommentRepository = (*Comments)(nil)

const commentCols = `id, task_id, author_id, body, mentioned_user_ids, version, created_at, updated_at, edited_at`

func scanComment(row pgx.Row) (*domain.Comment, error) {
	var (
		id, task, author     uuid.UUID
		body                 string
		mentions             []uuid.UUID
		version              int64
		createdAt, updatedAt time.Time
		editedAt             *time.Time
	)
	if err := row.Scan(&id, &task, &author, &body, &mentions, &version, &createdAt, &updatedAt, &editedAt); err != nil {
		return nil, err
	}
	return domain.RehydrateComment(id, task, author, body, mentions, version, createdAt, updatedAt, editedAt), nil
}

// Add implements ports.CommentRepository.
func (r *Comments) Add(ctx context.Context, c *domain.Comment) error {
	return r.runner.InTx(ctx, func(ctx context.Context) error {
		_, err := r.runner.Conn(ctx).Exec(ctx, `INSERT INTO collaboration.comment (`+commentCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.ID(), c.TaskID(), c.AuthorID(), c.Body(), c.Mentions(), c.Version(), c.CreatedAt(), c.UpdatedAt(), c.EditedAt())
		if err != nil {
			return postgres.MapError(err)
		}
		return r.publish(ctx, c.Events())
	})
}

// Get implements ports.CommentRepository.
func (r *Comments) Get(ctx context.Context, id uuid.UUID) (*domain.Comment, error) {
	c, err := scanComment(r.runner.Conn(ctx).QueryRow(ctx,
		`SELECT `+commentCols+` FROM collaboration.comment WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, domain.ErrCommentNotFound)
	}
	return c, nil
}

func (r *Comments) lock(ctx context.Context, id uuid.UUID) (*domain.Comment, error) {
	c, err := scanComment(r.runner.Conn(ctx).QueryRow(ctx,
		`SELECT `+commentCols+` FROM collaboration.comment WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return nil, notFound(err, domain.ErrCommentNotFound)
	}
	return c, nil
}

// Update implements ports.CommentRepository.
func (r *Comments) Update(ctx context.Context, id uuid.UUID, fn func(*domain.Comment) error) (*domain.Comment, error) {
	var out *domain.Comment
	err := r.runner.InTx(ctx, func(ctx context.Context) error {
		c, err := r.lock(ctx, id)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		if _, err := r.runner.Conn(ctx).Exec(ctx, `UPDATE collaboration.comment
			SET body = $2, mentioned_user_ids = $3, version = $4, updated_at = $5, edited_at = $6 WHERE id = $1`,
			id, c.Body(), c.Mentions(), c.Version(), c.UpdatedAt(), c.EditedAt()); err != nil {
			return postgres.MapError(err)
		}
		out = c
		return r.publish(ctx, c.Events())
	})
	return out, err
}

// Delete implements ports.CommentRepository.
func (r *Comments) Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Comment) error) error {
	return r.runner.InTx(ctx, func(ctx context.Context) error {
		c, err := r.lock(ctx, id)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		_, err = r.runner.Conn(ctx).Exec(ctx, `DELETE FROM collaboration.comment WHERE id = $1`, id)
		return postgres.MapError(err)
	})
}

// ListByTask implements ports.CommentRepository: oldest first.
func (r *Comments) ListByTask(ctx context.Context, taskID uuid.UUID, p ports.PageRequest) ([]*domain.Comment, error) {
	at, id := after(p.After)
	return queryAll(ctx, r.runner.Conn(ctx), scanComment, `SELECT `+commentCols+` FROM collaboration.comment
		WHERE task_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
		ORDER BY created_at, id LIMIT $4`, taskID, at, id, p.Limit)
}

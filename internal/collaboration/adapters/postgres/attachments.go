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

// Attachments implements ports.AttachmentRepository.
type Attachments struct{ base }

var _ ports.AttachmentRepository = (*Attachments)(nil)

const attachmentCols = `id, task_id, uploaded_by, filename, content_type, claimed_content_type, size_bytes, sha256, blob_key, created_at`

func scanAttachment(row pgx.Row) (*domain.Attachment, error) {
	var (
		id, task, by     uuid.UUID
		name, ctype, key string
		claimed          *string
		size             int64
		sum              []byte
		createdAt        time.Time
		sha              [32]byte
	)
	if err := row.Scan(&id, &task, &by, &name, &ctype, &claimed, &size, &sum, &key, &createdAt); err != nil {
		return nil, err
	}
	copy(sha[:], sum)
	var c string
	if claimed != nil {
		c = *claimed
	}
	return domain.RehydrateAttachment(id, task, by, name, ctype, c, size, sha, key, createdAt), nil
}

// Add implements ports.AttachmentRepository.
func (r *Attachments) Add(ctx context.Context, a *domain.Attachment) error {
	return r.runner.InTx(ctx, func(ctx context.Context) error {
		var claimed *string
		if c := a.ClaimedType(); c != "" {
			claimed = &c
		}
		sum := a.SHA256()
		_, err := r.runner.Conn(ctx).Exec(ctx, `INSERT INTO collaboration.attachment (`+attachmentCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			a.ID(), a.TaskID(), a.UploadedBy(), a.Filename(), a.ContentType(), claimed, a.Size(), sum[:], a.BlobKey(), a.CreatedAt())
		if err != nil {
			return postgres.MapError(err)
		}
		return r.publish(ctx, a.Events())
	})
}

// Get implements ports.AttachmentRepository.
func (r *Attachments) Get(ctx context.Context, id uuid.UUID) (*domain.Attachment, error) {
	a, err := scanAttachment(r.runner.Conn(ctx).QueryRow(ctx,
		`SELECT `+attachmentCols+` FROM collaboration.attachment WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, domain.ErrAttachmentNotFound)
	}
	return a, nil
}

// ListByTask implements ports.AttachmentRepository: oldest first.
func (r *Attachments) ListByTask(ctx context.Context, taskID uuid.UUID, p ports.PageRequest) ([]*domain.Attachment, error) {
	at, id := after(p.After)
	return queryAll(ctx, r.runner.Conn(ctx), scanAttachment, `SELECT `+attachmentCols+` FROM collaboration.attachment
		WHERE task_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
		ORDER BY created_at, id LIMIT $4`, taskID, at, id, p.Limit)
}

// Delete implements ports.AttachmentRepository.
func (r *Attachments) Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Attachment) error) error {
	return r.runner.InTx(ctx, func(ctx context.Context) error {
		a, err := scanAttachment(r.runner.Conn(ctx).QueryRow(ctx,
			`SELECT `+attachmentCols+` FROM collaboration.attachment WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return notFound(err, domain.ErrAttachmentNotFound)
		}
		if err := fn(a); err != nil {
			return err
		}
		if _, err := r.runner.Conn(ctx).Exec(ctx, `DELETE FROM collaboration.attachment WHERE id = $1`, id); err != nil {
			return postgres.MapError(err)
		}
		return r.releaseBlobs(ctx, []string{a.BlobKey()})
	})
}

// TaskData implements ports.TaskData.
type TaskData struct{ base }

var _ ports.TaskData = (*TaskData)(nil)

// DeleteTask implements ports.TaskData.
func (r *TaskData) DeleteTask(ctx context.Context, taskID uuid.UUID) error {
	return r.runner.InTx(ctx, func(ctx context.Context) error {
		db := r.runner.Conn(ctx)
		rows, err := db.Query(ctx, `DELETE FROM collaboration.attachment WHERE task_id = $1 RETURNING blob_key`, taskID)
		if err != nil {
			return postgres.MapError(err)
		}
		keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return postgres.MapError(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM collaboration.comment WHERE task_id = $1`, taskID); err != nil {
			return postgres.MapError(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM collaboration.time_log WHERE task_id = $1`, taskID); err != nil {
			return postgres.MapError(err)
		}
		return r.releaseBlobs(ctx, keys)
	})
}

// StopUserTimers implements ports.TaskData.
func (r *TaskData) StopUserTimers(ctx context.Context, userID uuid.UUID) error {
	_, err := r.runner.Conn(ctx).Exec(ctx, `DELETE FROM collaboration.time_log WHERE user_id = $1 AND ended_at IS NULL`, userID)
	return postgres.MapError(err)
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/tasking/domain"
	"tasktracker/internal/tasking/ports"
)

// Tags is the PostgreSQL TagRepository.
type Tags struct{ Runner postgres.TxRunner }

var _ ports.TagRepository = (*Tags)(nil)

var tagConstraints = postgres.Constraints{"tag_name_key": domain.ErrTagNameTaken}

const tagColumns = `id, name, color, created_by, created_at`

func scanTag(row pgx.Row) (*domain.Tag, error) {
	var id, by uuid.UUID
	var name string
	var color *string
	var at time.Time
	if err := row.Scan(&id, &name, &color, &by, &at); err != nil {
		return nil, err
	}
	return domain.RehydrateTag(id, name, color, by, at.UTC()), nil
}

// Create inserts a tag; a name taken in any case is ErrTagNameTaken.
func (r *Tags) Create(ctx context.Context, t *domain.Tag) error {
	_, err := r.Runner.Conn(ctx).Exec(ctx, `INSERT INTO tasking.tag (`+tagColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		t.ID(), t.Name(), t.Color(), t.CreatedBy(), t.CreatedAt())
	return postgres.MapError(err, tagConstraints)
}

// ByIDs returns the tags among ids that exist.
func (r *Tags) ByIDs(ctx context.Context, ids []uuid.UUID) ([]*domain.Tag, error) {
	return r.query(ctx, `SELECT `+tagColumns+` FROM tasking.tag WHERE id = ANY($1)`, ids)
}

// List returns up to limit+1 tags by lower-case name after the name after.
func (r *Tags) List(ctx context.Context, after string, limit int) ([]*domain.Tag, error) {
	if after == "" {
		return r.query(ctx, `SELECT `+tagColumns+` FROM tasking.tag ORDER BY lower(name) LIMIT $1`, limit+1)
	}
	return r.query(ctx, `SELECT `+tagColumns+` FROM tasking.tag WHERE lower(name) > lower($1)
		ORDER BY lower(name) LIMIT $2`, after, limit+1)
}

func (r *Tags) query(ctx context.Context, sql string, args ...any) ([]*domain.Tag, error) {
	rows, err := r.Runner.Conn(ctx).Query(ctx, sql, args...)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	defer rows.Close()
	var out []*domain.Tag
	for rows.Next() {
		t, err := scanTag(rows)
		if err != nil {
			return nil, postgres.MapError(err)
		}
		out = append(out, t)
	}
	return out, postgres.MapError(rows.Err())
}

// Delete loads the tag FOR UPDATE, runs fn, moves the version of every
// task that carries it (rewriting its tags), and deletes it (the task_tag
// rows cascade).
func (r *Tags) Delete(ctx context.Context, id uuid.UUID, fn func(*domain.Tag) error, now time.Time) error {
	return postgres.MapError(r.Runner.InTx(ctx, func(ctx context.Context) error {
		db := r.Runner.Conn(ctx)
		t, err := scanTag(db.QueryRow(ctx, `SELECT `+tagColumns+` FROM tasking.tag WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.ErrTagNotFound
		}
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		_, err = db.Exec(ctx, `
			WITH touched AS (UPDATE tasking.task t SET version = t.version + 1,
			            tags = tasking.tag_refs(ARRAY(SELECT x.tag_id FROM tasking.task_tag x
			                                           WHERE x.task_id = t.id AND x.tag_id <> $1)),
			            updated_at = greatest($2::timestamptz, t.updated_at + interval '1 microsecond')
			       WHERE t.id IN (SELECT task_id FROM tasking.task_tag WHERE tag_id = $1))
			DELETE FROM tasking.tag WHERE id = $1`, id, now)
		return err
	}))
}

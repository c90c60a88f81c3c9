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

// TimeLogs implements ports.TimeLogRepository. A running timer is a row
// without ended_at and duration_seconds.
type TimeLogs struct{ base }

var _ ports.TimeLogRepository = (*TimeLogs)(nil)

const timeLogCols = `id, task_id, user_id, started_at, duration_seconds, note, version, created_at, updated_at`

var timeLogConstraints = postgres.Constraints{"time_log_running_timer_key": domain.ErrTimerRunning}

func scanTimeLog(row pgx.Row) (*domain.TimeLog, error) {
	var (
		id, task, user       uuid.UUID
		started, created, up time.Time
		secs                 *int64
		note                 *string
		version              int64
	)
	if err := row.Scan(&id, &task, &user, &started, &secs, &note, &version, &created, &up); err != nil {
		return nil, err
	}
	var d int64
	if secs != nil {
		d = *secs
	}
	return domain.RehydrateTimeLog(id, task, user, started, d, note, version, created, up), nil
}

func durationArg(t *domain.TimeLog) any {
	if t.Running() {
		return nil
	}
	return t.DurationSeconds()
}

// Add implements ports.TimeLogRepository.
func (r *TimeLogs) Add(ctx context.Context, t *domain.TimeLog) error {
	return r.runner.InTx(ctx, func(ctx context.Context) error {
		_, err := r.runner.Conn(ctx).Exec(ctx, `INSERT INTO collaboration.time_log
			(id, task_id, user_id, started_at, ended_at, duration_seconds, note, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			t.ID(), t.TaskID(), t.UserID(), t.StartedAt(), t.EndedAt(), durationArg(t), t.Note(), t.Version(), t.CreatedAt(), t.UpdatedAt())
		if err != nil {
			return postgres.MapError(err, timeLogConstraints)
		}
		return r.publish(ctx, t.Events())
	})
}

func (r *TimeLogs) save(ctx context.Context, t *domain.TimeLog) error {
	_, err := r.runner.Conn(ctx).Exec(ctx, `UPDATE collaboration.time_log
		SET started_at = $2, ended_at = $3, duration_seconds = $4, note = $5, version = $6, updated_at = $7 WHERE id = $1`,
		t.ID(), t.StartedAt(), t.EndedAt(), durationArg(t), t.Note(), t.Version(), t.UpdatedAt())
	if err != nil {
		return postgres.MapError(err)
	}
	return r.publish(ctx, t.Events())
}

// update locks the row the query selects, runs fn, saves and publishes.
func (r *TimeLogs) update(ctx context.Context, query string, arg any, nf error, fn func(*domain.TimeLog) error) (*domain.TimeLog, error) {
	var out *domain.TimeLog
	err := r.runner.InTx(ctx, func(ctx context.Context) error {
		t, err := scanTimeLog(r.runner.Conn(ctx).QueryRow(ctx, query, arg))
		if err != nil {
			return notFound(err, nf)
		}
		if err := fn(t); err != nil {
			return err
		}
		out = t
		return r.save(ctx, t)
	})
	return out, err
}

// Update implements ports.TimeLogRepository (finished logs only).
func (r *TimeLogs) Update(ctx context.Context, id uuid.UUID, fn func(*domain.TimeLog) error) (*domain.TimeLog, error) {
	return r.update(ctx, `SELECT `+timeLogCols+` FROM collaboration.time_log
		WHERE id = $1 AND ended_at IS NOT NULL FOR UPDATE`, id, domain.ErrTimeLogNotFound, fn)
}

// StopTimer implements ports.TimeLogRepository.
func (r *TimeLogs) StopTimer(ctx context.Context, userID uuid.UUID, fn func(*domain.TimeLog) error) (*domain.TimeLog, error) {
	return r.update(ctx, `SELECT `+timeLogCols+` FROM collaboration.time_log
		WHERE user_id = $1 AND ended_at IS NULL FOR UPDATE`, userID, domain.ErrTimerNotRunning, fn)
}

// RunningTimer implements ports.TimeLogRepository.
func (r *TimeLogs) RunningTimer(ctx context.Context, userID uuid.UUID) (*domain.TimeLog, error) {
	t, err := scanTimeLog(r.runner.Conn(ctx).QueryRow(ctx, `SELECT `+timeLogCols+` FROM collaboration.time_log
		WHERE user_id = $1 AND ended_at IS NULL`, userID))
	if err != nil {
		return nil, notFound(err, domain.ErrTimerNotRunning)
	}
	return t, nil
}

// Delete implements ports.TimeLogRepository (finished logs only).
func (r *TimeLogs) Delete(ctx context.Context, id uuid.UUID, fn func(*domain.TimeLog) error) error {
	return r.runner.InTx(ctx, func(ctx context.Context) error {
		t, err := scanTimeLog(r.runner.Conn(ctx).QueryRow(ctx, `SELECT `+timeLogCols+` FROM collaboration.time_log
			WHERE id = $1 AND ended_at IS NOT NULL FOR UPDATE`, id))
		if err != nil {
			return notFound(err, domain.ErrTimeLogNotFound)
		}
		if err := fn(t); err != nil {
			return err
		}
		_, err = r.runner.Conn(ctx).Exec(ctx, `DELETE FROM collaboration.time_log WHERE id = $1`, id)
		return postgres.MapError(err)
	})
}

// ListByTask implements ports.TimeLogRepository: by start, oldest first.
func (r *TimeLogs) ListByTask(ctx context.Context, taskID uuid.UUID, p ports.PageRequest) ([]*domain.TimeLog, error) {
	at, id := after(p.After)
	return queryAll(ctx, r.runner.Conn(ctx), scanTimeLog, `SELECT `+timeLogCols+` FROM collaboration.time_log
		WHERE task_id = $1 AND ended_at IS NOT NULL AND ($2::timestamptz IS NULL OR (started_at, id) > ($2, $3::uuid))
		ORDER BY started_at, id LIMIT $4`, taskID, at, id, p.Limit)
}

// ListByUser implements ports.TimeLogRepository: logs starting in [from, to).
func (r *TimeLogs) ListByUser(ctx context.Context, userID uuid.UUID, from, to time.Time) ([]*domain.TimeLog, error) {
	return queryAll(ctx, r.runner.Conn(ctx), scanTimeLog, `SELECT `+timeLogCols+` FROM collaboration.time_log
		WHERE user_id = $1 AND ended_at IS NOT NULL AND started_at >= $2 AND started_at < $3
		ORDER BY started_at, id`, userID, from, to)
}

// Summary implements ports.TimeLogRepository: per user, most time first.
func (r *TimeLogs) Summary(ctx context.Context, taskID uuid.UUID) (ports.TimeSummary, error) {
	rows, err := r.runner.Conn(ctx).Query(ctx, `SELECT user_id, sum(duration_seconds)::bigint FROM collaboration.time_log
		WHERE task_id = $1 AND ended_at IS NOT NULL GROUP BY user_id ORDER BY 2 DESC, 1`, taskID)
	if err != nil {
		return ports.TimeSummary{}, postgres.MapError(err)
	}
	defer rows.Close()
	s := ports.TimeSummary{PerUser: []ports.UserTotal{}}
	for rows.Next() {
		var u ports.UserTotal
		if err := rows.Scan(&u.UserID, &u.TotalSeconds); err != nil {
			return s, err
		}
		s.PerUser = append(s.PerUser, u)
		s.TotalSeconds += u.TotalSeconds
	}
	return s, postgres.MapError(rows.Err())
}

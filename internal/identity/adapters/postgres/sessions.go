package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"tasktracker/internal/identity/domain"
	"tasktracker/internal/identity/ports"
	"tasktracker/internal/platform/postgres"
)

// Sessions implements ports.SessionRepository.
type Sessions struct{ Runner postgres.TxRunner }

var _ ports.SessionRepository = (*Sessions)(nil)

const sessionColumns = `s.id, s.user_id, s.token_hash, s.created_at, s.last_seen_at, s.idle_expires_at, s.absolute_expires_at, s.revoked_at, s.user_agent, s.ip`

func scanSession(row pgx.Row, extra ...any) (domain.Session, error) {
	var s domain.Session
	dest := append([]any{&s.ID, &s.UserID, &s.TokenHash, &s.CreatedAt, &s.LastSeenAt, &s.IdleExpiresAt,
		&s.AbsoluteExpiresAt, &s.RevokedAt, &s.UserAgent, &s.IP}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return s, domain.ErrSessionNotFound
		}
		return s, postgres.MapError(err)
	}
	s.CreatedAt, s.LastSeenAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC()
	s.IdleExpiresAt, s.AbsoluteExpiresAt = s.IdleExpiresAt.UTC(), s.AbsoluteExpiresAt.UTC()
	return s, nil
}

// Create stores a new session, and forgets the user's sessions that ended
// more than a day ago (so the table does not grow without bound).
func (r *Sessions) Create(ctx context.Context, s domain.Session) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO identity.auth_session
		(id, user_id, token_hash, created_at, last_seen_at, idle_expires_at, absolute_expires_at, user_agent, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.ID, s.UserID, s.TokenHash, s.CreatedAt, s.LastSeenAt, s.IdleExpiresAt, s.AbsoluteExpiresAt, s.UserAgent, s.IP)
	b.Queue(`DELETE FROM identity.auth_session WHERE user_id = $1
		AND least(coalesce(revoked_at, 'infinity'), idle_expires_at, absolute_expires_at) < $2`,
		s.UserID, s.CreatedAt.Add(-24*time.Hour))
	return postgres.MapError(r.Runner.Conn(ctx).SendBatch(ctx, b).Close())
}

// FindActive finds the valid session of a token digest, with its user's
// role, in one indexed read.
func (r *Sessions) FindActive(ctx context.Context, tokenHash []byte, now time.Time) (ports.AuthenticatedSession, error) {
	var role string
	s, err := scanSession(r.Runner.Conn(ctx).QueryRow(ctx, `SELECT `+sessionColumns+`, u.role
		FROM identity.auth_session s JOIN identity."user" u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2`,
		tokenHash, now), &role)
	if errors.Is(err, domain.ErrSessionNotFound) {
		return ports.AuthenticatedSession{}, domain.ErrSessionInvalid
	}
	return ports.AuthenticatedSession{Session: s, Role: domain.Role(role)}, err
}

// Touch stores a session's last use and idle expiry.
func (r *Sessions) Touch(ctx context.Context, s domain.Session) error {
	_, err := r.Runner.Conn(ctx).Exec(ctx, `UPDATE identity.auth_session SET last_seen_at = $2, idle_expires_at = $3
		WHERE id = $1 AND revoked_at IS NULL`, s.ID, s.LastSeenAt, s.IdleExpiresAt)
	return postgres.MapError(err)
}

// Get loads a session.
func (r *Sessions) Get(ctx context.Context, id uuid.UUID) (domain.Session, error) {
	return scanSession(r.Runner.Conn(ctx).QueryRow(ctx, `SELECT `+sessionColumns+` FROM identity.auth_session s WHERE s.id = $1`, id))
}

// ListActive lists a user's valid sessions, newest first.
func (r *Sessions) ListActive(ctx context.Context, userID uuid.UUID, now time.Time) ([]domain.Session, error) {
	rows, err := r.Runner.Conn(ctx).Query(ctx, `SELECT `+sessionColumns+` FROM identity.auth_session s
		WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2
		ORDER BY s.created_at DESC, s.id DESC`, userID, now)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	defer rows.Close()
	var out []domain.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, postgres.MapError(rows.Err())
}

// Revoke revokes one of the user's unrevoked sessions.
func (r *Sessions) Revoke(ctx context.Context, userID, id uuid.UUID, now time.Time) error {
	tag, err := r.Runner.Conn(ctx).Exec(ctx, `UPDATE identity.auth_session SET revoked_at = $3
		WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID, now)
	if err != nil {
		return postgres.MapError(err)
	}
	if tag.RowsAffected() == 0 {
		return domain.ErrSessionNotFound
	}
	return nil
}

// RevokeAllExcept revokes every unrevoked session of the user but keep.
func (r *Sessions) RevokeAllExcept(ctx context.Context, userID, keep uuid.UUID, now time.Time) error {
	_, err := r.Runner.Conn(ctx).Exec(ctx, `UPDATE identity.auth_session SET revoked_at = $3
		WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`, userID, keep, now)
	return postgres.MapError(err)
}

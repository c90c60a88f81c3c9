// Package postgres is the identity context's pgx adapter: users and
// sessions in the identity schema.
package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"tasktracker/internal/identity/domain"
	ievents "tasktracker/internal/identity/events"
	"tasktracker/internal/identity/ports"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/postgres"
)

var constraints = postgres.Constraints{
	"user_email_key":    domain.ErrEmailTaken,
	"user_username_key": domain.ErrUsernameTaken,
}

// Users implements ports.UserRepository.
type Users struct {
	Runner    postgres.TxRunner
	Publisher events.Publisher
}

var _ ports.UserRepository = (*Users)(nil)

const userColumns = `id, email, username, display_name, role, password_hash, failed_logins, locked_until, version, created_at, updated_at`

func scanUser(row pgx.Row) (*domain.User, error) {
	var (
		id                       uuid.UUID
		email, username, display string
		role, hash               string
		failed                   int
		locked                   *time.Time
		version                  int64
		createdAt, updatedAt     time.Time
	)
	if err := row.Scan(&id, &email, &username, &display, &role, &hash, &failed, &locked, &version, &createdAt, &updatedAt); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, domain.ErrUserNotFound
		}
		return nil, err // callers map it, with their constraints
	}
	return domain.RehydrateUser(id, email, username, display, domain.Role(role), hash, failed, locked, version,
		createdAt.UTC(), updatedAt.UTC()), nil
}

// Create inserts the user; with firstIsAdmin, the first user becomes admin
// (decided under a transaction-scoped advisory lock).
func (r *Users) Create(ctx context.Context, u *domain.User, firstIsAdmin bool) (*domain.User, error) {
	var out *domain.User
	err := r.Runner.InTx(ctx, func(ctx context.Context) error {
		db := r.Runner.Conn(ctx)
		role := string(u.Role())
		if firstIsAdmin {
			if _, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock(7340101)`); err != nil {
				return postgres.MapError(err)
			}
			var any bool
			if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM identity."user")`).Scan(&any); err != nil {
				return postgres.MapError(err)
			}
			if !any {
				role = string(domain.RoleAdmin)
			}
		}
		row := db.QueryRow(ctx, `INSERT INTO identity."user" (id, email, username, display_name, role, password_hash, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+userColumns,
			u.ID(), u.Email(), u.Username(), u.DisplayName(), role, u.PasswordHash(), u.Version(), u.CreatedAt(), u.UpdatedAt())
		saved, err := scanUser(row)
		if err != nil {
			return postgres.MapError(err, constraints)
		}
		if err := r.publish(ctx, saved, u.PullEvents()); err != nil {
			return err
		}
		out = saved
		return nil
	})
	return out, postgres.MapError(err, constraints)
}

// Get loads a user.
func (r *Users) Get(ctx context.Context, id uuid.UUID) (*domain.User, error) {
	u, err := scanUser(r.Runner.Conn(ctx).QueryRow(ctx, `SELECT `+userColumns+` FROM identity."user" WHERE id = $1`, id))
	return u, postgres.MapError(err)
}

// GetByLogin finds a user by e-mail (when the login has an @) or username.
func (r *Users) GetByLogin(ctx context.Context, login string) (*domain.User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	col := "username"
	if strings.Contains(login, "@") {
		col = "email"
	}
	u, err := scanUser(r.Runner.Conn(ctx).QueryRow(ctx, `SELECT `+userColumns+` FROM identity."user" WHERE `+col+` = $1`, login))
	return u, postgres.MapError(err)
}

// List returns users in id order after the cursor, filtered by q.
func (r *Users) List(ctx context.Context, f ports.UserFilter) ([]*domain.User, error) {
	after := uuid.Nil
	if f.After != nil {
		after = *f.After
	}
	q := ""
	if f.Query != "" {
		q = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Query)) + "%"
	}
	rows, err := r.Runner.Conn(ctx).Query(ctx, `SELECT `+userColumns+` FROM identity."user"
		WHERE id > $1 AND ($2 = '' OR username LIKE $2 OR email LIKE $2 OR lower(display_name) LIKE $2)
		ORDER BY id LIMIT $3`, after, q, f.Limit)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	defer rows.Close()
	var out []*domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, postgres.MapError(err)
		}
		out = append(out, u)
	}
	return out, postgres.MapError(rows.Err())
}

// Update loads the user FOR UPDATE, runs fn, saves and publishes.
func (r *Users) Update(ctx context.Context, id uuid.UUID, fn func(ctx context.Context, u *domain.User) error) (*domain.User, error) {
	var out *domain.User
	err := r.Runner.InTx(ctx, func(ctx context.Context) error {
		db := r.Runner.Conn(ctx)
		u, err := lockAndRun(ctx, db, id, fn)
		if err != nil {
			return err
		}
		evts := u.PullEvents()
		if len(evts) > 0 {
			if _, err := db.Exec(ctx, `UPDATE identity."user" SET email = $2, username = $3, display_name = $4, role = $5,
				version = $6, updated_at = $7 WHERE id = $1`,
				u.ID(), u.Email(), u.Username(), u.DisplayName(), string(u.Role()), u.Version(), u.UpdatedAt()); err != nil {
				return postgres.MapError(err, constraints)
			}
		}
		if err := r.publish(ctx, u, evts); err != nil {
			return err
		}
		out = u
		return nil
	})
	return out, postgres.MapError(err, constraints)
}

// lockAndRun loads the user FOR UPDATE and runs fn on it.
func lockAndRun(ctx context.Context, db postgres.DB, id uuid.UUID, fn func(ctx context.Context, u *domain.User) error) (*domain.User, error) {
	u, err := scanUser(db.QueryRow(ctx, `SELECT `+userColumns+` FROM identity."user" WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return nil, err
	}
	return u, fn(ctx, u)
}

// Delete loads the user FOR UPDATE, runs fn, deletes the user (sessions
// cascade) and publishes.
func (r *Users) Delete(ctx context.Context, id uuid.UUID, fn func(ctx context.Context, u *domain.User) error) error {
	return r.Runner.InTx(ctx, func(ctx context.Context) error {
		db := r.Runner.Conn(ctx)
		u, err := lockAndRun(ctx, db, id, fn)
		if err != nil {
			return err
		}
		if _, err := db.Exec(ctx, `DELETE FROM identity."user" WHERE id = $1`, id); err != nil {
			return postgres.MapError(err)
		}
		return r.publish(ctx, u, u.PullEvents())
	})
}

// SaveLoginState stores failed logins, the lock and the password hash.
func (r *Users) SaveLoginState(ctx context.Context, u *domain.User) error {
	_, err := r.Runner.Conn(ctx).Exec(ctx, `UPDATE identity."user" SET failed_logins = $2, locked_until = $3,
		password_hash = $4, updated_at = greatest(updated_at, $5) WHERE id = $1`,
		u.ID(), u.FailedLogins(), u.LockedUntil(), u.PasswordHash(), u.UpdatedAt())
	return postgres.MapError(err)
}

// CountAdmins counts administrators (locking them, so two concurrent
// demotions cannot both pass the last-admin check).
func (r *Users) CountAdmins(ctx context.Context) (int, error) {
	rows, err := r.Runner.Conn(ctx).Query(ctx, `SELECT id FROM identity."user" WHERE role = 'admin' FOR UPDATE`)
	if err != nil {
		return 0, postgres.MapError(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, postgres.MapError(rows.Err())
}

// MissingIDs returns those of ids with no user.
func (r *Users) MissingIDs(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := r.Runner.Conn(ctx).Query(ctx, `SELECT i FROM unnest($1::uuid[]) AS i
		WHERE NOT EXISTS (SELECT 1 FROM identity."user" u WHERE u.id = i)`, ids)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	missing, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	return missing, postgres.MapError(err)
}

// IDsByUsername resolves usernames.
func (r *Users) IDsByUsername(ctx context.Context, usernames []string) (map[string]uuid.UUID, error) {
	rows, err := r.Runner.Conn(ctx).Query(ctx, `SELECT username, id FROM identity."user" WHERE username = ANY($1)`, usernames)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	defer rows.Close()
	out := map[string]uuid.UUID{}
	for rows.Next() {
		var name string
		var id uuid.UUID
		if err := rows.Scan(&name, &id); err != nil {
			return nil, postgres.MapError(err)
		}
		out[name] = id
	}
	return out, postgres.MapError(rows.Err())
}

// publish turns the aggregate's domain events into the published language.
func (r *Users) publish(ctx context.Context, u *domain.User, evts []domain.Event) error {
	var envs []events.Envelope
	for _, e := range evts {
		var (
			typ     string
			payload any
			at      time.Time
		)
		switch e := e.(type) {
		case domain.Registered:
			typ, at = ievents.TypeUserRegistered, e.At
			payload = ievents.UserRegistered{UserID: u.ID(), Username: u.Username(), DisplayName: u.DisplayName()}
		case domain.Updated:
			typ, at = ievents.TypeUserUpdated, e.At
			payload = ievents.UserUpdated{UserID: u.ID(), Username: u.Username(), DisplayName: u.DisplayName(), ChangedFields: e.ChangedFields}
		case domain.Deleted:
			typ, at = ievents.TypeUserDeleted, e.At
			payload = ievents.UserDeleted{UserID: e.UserID, Username: e.Username}
		default:
			continue
		}
		actor := u.ID() // a sign-up is its own actor
		if a, ok := kernel.ActorFrom(ctx); ok {
			actor = a.UserID
		}
		env, err := events.New(typ, actor, at, payload)
		if err != nil {
			return err
		}
		envs = append(envs, env)
	}
	if len(envs) == 0 {
		return nil
	}
	return r.Publisher.Publish(ctx, envs...)
}

// Package ports declares what the identity context offers (driving ports)
// and what it needs (driven ports). Interfaces only.
package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/identity/domain"
	"tasktracker/internal/platform/kernel"
)

// ---- driving ----

// SignUp is a registration request.
type SignUp struct {
	Email, Username, DisplayName, Password string
	ClientIP                               string
}

// Login is a login request.
type Login struct {
	Login, Password     string
	ClientIP, UserAgent string
}

// LoginResult is an opened session and its token (shown once).
type LoginResult struct {
	Token   string
	Session domain.Session
	User    *domain.User
}

// UserChanges is a partial profile update (absent fields unchanged).
type UserChanges struct {
	Email       *string
	Username    *string
	DisplayName *string
	Role        *string
	IfVersion   *int64
}

// UserFilter selects a page of users.
type UserFilter struct {
	Query string     // matches username, e-mail or display name
	After *uuid.UUID // keyset: users with a greater id
	Limit int
}

// Users is the identity use cases.
type Users interface {
	SignUp(ctx context.Context, actor *kernel.Actor, in SignUp) (*domain.User, error)
	CreateUser(ctx context.Context, in SignUp, admin bool) (*domain.User, error)
	Login(ctx context.Context, in Login) (LoginResult, error)
	Authenticate(ctx context.Context, token string) (kernel.Actor, error)
	Logout(ctx context.Context, actor kernel.Actor) error
	ListSessions(ctx context.Context, actor kernel.Actor) ([]domain.Session, error)
	RevokeSession(ctx context.Context, actor kernel.Actor, id uuid.UUID) error
	SessionActive(ctx context.Context, id uuid.UUID) (bool, error)

	Get(ctx context.Context, id uuid.UUID) (*domain.User, error)
	List(ctx context.Context, f UserFilter) ([]*domain.User, error)
	Update(ctx context.Context, actor kernel.Actor, id uuid.UUID, c UserChanges) (*domain.User, error)
	Delete(ctx context.Context, actor kernel.Actor, id uuid.UUID) error
	ChangePassword(ctx context.Context, actor kernel.Actor, id uuid.UUID, current, next string) error

	MissingUsers(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error)
	UserIDsByUsername(ctx context.Context, usernames []string) (map[string]uuid.UUID, error)
}

// ---- driven ----

// UserRepository stores users. Create and Update publish the aggregate's
// recorded events in the same transaction.
type UserRepository interface {
	// Create stores a new user; when firstIsAdmin, the first user of the
	// database is made admin (decided under a lock).
	Create(ctx context.Context, u *domain.User, firstIsAdmin bool) (*domain.User, error)
	Get(ctx context.Context, id uuid.UUID) (*domain.User, error)
	// GetByLogin finds a user by e-mail or username (normalized).
	GetByLogin(ctx context.Context, login string) (*domain.User, error)
	List(ctx context.Context, f UserFilter) ([]*domain.User, error)
	// Update loads the user for update, runs fn (with a ctx inside the
	// transaction), and saves it.
	Update(ctx context.Context, id uuid.UUID, fn func(ctx context.Context, u *domain.User) error) (*domain.User, error)
	// Delete runs fn on the loaded user (which may refuse), then deletes
	// the user and their sessions.
	Delete(ctx context.Context, id uuid.UUID, fn func(ctx context.Context, u *domain.User) error) error
	// SaveLoginState stores the failed-login count, lock and password hash.
	SaveLoginState(ctx context.Context, u *domain.User) error
	CountAdmins(ctx context.Context) (int, error)
	MissingIDs(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error)
	IDsByUsername(ctx context.Context, usernames []string) (map[string]uuid.UUID, error)
}

// AuthenticatedSession is a valid session with its user's role.
type AuthenticatedSession struct {
	Session domain.Session
	Role    domain.Role
}

// SessionRepository stores sessions.
type SessionRepository interface {
	Create(ctx context.Context, s domain.Session) error
	// FindActive returns the unrevoked, unexpired session of a token hash.
	FindActive(ctx context.Context, tokenHash []byte, now time.Time) (AuthenticatedSession, error)
	Touch(ctx context.Context, s domain.Session) error
	Get(ctx context.Context, id uuid.UUID) (domain.Session, error)
	ListActive(ctx context.Context, userID uuid.UUID, now time.Time) ([]domain.Session, error)
	Revoke(ctx context.Context, userID, id uuid.UUID, now time.Time) error
	// RevokeAllExcept revokes every session of the user but keep.
	RevokeAllExcept(ctx context.Context, userID, keep uuid.UUID, now time.Time) error
}

// SessionCache remembers recently authenticated sessions for a few seconds.
// ForgetUser must drop a user's entries on every instance (a revocation, a
// password or role change, a deletion).
type SessionCache interface {
	Get(tokenHash []byte, now time.Time) (AuthenticatedSession, bool)
	Put(tokenHash []byte, s AuthenticatedSession, now time.Time)
	ForgetUser(ctx context.Context, userID uuid.UUID) error
}

// PasswordHasher hashes and verifies passwords.
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches hash, and whether the hash
	// was made with parameters other than the current ones.
	Verify(ctx context.Context, hash, password string) (ok, needsRehash bool, err error)
	// Dummy verifies password against a fixed hash, so that an unknown
	// login costs as much time as a known one.
	Dummy(ctx context.Context, password string)
}

// Tokens makes session tokens and their digests.
type Tokens interface {
	New() (token string, hash []byte, err error)
	Hash(token string) []byte
}

// RateLimiter counts attempts per key (a client IP).
type RateLimiter interface {
	Allow(key string) (bool, time.Duration)
	Exhausted(key string) (bool, time.Duration)
}

// Package app implements the identity use cases on the domain and the
// driven ports.
package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/identity/domain"
	"tasktracker/internal/identity/ports"
	"tasktracker/internal/platform/kernel"
)

// Settings are the identity policies.
type Settings struct {
	SignupEnabled    bool
	Sessions         domain.SessionPolicy
	LockoutThreshold int
	LockoutDuration  time.Duration
}

// Service implements ports.Users.
type Service struct {
	Users       ports.UserRepository
	Sessions    ports.SessionRepository
	Hasher      ports.PasswordHasher
	Tokens      ports.Tokens
	Clock       kernel.Clock
	IDs         kernel.IDs
	Cache       ports.SessionCache // nil: every request reads its session
	LoginLimit  ports.RateLimiter  // failed logins per client IP
	SignupLimit ports.RateLimiter  // sign-ups per client IP
	Settings    Settings
}

var _ ports.Users = (*Service)(nil)

// touchInterval: a session's last use is written at most this often, so
// authenticating a request is one read, not a write.
const touchInterval = time.Minute

func rateLimited(retry time.Duration) error {
	e := *domain.ErrTooManyAttempts
	e.RetryAfter = retry
	return &e
}

// SignUp registers a user. Anyone may while sign-up is enabled; an admin
// always may. The first user becomes the admin.
func (s *Service) SignUp(ctx context.Context, actor *kernel.Actor, in ports.SignUp) (*domain.User, error) {
	isAdmin := actor != nil && actor.Admin
	if !s.Settings.SignupEnabled && !isAdmin {
		return nil, domain.ErrSignupDisabled
	}
	if !isAdmin {
		if ok, retry := s.SignupLimit.Allow(in.ClientIP); !ok {
			return nil, rateLimited(retry)
		}
	}
	return s.create(ctx, in, domain.RoleMember, true)
}

// CreateUser creates a user from the command line.
func (s *Service) CreateUser(ctx context.Context, in ports.SignUp, admin bool) (*domain.User, error) {
	role := domain.RoleMember
	if admin {
		role = domain.RoleAdmin
	}
	return s.create(ctx, in, role, !admin)
}

func (s *Service) create(ctx context.Context, in ports.SignUp, role domain.Role, firstIsAdmin bool) (*domain.User, error) {
	var v kernel.Validation
	v.Merge(domain.CheckPassword(in.Password, "password"))
	// Validate the profile before paying for a hash.
	_, err := domain.NewUser(uuid.Nil, in.Email, in.Username, in.DisplayName, role, "", time.Time{})
	v.Merge(err)
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u, err := domain.NewUser(s.IDs.New(), in.Email, in.Username, in.DisplayName, role, hash, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	return s.Users.Create(ctx, u, firstIsAdmin)
}

// Login checks a login and password and opens a session. Unknown logins,
// wrong passwords and locked accounts get the same answer in about the same
// time; failures are limited per client IP.
func (s *Service) Login(ctx context.Context, in ports.Login) (ports.LoginResult, error) {
	if limited, retry := s.LoginLimit.Exhausted(in.ClientIP); limited {
		return ports.LoginResult{}, rateLimited(retry)
	}
	var v kernel.Validation
	v.Check(in.Login != "", "login", "is required")
	v.Check(in.Password != "", "password", "is required")
	v.Check(len(in.Password) <= 256, "password", "must have at most 256 bytes")
	v.Check(len(in.Login) <= 254, "login", "must have at most 254 characters")
	if err := v.Err(); err != nil {
		return ports.LoginResult{}, err
	}
	fail := func() (ports.LoginResult, error) {
		s.LoginLimit.Allow(in.ClientIP)
		return ports.LoginResult{}, domain.ErrInvalidCredentials
	}
	u, err := s.Users.GetByLogin(ctx, in.Login)
	if errors.Is(err, domain.ErrUserNotFound) {
		s.Hasher.Dummy(ctx, in.Password)
		return fail()
	}
	if err != nil {
		return ports.LoginResult{}, err
	}
	now := s.Clock.Now()
	ok, rehash, err := s.Hasher.Verify(ctx, u.PasswordHash(), in.Password)
	if err != nil {
		return ports.LoginResult{}, err
	}
	if u.Locked(now) {
		return fail()
	}
	if !ok {
		u.LoginFailed(now, s.Settings.LockoutThreshold, s.Settings.LockoutDuration)
		if err := s.Users.SaveLoginState(ctx, u); err != nil {
			return ports.LoginResult{}, err
		}
		return fail()
	}
	dirty := u.FailedLogins() > 0 || u.LockedUntil() != nil
	u.LoginSucceeded()
	if rehash {
		if h, err := s.Hasher.Hash(ctx, in.Password); err == nil {
			u.SetPasswordHash(h, now)
			dirty = true
		}
	}
	if dirty {
		if err := s.Users.SaveLoginState(ctx, u); err != nil {
			return ports.LoginResult{}, err
		}
	}
	token, hash, err := s.Tokens.New()
	if err != nil {
		return ports.LoginResult{}, err
	}
	sess := domain.NewSession(s.IDs.New(), u.ID(), hash, s.Settings.Sessions, now, in.UserAgent, in.ClientIP)
	if err := s.Sessions.Create(ctx, sess); err != nil {
		return ports.LoginResult{}, err
	}
	return ports.LoginResult{Token: token, Session: sess, User: u}, nil
}

// Authenticate resolves a bearer token and slides its idle expiry.
func (s *Service) Authenticate(ctx context.Context, token string) (kernel.Actor, error) {
	if len(token) > 512 {
		return kernel.Actor{}, domain.ErrSessionInvalid
	}
	now := s.Clock.Now()
	digest := s.Tokens.Hash(token)
	as, hit := ports.AuthenticatedSession{}, false
	if s.Cache != nil {
		as, hit = s.Cache.Get(digest, now)
	}
	if !hit || now.Sub(as.Session.LastSeenAt) >= touchInterval {
		var err error
		if as, err = s.Sessions.FindActive(ctx, digest, now); err != nil {
			return kernel.Actor{}, err
		}
		if now.Sub(as.Session.LastSeenAt) >= touchInterval {
			as.Session.Touch(s.Settings.Sessions, now)
			if err := s.Sessions.Touch(ctx, as.Session); err != nil {
				return kernel.Actor{}, err
			}
		}
		if s.Cache != nil {
			s.Cache.Put(digest, as, now)
		}
	}
	return kernel.Actor{UserID: as.Session.UserID, Admin: as.Role == domain.RoleAdmin, SessionID: as.Session.ID}, nil
}

// forget drops the user's cached sessions everywhere after a change that
// ends or alters them. The change is committed already; if the broadcast
// fails, other instances notice within the cache's TTL.
func (s *Service) forget(ctx context.Context, userID uuid.UUID) {
	if s.Cache != nil {
		_ = s.Cache.ForgetUser(context.WithoutCancel(ctx), userID)
	}
}

// Logout revokes the caller's session.
func (s *Service) Logout(ctx context.Context, actor kernel.Actor) error {
	defer s.forget(ctx, actor.UserID)
	return s.Sessions.Revoke(ctx, actor.UserID, actor.SessionID, s.Clock.Now())
}

// ListSessions lists the caller's active sessions.
func (s *Service) ListSessions(ctx context.Context, actor kernel.Actor) ([]domain.Session, error) {
	return s.Sessions.ListActive(ctx, actor.UserID, s.Clock.Now())
}

// RevokeSession revokes one of the caller's sessions (another user's
// session is "not found").
func (s *Service) RevokeSession(ctx context.Context, actor kernel.Actor, id uuid.UUID) error {
	defer s.forget(ctx, actor.UserID)
	return s.Sessions.Revoke(ctx, actor.UserID, id, s.Clock.Now())
}

// SessionActive reports whether a session may still be used.
func (s *Service) SessionActive(ctx context.Context, id uuid.UUID) (bool, error) {
	sess, err := s.Sessions.Get(ctx, id)
	if errors.Is(err, domain.ErrSessionNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return sess.Active(s.Clock.Now()), nil
}

// Get returns a user.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*domain.User, error) {
	return s.Users.Get(ctx, id)
}

// List returns a page of users.
func (s *Service) List(ctx context.Context, f ports.UserFilter) ([]*domain.User, error) {
	return s.Users.List(ctx, f)
}

func mayChange(actor kernel.Actor, id uuid.UUID) error {
	if actor.Admin || actor.UserID == id {
		return nil
	}
	return domain.ErrNotAllowed
}

func stale(current int64) error {
	return kernel.New(kernel.KindPrecondition, "version_mismatch", "the user was changed by someone else; fetch it again").
		With("current_version", current)
}

// Update changes a profile: the user themself or an admin; only an admin
// changes roles, and the last admin stays an admin.
func (s *Service) Update(ctx context.Context, actor kernel.Actor, id uuid.UUID, c ports.UserChanges) (*domain.User, error) {
	if err := mayChange(actor, id); err != nil {
		if _, gerr := s.Users.Get(ctx, id); gerr != nil {
			return nil, gerr
		}
		return nil, err
	}
	ch := domain.Changes{Email: c.Email, Username: c.Username, DisplayName: c.DisplayName}
	if c.Role != nil {
		r, err := domain.ParseRole(*c.Role)
		if err != nil {
			return nil, err
		}
		ch.Role = &r
	}
	if ch.Role != nil {
		defer s.forget(ctx, id) // the role is read with the session
	}
	return s.Users.Update(ctx, id, func(ctx context.Context, u *domain.User) error {
		if c.IfVersion != nil && *c.IfVersion != u.Version() {
			return stale(u.Version())
		}
		if ch.Role != nil && *ch.Role != u.Role() {
			if !actor.Admin {
				return domain.ErrRoleChange
			}
			if u.IsAdmin() {
				if err := s.keepAnAdmin(ctx); err != nil {
					return err
				}
			}
		}
		_, err := u.Apply(ch, s.Clock.Now())
		return err
	})
}

func (s *Service) keepAnAdmin(ctx context.Context) error {
	n, err := s.Users.CountAdmins(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return domain.ErrLastAdmin
	}
	return nil
}

// Delete deletes a user (themself or by an admin) and revokes their
// sessions.
func (s *Service) Delete(ctx context.Context, actor kernel.Actor, id uuid.UUID) error {
	if err := mayChange(actor, id); err != nil {
		if _, gerr := s.Users.Get(ctx, id); gerr != nil {
			return gerr
		}
		return err
	}
	defer s.forget(ctx, id)
	return s.Users.Delete(ctx, id, func(ctx context.Context, u *domain.User) error {
		if u.IsAdmin() {
			if err := s.keepAnAdmin(ctx); err != nil {
				return err
			}
		}
		u.MarkDeleted(s.Clock.Now())
		return nil
	})
}

// ChangePassword sets a new password. The user must give the current one;
// an admin may reset another user's password without it. Every other
// session of the user is revoked.
func (s *Service) ChangePassword(ctx context.Context, actor kernel.Actor, id uuid.UUID, current, next string) error {
	if err := mayChange(actor, id); err != nil {
		if _, gerr := s.Users.Get(ctx, id); gerr != nil {
			return gerr
		}
		return err
	}
	self := actor.UserID == id
	var v kernel.Validation
	v.Check(!self || current != "", "current_password", "is required")
	v.Merge(domain.CheckPassword(next, "new_password"))
	if err := v.Err(); err != nil {
		return err
	}
	u, err := s.Users.Get(ctx, id)
	if err != nil {
		return err
	}
	if self {
		ok, _, err := s.Hasher.Verify(ctx, u.PasswordHash(), current)
		if err != nil {
			return err
		}
		if !ok {
			return domain.ErrWrongPassword
		}
	}
	hash, err := s.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	u.SetPasswordHash(hash, now)
	u.LoginSucceeded()
	if err := s.Users.SaveLoginState(ctx, u); err != nil {
		return err
	}
	keep := uuid.Nil
	if self {
		keep = actor.SessionID
	}
	defer s.forget(ctx, id)
	return s.Sessions.RevokeAllExcept(ctx, id, keep, now)
}

// MissingUsers returns those of ids that name no user.
func (s *Service) MissingUsers(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.Users.MissingIDs(ctx, slices.Compact(slices.SortedFunc(slices.Values(ids), func(a, b uuid.UUID) int {
		return slices.Compare(a[:], b[:])
	})))
}

// UserIDsByUsername resolves usernames to ids.
func (s *Service) UserIDsByUsername(ctx context.Context, usernames []string) (map[string]uuid.UUID, error) {
	var names []string
	for _, n := range usernames {
		if v, err := domain.NormalizeUsername(n); err == nil {
			names = append(names, v)
		}
	}
	if len(names) == 0 {
		return map[string]uuid.UUID{}, nil
	}
	return s.Users.IDsByUsername(ctx, names)
}

// Package domain is the identity model: users, their credentials' rules and
// sessions.
package domain

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
)

// Errors of the identity context.
var (
	ErrUserNotFound       = kernel.NotFound("user_not_found", "user not found")
	ErrEmailTaken         = &kernel.Error{Kind: kernel.KindConflict, Code: "email_taken", Message: "this e-mail address is already registered", Fields: []kernel.FieldError{{Field: "email", Message: "is already registered"}}}
	ErrUsernameTaken      = &kernel.Error{Kind: kernel.KindConflict, Code: "username_taken", Message: "this username is already taken", Fields: []kernel.FieldError{{Field: "username", Message: "is already taken"}}}
	ErrInvalidCredentials = kernel.New(kernel.KindUnauthenticated, "invalid_credentials", "the login or the password is not correct")
	ErrSessionInvalid     = kernel.New(kernel.KindUnauthenticated, "session_invalid", "the session has expired or was revoked; log in again")
	ErrSessionNotFound    = kernel.NotFound("session_not_found", "session not found")
	ErrSignupDisabled     = kernel.Forbidden("signup_disabled", "sign-up is disabled; ask an administrator for an account")
	ErrNotAllowed         = kernel.Forbidden("forbidden", "you may not change this user")
	ErrRoleChange         = kernel.Forbidden("role_change_forbidden", "only an administrator may change roles")
	ErrLastAdmin          = kernel.Conflict("last_admin", "the last administrator cannot be demoted or deleted")
	ErrWrongPassword      = &kernel.Error{Kind: kernel.KindValidation, Code: "wrong_password", Message: "the current password is not correct", Fields: []kernel.FieldError{{Field: "current_password", Message: "is not correct"}}}
	ErrTooManyAttempts    = kernel.New(kernel.KindRateLimited, "too_many_attempts", "too many attempts from this address; try again later")
)

// Role is what a user may do beyond their own things.
type Role string

const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleAdmin, RoleMember:
		return Role(s), nil
	}
	return "", kernel.Invalid("role", "must be admin or member")
}

// NormalizeEmail trims and lower-cases an e-mail address and checks it is a
// plain address (no display name), at most 254 bytes.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", kernel.Invalid("email", "is required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", kernel.Invalid("email", "must be an e-mail address such as ada@example.com")
	}
	return s, nil
}

// NormalizeUsername lower-cases a username and checks it has 3 to 32 of
// a-z, 0-9, '_', '.', '-'.
func NormalizeUsername(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 || len(s) > 32 {
		return "", kernel.Invalid("username", "must have 3 to 32 characters")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return "", kernel.Invalid("username", "may contain only a-z, 0-9, '_', '.' and '-'")
		}
	}
	return s, nil
}

// NormalizeDisplayName trims a display name and checks it has at most 100
// characters; empty falls back to the username.
func NormalizeDisplayName(s, username string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 100 {
		return "", kernel.Invalid("display_name", "must have at most 100 characters")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", kernel.Invalid("display_name", "must not contain control characters")
		}
	}
	if s == "" {
		s = username
	}
	return s, nil
}

// CheckPassword enforces the password policy: 8 to 256 bytes, never
// truncated. field names the JSON field for the error.
func CheckPassword(p, field string) error {
	if len(p) < 8 {
		return kernel.Invalid(field, "must have at least 8 characters")
	}
	if len(p) > 256 {
		return kernel.Invalid(field, "must have at most 256 bytes")
	}
	return nil
}

// User is the account aggregate.
type User struct {
	id           uuid.UUID
	email        string
	username     string
	displayName  string
	role         Role
	passwordHash string
	failedLogins int
	lockedUntil  *time.Time
	version      int64
	createdAt    time.Time
	updatedAt    time.Time
	events       []Event
}

// NewUser validates a sign-up. The password must already be hashed (the
// policy is checked by CheckPassword before hashing).
func NewUser(id uuid.UUID, email, username, displayName string, role Role, passwordHash string, now time.Time) (*User, error) {
	var v kernel.Validation
	e, err := NormalizeEmail(email)
	v.Merge(err)
	u, err := NormalizeUsername(username)
	v.Merge(err)
	d, err := NormalizeDisplayName(displayName, u)
	v.Merge(err)
	if err := v.Err(); err != nil {
		return nil, err
	}
	usr := &User{id: id, email: e, username: u, displayName: d, role: role, passwordHash: passwordHash,
		version: 1, createdAt: now, updatedAt: now}
	usr.record(Registered{UserID: id, At: now})
	return usr, nil
}

// RehydrateUser rebuilds a user from storage.
func RehydrateUser(id uuid.UUID, email, username, displayName string, role Role, passwordHash string,
	failedLogins int, lockedUntil *time.Time, version int64, createdAt, updatedAt time.Time) *User {
	return &User{id: id, email: email, username: username, displayName: displayName, role: role,
		passwordHash: passwordHash, failedLogins: failedLogins, lockedUntil: lockedUntil, version: version,
		createdAt: createdAt, updatedAt: updatedAt}
}

func (u *User) ID() uuid.UUID           { return u.id }
func (u *User) Email() string           { return u.email }
func (u *User) Username() string        { return u.username }
func (u *User) DisplayName() string     { return u.displayName }
func (u *User) Role() Role              { return u.role }
func (u *User) IsAdmin() bool           { return u.role == RoleAdmin }
func (u *User) PasswordHash() string    { return u.passwordHash }
func (u *User) FailedLogins() int       { return u.failedLogins }
func (u *User) LockedUntil() *time.Time { return u.lockedUntil }
func (u *User) Version() int64          { return u.version }
func (u *User) CreatedAt() time.Time    { return u.createdAt }
func (u *User) UpdatedAt() time.Time    { return u.updatedAt }

// Changes is a partial update of a profile; nil fields stay unchanged.
type Changes struct {
	Email       *string
	Username    *string
	DisplayName *string
	Role        *Role
}

// Apply validates and applies changes, returning the names of the fields
// that really changed.
func (u *User) Apply(c Changes, now time.Time) ([]string, error) {
	var v kernel.Validation
	var changed []string
	email, username, display := u.email, u.username, u.displayName
	if c.Email != nil {
		e, err := NormalizeEmail(*c.Email)
		if !v.Merge(err) && e != u.email {
			email = e
			changed = append(changed, "email")
		}
	}
	if c.Username != nil {
		n, err := NormalizeUsername(*c.Username)
		if !v.Merge(err) && n != u.username {
			username = n
			changed = append(changed, "username")
		}
	}
	if c.DisplayName != nil {
		d, err := NormalizeDisplayName(*c.DisplayName, username)
		if !v.Merge(err) && d != u.displayName {
			display = d
			changed = append(changed, "display_name")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c.Role != nil && *c.Role != u.role {
		u.role = *c.Role
		changed = append(changed, "role")
	}
	u.email, u.username, u.displayName = email, username, display
	if len(changed) > 0 {
		u.version++
		u.updatedAt = now
		u.record(Updated{UserID: u.id, ChangedFields: changed, At: now})
	}
	return changed, nil
}

// SetPasswordHash replaces the credential (a change or a re-hash).
func (u *User) SetPasswordHash(h string, now time.Time) {
	u.passwordHash = h
	u.updatedAt = now
}

// Locked reports whether failed logins have locked the account at now.
func (u *User) Locked(now time.Time) bool {
	return u.lockedUntil != nil && now.Before(*u.lockedUntil)
}

// LoginFailed counts a failed login; at threshold consecutive failures the
// account locks for lockFor (threshold 0: never).
func (u *User) LoginFailed(now time.Time, threshold int, lockFor time.Duration) {
	u.failedLogins++
	if threshold > 0 && u.failedLogins >= threshold {
		until := now.Add(lockFor)
		u.lockedUntil = &until
		u.failedLogins = 0
	}
}

// LoginSucceeded clears the failure count.
func (u *User) LoginSucceeded() {
	u.failedLogins = 0
	u.lockedUntil = nil
}

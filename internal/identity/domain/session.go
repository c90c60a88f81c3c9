package domain

import (
	"time"

	"github.com/google/uuid"
)

// Session is one login: the client holds the token, we keep its SHA-256.
type Session struct {
	ID                uuid.UUID
	UserID            uuid.UUID
	TokenHash         []byte
	CreatedAt         time.Time
	LastSeenAt        time.Time
	IdleExpiresAt     time.Time
	AbsoluteExpiresAt time.Time
	RevokedAt         *time.Time
	UserAgent         string
	IP                string
}

// SessionPolicy is how long sessions live.
type SessionPolicy struct {
	Idle     time.Duration // sliding: extended on use
	Absolute time.Duration // from login, never extended
}

// NewSession opens a session at now.
func NewSession(id, userID uuid.UUID, tokenHash []byte, p SessionPolicy, now time.Time, userAgent, ip string) Session {
	abs := now.Add(p.Absolute)
	return Session{ID: id, UserID: userID, TokenHash: tokenHash, CreatedAt: now, LastSeenAt: now,
		IdleExpiresAt: minTime(now.Add(p.Idle), abs), AbsoluteExpiresAt: abs, UserAgent: truncate(userAgent, 256), IP: ip}
}

// ExpiresAt is when the session ends unless used again.
func (s Session) ExpiresAt() time.Time { return minTime(s.IdleExpiresAt, s.AbsoluteExpiresAt) }

// Active reports whether the session may be used at now.
func (s Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt())
}

// Touch slides the idle expiry after a use at now.
func (s *Session) Touch(p SessionPolicy, now time.Time) {
	s.LastSeenAt = now
	s.IdleExpiresAt = minTime(now.Add(p.Idle), s.AbsoluteExpiresAt)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n]
}

package postgres

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgxlisten"

	"tasktracker/internal/identity/ports"
)

// sessionsChannel carries "this user's sessions changed" between API
// instances, so that each one forgets its cached sessions of that user.
const sessionsChannel = "identity_sessions_changed"

// SessionCache keeps recently authenticated sessions in memory for a few
// seconds, so that most requests authenticate without a query. A revocation,
// password change, role change or deletion calls ForgetUser: the entries go
// at once here and, through NOTIFY, on every other instance listening (Run).
// TTL bounds how stale an entry can be if a notification is ever missed
// (e.g. while an instance's listener reconnects).
type SessionCache struct {
	Pool   *pgxpool.Pool
	TTL    time.Duration
	Max    int // entries; the cache is emptied when it would grow past this
	Logger *slog.Logger

	mu      sync.Mutex
	entries map[string]cached
}

type cached struct {
	s  ports.AuthenticatedSession
	at time.Time
}

var _ ports.SessionCache = (*SessionCache)(nil)

// Get returns a cached session of a token digest, if fresh.
func (c *SessionCache) Get(tokenHash []byte, now time.Time) (ports.AuthenticatedSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[string(tokenHash)]
	if !ok || now.Sub(e.at) >= c.TTL || !e.s.Session.Active(now) {
		return ports.AuthenticatedSession{}, false
	}
	return e.s, true
}

// Put caches an authenticated session.
func (c *SessionCache) Put(tokenHash []byte, s ports.AuthenticatedSession, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= c.Max {
		c.entries = make(map[string]cached)
	}
	c.entries[string(tokenHash)] = cached{s: s, at: now}
}

// ForgetUser drops the user's cached sessions here and tells the other
// instances to do the same.
func (c *SessionCache) ForgetUser(ctx context.Context, userID uuid.UUID) error {
	c.forget(userID)
	_, err := c.Pool.Exec(ctx, `SELECT pg_notify($1, $2)`, sessionsChannel, userID.String())
	return err
}

func (c *SessionCache) forget(userID uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if e.s.Session.UserID == userID {
			delete(c.entries, k)
		}
	}
}

func (c *SessionCache) clear() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}

// Run listens for other instances' ForgetUser until ctx ends, reconnecting
// when the connection drops; on every (re)connection the whole cache is
// dropped, since notifications may have been missed meanwhile.
func (c *SessionCache) Run(ctx context.Context) error {
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) {
			return pgx.ConnectConfig(ctx, c.Pool.Config().ConnConfig.Copy())
		},
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				c.Logger.WarnContext(ctx, "session cache listener", "error", err)
			}
		},
		ReconnectDelay: time.Second,
	}
	l.Handle(sessionsChannel, cacheHandler{c})
	err := l.Listen(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

type cacheHandler struct{ c *SessionCache }

func (h cacheHandler) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	id, err := uuid.Parse(n.Payload)
	if err != nil {
		return err
	}
	h.c.forget(id)
	return nil
}

func (h cacheHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	h.c.clear()
	return nil
}

// Package identity wires the identity context for the composition root:
// New builds the application and adapters, Routes mounts the HTTP API, and
// the methods below answer the other contexts (structurally, through their
// own driven ports).
package identity

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/identity/adapters/credentials"
	"tasktracker/internal/identity/adapters/httpapi"
	idpg "tasktracker/internal/identity/adapters/postgres"
	"tasktracker/internal/identity/app"
	"tasktracker/internal/identity/domain"
	"tasktracker/internal/identity/ports"
	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/platform/ratelimit"
)

// Deps are the module's dependencies.
type Deps struct {
	Pool   *pgxpool.Pool
	Bus    *events.Bus
	Clock  kernel.Clock
	IDs    kernel.IDs
	Logger *slog.Logger
	Config config.Config
	// Hasher overrides the argon2id parameters (tests use cheaper ones).
	Hasher ports.PasswordHasher
}

// Module is the wired identity context.
type Module struct {
	svc    ports.Users
	http   *httpapi.Handler
	runner postgres.TxRunner
	hasher ports.PasswordHasher
	clock  kernel.Clock
	cache  *idpg.SessionCache
}

// Start listens for other instances' session changes (so cached sessions
// they revoke end here at once) until ctx ends.
func (m *Module) Start(ctx context.Context) error { return m.cache.Run(ctx) }

// New wires the module.
func New(d Deps) *Module {
	runner := postgres.TxRunner{Pool: d.Pool}
	hasher := d.Hasher
	if hasher == nil {
		hasher = credentials.New(credentials.Default, d.Config.PasswordHashParallel)
	}
	cache := &idpg.SessionCache{Pool: d.Pool, TTL: 10 * time.Second, Max: 100_000, Logger: d.Logger}
	svc := &app.Service{
		Cache:       cache,
		Users:       &idpg.Users{Runner: runner, Publisher: d.Bus},
		Sessions:    &idpg.Sessions{Runner: runner},
		Hasher:      hasher,
		Tokens:      credentials.Tokens{},
		Clock:       d.Clock,
		IDs:         d.IDs,
		LoginLimit:  ratelimit.PerMinute(d.Config.LoginRatePerMinute),
		SignupLimit: ratelimit.PerMinute(d.Config.SignupRatePerMinute),
		Settings: app.Settings{
			SignupEnabled:    d.Config.SignupEnabled,
			Sessions:         domain.SessionPolicy{Idle: d.Config.SessionIdleTimeout, Absolute: d.Config.SessionAbsoluteTTL},
			LockoutThreshold: d.Config.LockoutThreshold,
			LockoutDuration:  d.Config.LockoutDuration,
		},
	}
	m := &Module{svc: svc, runner: runner, hasher: hasher, clock: d.Clock, cache: cache}
	m.http = &httpapi.Handler{Users: svc, Auth: m}
	return m
}

// Routes mounts the HTTP API; auth guards the routes that need a session.
func (m *Module) Routes(e *echo.Echo, auth echo.MiddlewareFunc) { m.http.Routes(e, auth) }

// Subscribe registers the module's reactions to other contexts' events
// (identity reacts to none).
func (m *Module) Subscribe(bus *events.Bus) {}

// Authenticate resolves a bearer token (httpserver.Authenticator).
func (m *Module) Authenticate(ctx context.Context, token string) (kernel.Actor, error) {
	return m.svc.Authenticate(ctx, token)
}

// MissingUsers returns those of ids that name no existing user.
func (m *Module) MissingUsers(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	return m.svc.MissingUsers(ctx, ids)
}

// UserIDsByUsername resolves usernames (any case) to user ids, keyed by the
// lower-case name; unknown names are left out.
func (m *Module) UserIDsByUsername(ctx context.Context, usernames []string) (map[string]uuid.UUID, error) {
	return m.svc.UserIDsByUsername(ctx, usernames)
}

// SessionActive reports whether a session is still valid (not revoked,
// not expired).
func (m *Module) SessionActive(ctx context.Context, sessionID uuid.UUID) (bool, error) {
	return m.svc.SessionActive(ctx, sessionID)
}

// CreateUser creates a user from the command line (bootstrap).
func (m *Module) CreateUser(ctx context.Context, email, username, displayName, password string, admin bool) (uuid.UUID, error) {
	u, err := m.svc.CreateUser(ctx, ports.SignUp{Email: email, Username: username, DisplayName: displayName, Password: password}, admin)
	if err != nil {
		return uuid.Nil, err
	}
	return u.ID(), nil
}

// SeedUsers bulk-loads n benchmark users seed0…seed<n-1> sharing one
// password (seed0 is an admin) and returns their ids.
func (m *Module) SeedUsers(ctx context.Context, n int, password string) ([]uuid.UUID, error) {
	hash, err := m.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	return idpg.SeedUsers(ctx, m.runner, n, hash, m.clock.Now())
}

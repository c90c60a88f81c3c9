// Package identity is the identity bounded context: users, credentials and
// sessions. This file is its only entry point for the composition root.
package identity

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
)

// Deps are the module's dependencies.
type Deps struct {
	Pool   *pgxpool.Pool
	Bus    *events.Bus
	Clock  kernel.Clock
	IDs    kernel.IDs
	Logger *slog.Logger
	Config config.Config
}

// Module is the wired identity context.
type Module struct{ deps Deps }

// New wires the module.
func New(d Deps) *Module { return &Module{deps: d} }

// Routes mounts the HTTP API; auth guards the routes that need a session.
func (m *Module) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {}

// Subscribe registers the module's reactions to other contexts' events.
func (m *Module) Subscribe(bus *events.Bus) {}

// Authenticate resolves a bearer token (httpserver.Authenticator).
func (m *Module) Authenticate(ctx context.Context, token string) (kernel.Actor, error) {
	return kernel.Actor{}, kernel.New(kernel.KindUnauthenticated, "unauthenticated", "not implemented")
}

// MissingUsers returns those of ids that name no existing user.
func (m *Module) MissingUsers(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	return nil, nil
}

// UserIDsByUsername resolves usernames (any case) to user ids, keyed by the
// lower-case name; unknown names are left out.
func (m *Module) UserIDsByUsername(ctx context.Context, usernames []string) (map[string]uuid.UUID, error) {
	return nil, nil
}

// SessionActive reports whether a session is still valid (not revoked,
// not expired).
func (m *Module) SessionActive(ctx context.Context, sessionID uuid.UUID) (bool, error) {
	return false, nil
}

// CreateUser creates a user from the command line (bootstrap).
func (m *Module) CreateUser(ctx context.Context, email, username, displayName, password string, admin bool) (uuid.UUID, error) {
	return uuid.Nil, nil
}

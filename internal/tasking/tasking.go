// Package tasking is the tasking bounded context: tasks, their statuses,
// priorities, due dates, assignees and tags. This file is its only entry
// point for the composition root: New wires the application and adapters,
// Routes mounts the HTTP API, Subscribe registers the event reactions.
package tasking

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
)

// UserDirectory is what tasking asks the identity context (satisfied
// structurally by *identity.Module in the composition root).
type UserDirectory interface {
	// MissingUsers returns those of ids that name no existing user.
	MissingUsers(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error)
}

// Deps are the module's dependencies.
type Deps struct {
	Pool   *pgxpool.Pool
	Bus    *events.Bus
	Clock  kernel.Clock
	IDs    kernel.IDs
	Logger *slog.Logger
	Users  UserDirectory
}

// Module is the wired tasking context.
type Module struct{ deps Deps }

// New wires the module.
func New(d Deps) *Module { return &Module{deps: d} }

// Routes mounts the HTTP API; auth guards every route.
func (m *Module) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {}

// Subscribe registers the module's reactions to other contexts' events.
func (m *Module) Subscribe(bus *events.Bus) {}

// TaskCreator answers other contexts: whether task id exists and who
// created it.
func (m *Module) TaskCreator(ctx context.Context, id uuid.UUID) (creator uuid.UUID, found bool, err error) {
	return uuid.Nil, false, nil
}

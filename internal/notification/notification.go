// Package notification is the notification bounded context: watchers, the
// inbox, and the live stream. This file is its only entry point for the
// composition root.
package notification

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
)

// TaskLookup is what notification asks the tasking context.
type TaskLookup interface {
	TaskCreator(ctx context.Context, id uuid.UUID) (creator uuid.UUID, found bool, err error)
}

// Sessions is what the live stream asks the identity context: whether the
// session a stream was opened with is still valid.
type Sessions interface {
	SessionActive(ctx context.Context, sessionID uuid.UUID) (bool, error)
}

// Deps are the module's dependencies.
type Deps struct {
	Pool      *pgxpool.Pool
	Bus       *events.Bus
	Clock     kernel.Clock
	IDs       kernel.IDs
	Logger    *slog.Logger
	Tasks     TaskLookup
	Sessions  Sessions
	Heartbeat time.Duration
}

// Module is the wired notification context.
type Module struct{ deps Deps }

// New wires the module.
func New(d Deps) *Module { return &Module{deps: d} }

// Routes mounts the HTTP API; auth guards every route.
func (m *Module) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {}

// Subscribe registers the module's reactions to other contexts' events.
func (m *Module) Subscribe(bus *events.Bus) {}

// Start runs the module's background work (the LISTEN loop feeding live
// streams) until ctx ends.
func (m *Module) Start(ctx context.Context) error { return nil }

// Package collaboration is the collaboration bounded context: comments,
// file attachments and time logs around a task. This file is its only entry
// point for the composition root.
package collaboration

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
)

// TaskLookup is what collaboration asks the tasking context (satisfied
// structurally by *tasking.Module).
type TaskLookup interface {
	TaskCreator(ctx context.Context, id uuid.UUID) (creator uuid.UUID, found bool, err error)
}

// UserDirectory is what collaboration asks the identity context (satisfied
// structurally by *identity.Module).
type UserDirectory interface {
	// UserIDsByUsername resolves lower-case usernames to user ids; unknown
	// names are left out of the map.
	UserIDsByUsername(ctx context.Context, usernames []string) (map[string]uuid.UUID, error)
	// MissingUsers returns those of ids that name no existing user.
	MissingUsers(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error)
}

// Deps are the module's dependencies.
type Deps struct {
	Pool               *pgxpool.Pool
	Bus                *events.Bus
	Clock              kernel.Clock
	IDs                kernel.IDs
	Logger             *slog.Logger
	Tasks              TaskLookup
	Users              UserDirectory
	AttachmentsDir     string
	AttachmentMaxBytes int64
}

// Module is the wired collaboration context.
type Module struct{ deps Deps }

// New wires the module.
func New(d Deps) (*Module, error) { return &Module{deps: d}, nil }

// Routes mounts the HTTP API; auth guards every route.
func (m *Module) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {}

// Subscribe registers the module's reactions to other contexts' events.
func (m *Module) Subscribe(bus *events.Bus) {}

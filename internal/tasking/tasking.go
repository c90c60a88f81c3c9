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

	identityevents "tasktracker/internal/identity/events"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/tasking/adapters/httpapi"
	pgrepo "tasktracker/internal/tasking/adapters/postgres"
	"tasktracker/internal/tasking/app"
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
type Module struct {
	deps   Deps
	runner postgres.TxRunner
	tasks  app.TaskService
	tags   app.TagService
}

// New wires the module.
func New(d Deps) *Module {
	runner := postgres.TxRunner{Pool: d.Pool}
	var bus events.Publisher
	if d.Bus != nil {
		bus = d.Bus
	}
	statuses := &pgrepo.Statuses{Runner: runner}
	svc := &app.Service{
		Tasks:    &pgrepo.Tasks{Runner: runner, Bus: bus, Statuses: statuses},
		TagRepo:  &pgrepo.Tags{Runner: runner},
		Statuses: statuses,
		Users:    d.Users,
		Clock:    d.Clock,
		IDs:      d.IDs,
	}
	return &Module{deps: d, runner: runner, tasks: app.TaskService{Service: svc}, tags: app.TagService{Service: svc}}
}

// Routes mounts the HTTP API; auth guards every route.
func (m *Module) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {
	httpapi.Handler{Tasks: m.tasks, Tags: m.tags}.Routes(e, auth)
}

// Subscribe registers the module's reactions to other contexts' events:
// a deleted user is removed from every task's assignees.
func (m *Module) Subscribe(bus *events.Bus) {
	bus.Subscribe("tasking.unassign_deleted_user", func(ctx context.Context, e events.Envelope) error {
		var p identityevents.UserDeleted
		if err := e.Decode(&p); err != nil {
			return err
		}
		return m.tasks.UserDeleted(ctx, p.UserID)
	}, identityevents.TypeUserDeleted)
}

// TaskCreator answers other contexts: whether task id exists and who
// created it.
func (m *Module) TaskCreator(ctx context.Context, id uuid.UUID) (creator uuid.UUID, found bool, err error) {
	return m.tasks.Creator(ctx, id)
}

// TaskTitle answers other contexts: whether task id exists and its title.
func (m *Module) TaskTitle(ctx context.Context, id uuid.UUID) (title string, found bool, err error) {
	return m.tasks.Title(ctx, id)
}

// SeedTasks bulk-loads n benchmark tasks created by and assigned to the
// given users (COPY; no events). For `tasktracker seed`.
func (m *Module) SeedTasks(ctx context.Context, n int, users []uuid.UUID) error {
	return pgrepo.SeedTasks(ctx, m.runner, n, users, m.deps.Clock.Now())
}

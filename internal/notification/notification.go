// Package notification is the notification bounded context: watchers, the
// inbox, and the live stream. This file is its only entry point for the
// composition root.
package notification

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/notification/adapters/httpapi"
	"tasktracker/internal/notification/adapters/postgres"
	"tasktracker/internal/notification/app"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
)

// TaskLookup is what notification asks the tasking context.
type TaskLookup interface {
	TaskCreator(ctx context.Context, id uuid.UUID) (creator uuid.UUID, found bool, err error)
	TaskTitle(ctx context.Context, id uuid.UUID) (title string, found bool, err error)
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
type Module struct {
	deps    Deps
	hub     *app.Hub
	service *app.Service
}

// New wires the module.
func New(d Deps) *Module {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	store := postgres.NewStore(d.Pool)
	hub := app.NewHub()
	svc := app.New(app.Deps{Watchers: store, Notifications: store, Directory: store, TaskLog: store,
		Tasks: d.Tasks, Sessions: d.Sessions, Feed: hub, Clock: d.Clock, IDs: d.IDs, Logger: d.Logger,
		Heartbeat: d.Heartbeat})
	return &Module{deps: d, hub: hub, service: svc}
}

// Routes mounts the HTTP API; auth guards every route.
func (m *Module) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {
	httpapi.Handlers{Inbox: m.service, Watching: m.service, Live: m.service}.Routes(e, auth)
}

// Subscribe registers the module's reactions to other contexts' events:
// one subscriber per event type, named "notification.<event>" (e.g.
// notification.comment_added).
func (m *Module) Subscribe(bus *events.Bus) {
	hs := m.service.Handlers()
	types := make([]string, 0, len(hs))
	for t := range hs {
		types = append(types, t)
	}
	sort.Strings(types)
	batch := m.service.BatchHandlers()
	for _, t := range types {
		_, what, _ := strings.Cut(t, ".")
		if bh, ok := batch[t]; ok {
			bus.SubscribeBatch("notification."+what, bh, t)
			continue
		}
		bus.Subscribe("notification."+what, hs[t], t)
	}
}

// Start runs the module's background work (the LISTEN loop feeding live
// streams) until ctx ends; then it ends the open streams.
func (m *Module) Start(ctx context.Context) error {
	defer m.hub.Close()
	return postgres.Listen(ctx, m.deps.Pool, m.hub, m.deps.Logger)
}

// OpenStreams counts this instance's open live streams.
func (m *Module) OpenStreams() int { return m.hub.Streams() }

// CloseStreams ends every open live stream of this instance (for a graceful
// shutdown, which otherwise waits for streams to end).
func (m *Module) CloseStreams() { m.hub.Close() }

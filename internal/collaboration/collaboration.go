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

	"tasktracker/internal/collaboration/adapters/blobfs"
	"tasktracker/internal/collaboration/adapters/httpapi"
	pgadapter "tasktracker/internal/collaboration/adapters/postgres"
	"tasktracker/internal/collaboration/app"
	identityevents "tasktracker/internal/identity/events"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/postgres"
	taskingevents "tasktracker/internal/tasking/events"
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
type Module struct {
	deps Deps
	svc  *app.Service
	http *httpapi.Handlers
}

// New wires the module; it fails when the attachments directory cannot be
// created.
func New(d Deps) (*Module, error) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	blobs, err := blobfs.New(d.AttachmentsDir)
	if err != nil {
		return nil, err
	}
	repos := pgadapter.New(postgres.TxRunner{Pool: d.Pool}, d.Bus)
	svc := &app.Service{Tasks: d.Tasks, Users: d.Users, Comments: repos.Comments, Attachments: repos.Attachments,
		TimeLogs: repos.TimeLogs, TaskData: repos.TaskData, Blobs: blobs, Clock: d.Clock, IDs: d.IDs,
		Logger: d.Logger, MaxBytes: d.AttachmentMaxBytes}
	return &Module{deps: d, svc: svc,
		http: &httpapi.Handlers{Comments: svc, Attachments: svc, TimeLogs: svc, MaxBytes: d.AttachmentMaxBytes}}, nil
}

// Routes mounts the HTTP API; auth guards every route.
func (m *Module) Routes(e *echo.Echo, auth echo.MiddlewareFunc) { m.http.Routes(e, auth) }

// Subscribe registers the module's reactions to other contexts' events:
// a deleted task takes its comments, attachments and time logs with it; a
// deleted user's running timer is discarded (docs/adr/collaboration-001);
// blob files go once the rows that pointed at them are deleted for good.
func (m *Module) Subscribe(bus *events.Bus) {
	bus.Subscribe("collaboration.task_deleted", func(ctx context.Context, e events.Envelope) error {
		var p taskingevents.TaskDeleted
		if err := e.Decode(&p); err != nil {
			return err
		}
		return m.svc.TaskDeleted(ctx, p.TaskID)
	}, taskingevents.TypeTaskDeleted)
	bus.Subscribe("collaboration.user_deleted", func(ctx context.Context, e events.Envelope) error {
		var p identityevents.UserDeleted
		if err := e.Decode(&p); err != nil {
			return err
		}
		return m.svc.UserDeleted(ctx, p.UserID)
	}, identityevents.TypeUserDeleted)
	bus.Subscribe("collaboration.blob_cleanup", func(ctx context.Context, e events.Envelope) error {
		var p pgadapter.BlobsReleased
		if err := e.Decode(&p); err != nil {
			return err
		}
		return m.svc.ReleaseBlobs(ctx, p.Keys)
	}, pgadapter.TypeBlobsReleased)
}

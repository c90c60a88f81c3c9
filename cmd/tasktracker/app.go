package main

import (
	"context"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"tasktracker/docs"
	"tasktracker/internal/collaboration"
	"tasktracker/internal/identity"
	"tasktracker/internal/notification"
	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/tasking"
)

// application is the composition root: every concrete adapter is built here
// and nowhere else.
type application struct {
	echo          *echo.Echo
	bus           *events.Bus
	identity      *identity.Module
	tasking       *tasking.Module
	collaboration *collaboration.Module
	notification  *notification.Module
}

func newApplication(cfg config.Config, pool *pgxpool.Pool, logger *slog.Logger) (*application, error) {
	bus, err := events.NewBus(pool, events.Options{Logger: logger, Workers: cfg.EventWorkers})
	if err != nil {
		return nil, err
	}
	clock, ids := kernel.SystemClock{}, kernel.UUIDv7{}

	idm := identity.New(identity.Deps{Pool: pool, Bus: bus, Clock: clock, IDs: ids, Logger: logger, Config: cfg})
	tm := tasking.New(tasking.Deps{Pool: pool, Bus: bus, Clock: clock, IDs: ids, Logger: logger, Users: idm})
	cm, err := collaboration.New(collaboration.Deps{Pool: pool, Bus: bus, Clock: clock, IDs: ids, Logger: logger,
		Tasks: tm, Users: idm, AttachmentsDir: cfg.AttachmentsDir, AttachmentMaxBytes: cfg.AttachmentMaxBytes})
	if err != nil {
		return nil, err
	}
	nm := notification.New(notification.Deps{Pool: pool, Bus: bus, Clock: clock, IDs: ids, Logger: logger,
		Tasks: tm, Sessions: idm, Heartbeat: cfg.NotificationHeartbeat})

	e := httpserver.New(httpserver.Options{
		Logger: logger, CORSOrigins: cfg.CORSOrigins, BodyLimit: "1M", RequestTimeout: cfg.RequestTimeout,
		Pool: pool, OpenAPI: docs.OpenAPI,
		Streaming: httpserver.IsStreamingPath("/attachments", "/notifications/stream"),
	})
	auth := httpserver.RequireAuth(idm)
	idm.Routes(e, auth)
	tm.Routes(e, auth)
	cm.Routes(e, auth)
	nm.Routes(e, auth)

	idm.Subscribe(bus)
	tm.Subscribe(bus)
	cm.Subscribe(bus)
	nm.Subscribe(bus)

	return &application{echo: e, bus: bus, identity: idm, tasking: tm, collaboration: cm, notification: nm}, nil
}

// start runs the background work: event delivery and the notification
// listener. It returns a function that stops them.
func (a *application) start(ctx context.Context) (stop func(context.Context) error, err error) {
	if err := a.bus.Start(ctx); err != nil {
		return nil, err
	}
	lctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{a.identity.Start, a.notification.Start} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = run(lctx)
		}()
	}
	return func(sctx context.Context) error {
		cancel()
		wg.Wait()
		return a.bus.Stop(sctx)
	}, nil
}

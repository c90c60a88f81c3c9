// Package httpapi is the notification context's HTTP adapter: the inbox,
// the watchers of a task, and the live stream of server-sent events.
package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/notification/domain"
	"tasktracker/internal/notification/ports"
	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pagination"
)

// Handlers serve the notification routes.
type Handlers struct {
	Inbox    ports.Inbox
	Watching ports.Watching
	Live     ports.Live
}

// Routes mounts the routes; auth guards every one.
func (h Handlers) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.GET("/notifications", h.list, auth)
	e.GET("/notifications/unread-count", h.unreadCount, auth)
	e.POST("/notifications/read-all", h.readAll, auth)
	e.GET("/notifications/stream", h.stream, auth)
	e.POST("/notifications/:id/read", h.read, auth)
	e.PUT("/tasks/:id/watchers/me", h.watch, auth)
	e.DELETE("/tasks/:id/watchers/me", h.unwatch, auth)
	e.GET("/tasks/:id/watchers", h.watchers, auth)
}

// NotificationDTO is a notification as the API shows it.
type NotificationDTO struct {
	ID        uuid.UUID  `json:"id"`
	Type      string     `json:"type"`
	TaskID    uuid.UUID  `json:"task_id"`
	ActorID   *uuid.UUID `json:"actor_id"`
	Text      string     `json:"text"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

func toDTO(n domain.Notification) NotificationDTO {
	d := NotificationDTO{ID: n.ID(), Type: string(n.Type()), TaskID: n.TaskID(), Text: n.Text(),
		ReadAt: n.ReadAt(), CreatedAt: n.CreatedAt()}
	if a := n.ActorID(); a != uuid.Nil {
		d.ActorID = &a
	}
	return d
}

type watcherDTO struct {
	UserID    uuid.UUID `json:"user_id"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

func boolQuery(c echo.Context, name string) (bool, error) {
	switch c.QueryParam(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, kernel.Invalid(name, "must be true or false")
}

func (h Handlers) list(c echo.Context) error {
	var v kernel.Validation
	limit, err := pagination.Limit(c.QueryParam("limit"))
	v.Merge(err)
	unread, err := boolQuery(c, "unread")
	v.Merge(err)
	var before uuid.UUID
	hasCursor, err := pagination.Decode(c.QueryParam("cursor"), &before)
	v.Merge(err)
	if err := v.Err(); err != nil {
		return err
	}
	q := ports.InboxQuery{UnreadOnly: unread, Limit: limit}
	if hasCursor {
		q.Before = &before
	}
	items, more, err := h.Inbox.List(c.Request().Context(), httpserver.Actor(c), q)
	if err != nil {
		return err
	}
	out := make([]NotificationDTO, len(items))
	for i, n := range items {
		out[i] = toDTO(n)
	}
	next := ""
	if more {
		next = pagination.Encode(items[len(items)-1].ID())
	}
	return httpserver.WritePage(c, out, next)
}

func (h Handlers) unreadCount(c echo.Context) error {
	n, err := h.Inbox.UnreadCount(c.Request().Context(), httpserver.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"count": n})
}

func (h Handlers) read(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	n, err := h.Inbox.MarkRead(c.Request().Context(), httpserver.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDTO(n))
}

func (h Handlers) readAll(c echo.Context) error {
	n, err := h.Inbox.MarkAllRead(c.Request().Context(), httpserver.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"updated": n})
}

func (h Handlers) watch(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.Watching.Watch(c.Request().Context(), httpserver.Actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h Handlers) unwatch(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.Watching.Unwatch(c.Request().Context(), httpserver.Actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h Handlers) watchers(c echo.Context) error {
	var v kernel.Validation
	id, err := httpserver.UUIDParam(c, "id")
	v.Merge(err)
	limit, err := pagination.Limit(c.QueryParam("limit"))
	v.Merge(err)
	var after ports.WatcherCursor
	hasCursor, err := pagination.Decode(c.QueryParam("cursor"), &after)
	v.Merge(err)
	if err := v.Err(); err != nil {
		return err
	}
	var cur *ports.WatcherCursor
	if hasCursor {
		cur = &after
	}
	items, more, err := h.Watching.Watchers(c.Request().Context(), httpserver.Actor(c), id, cur, limit)
	if err != nil {
		return err
	}
	out := make([]watcherDTO, len(items))
	for i, w := range items {
		out[i] = watcherDTO{UserID: w.UserID(), Source: string(w.Source()), CreatedAt: w.CreatedAt()}
	}
	next := ""
	if more {
		last := items[len(items)-1]
		next = pagination.Encode(ports.WatcherCursor{CreatedAt: last.CreatedAt(), UserID: last.UserID()})
	}
	return httpserver.WritePage(c, out, next)
}

// stream serves GET /notifications/stream as server-sent events: each
// notification is one event (id: its id, event: notification, data: its
// JSON); ": ping" comments keep the connection alive.
func (h Handlers) stream(c echo.Context) error {
	var last *uuid.UUID
	if raw := c.Request().Header.Get("Last-Event-ID"); raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			return kernel.Invalid("Last-Event-ID", "must be the id of a notification (a UUID)")
		}
		last = &id
	}
	w := &sseWriter{res: c.Response()}
	err := h.Live.Stream(c.Request().Context(), httpserver.Actor(c), last, w)
	if err != nil && w.opened {
		return nil // the response has begun: nothing more can be said
	}
	return err
}

type sseWriter struct {
	res    *echo.Response
	opened bool
}

func (w *sseWriter) Open() error {
	h := w.res.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.res.WriteHeader(http.StatusOK)
	w.opened = true
	return w.write(": connected\nretry: 3000\n\n")
}

func (w *sseWriter) Notification(n domain.Notification) error {
	b, err := json.Marshal(toDTO(n))
	if err != nil {
		return err
	}
	return w.write(fmt.Sprintf("id: %s\nevent: notification\ndata: %s\n\n", n.ID(), b))
}

func (w *sseWriter) Heartbeat() error { return w.write(": ping\n\n") }

func (w *sseWriter) write(s string) error {
	if _, err := w.res.Write([]byte(s)); err != nil {
		return err
	}
	w.res.Flush()
	return nil
}

// Package httpapi is the HTTP adapter of the collaboration context: Echo
// handlers for comments, attachments and time logs.
package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pagination"
)

// Handlers serve the collaboration routes.
type Handlers struct {
	Comments    ports.Comments
	Attachments ports.Attachments
	TimeLogs    ports.TimeLogs
	// MaxBytes is the attachment limit (the request body may carry a
	// little more for the form's other parts).
	MaxBytes int64
}

// Routes mounts every route behind auth. Upload routes end in
// "/attachments" so the platform exempts them from the JSON body limit and
// the request timeout.
func (h *Handlers) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {
	g := authed{e, auth} // not an Echo group: a group's middleware would answer unknown routes with 401
	g.POST("/tasks/:id/comments", h.addComment)
	g.GET("/tasks/:id/comments", listByTask(h.Comments.ListComments, toComment))
	g.PATCH("/comments/:id", h.editComment)
	g.DELETE("/comments/:id", deleteByID(h.Comments.DeleteComment))

	g.POST("/attachments", h.uploadForm)
	g.POST("/tasks/:id/attachments", h.uploadToTask)
	g.GET("/tasks/:id/attachments", listByTask(h.Attachments.ListAttachments, toAttachment))
	g.GET("/attachments/:id", h.getAttachment)
	g.GET("/attachments/:id/content", h.download)
	g.HEAD("/attachments/:id/content", h.download) // the same headers, no body (http.ServeContent)
	g.DELETE("/attachments/:id", deleteByID(h.Attachments.DeleteAttachment))

	g.POST("/tasks/:id/time-logs", h.logTime)
	g.GET("/tasks/:id/time-logs", listByTask(h.TimeLogs.ListTimeLogs, toTimeLog))
	g.PATCH("/time-logs/:id", h.updateTimeLog)
	g.DELETE("/time-logs/:id", deleteByID(h.TimeLogs.DeleteTimeLog))
	g.GET("/tasks/:id/time-summary", h.timeSummary)
	g.GET("/users/:id/time-logs", h.userTimeLogs)
	g.POST("/tasks/:id/timer/start", h.startTimer)
	g.POST("/timer/stop", h.stopTimer)
	g.GET("/timer", h.getTimer)
}

// authed registers routes with the auth middleware on each.
type authed struct {
	e    *echo.Echo
	auth echo.MiddlewareFunc
}

func (a authed) GET(p string, h echo.HandlerFunc)    { a.e.GET(p, h, a.auth) }
func (a authed) HEAD(p string, h echo.HandlerFunc)   { a.e.HEAD(p, h, a.auth) }
func (a authed) POST(p string, h echo.HandlerFunc)   { a.e.POST(p, h, a.auth) }
func (a authed) PATCH(p string, h echo.HandlerFunc)  { a.e.PATCH(p, h, a.auth) }
func (a authed) DELETE(p string, h echo.HandlerFunc) { a.e.DELETE(p, h, a.auth) }

// pageRequest reads ?limit= and ?cursor=.
func pageRequest(c echo.Context) (ports.PageRequest, error) {
	limit, err := pagination.Limit(c.QueryParam("limit"))
	if err != nil {
		return ports.PageRequest{}, err
	}
	p := ports.PageRequest{Limit: limit}
	var k ports.Keyset
	ok, err := pagination.Decode(c.QueryParam("cursor"), &k)
	if err != nil {
		return p, err
	}
	if ok {
		p.After = &k
	}
	return p, nil
}

func nextCursor(k *ports.Keyset) string {
	if k == nil {
		return ""
	}
	return pagination.Encode(k)
}

// listByTask serves GET /tasks/{id}/…: one page of a task's items as DTOs.
func listByTask[T, D any](fetch func(context.Context, uuid.UUID, ports.PageRequest) ([]T, *ports.Keyset, error), dto func(T) D) echo.HandlerFunc {
	return func(c echo.Context) error {
		taskID, err := pathID(c)
		if err != nil {
			return err
		}
		p, err := pageRequest(c)
		if err != nil {
			return err
		}
		items, next, err := fetch(c.Request().Context(), taskID, p)
		if err != nil {
			return err
		}
		out := make([]D, 0, len(items))
		for _, it := range items {
			out = append(out, dto(it))
		}
		return httpserver.WritePage(c, out, nextCursor(next))
	}
}

// deleteByID serves DELETE /…/{id}: 204 once del succeeds.
func deleteByID(del func(context.Context, kernel.Actor, uuid.UUID) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if err := del(c.Request().Context(), httpserver.Actor(c), id); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

func pathID(c echo.Context) (uuid.UUID, error) { return httpserver.UUIDParam(c, "id") }

// parseTime reads an RFC 3339 timestamp, or with dateOK a YYYY-MM-DD date
// (midnight UTC).
func parseTime(field, raw string, dateOK bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		return t.UTC(), nil
	}
	if dateOK {
		if t, err := time.Parse(time.DateOnly, raw); err == nil {
			return t, nil
		}
		return time.Time{}, kernel.Invalid(field, "must be an RFC 3339 timestamp or a YYYY-MM-DD date")
	}
	return time.Time{}, kernel.Invalid(field, "must be an RFC 3339 timestamp")
}

func optTime(field string, raw *string) (*time.Time, error) {
	if raw == nil {
		return nil, nil
	}
	t, err := parseTime(field, *raw, false)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

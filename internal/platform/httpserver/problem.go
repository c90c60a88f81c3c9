package httpserver

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/kernel"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail,omitempty"`
	Instance string              `json:"instance,omitempty"`
	Code     string              `json:"code"`
	Errors   []kernel.FieldError `json:"errors,omitempty"`
	Extra    map[string]any      `json:"-"`
}

// MarshalJSON inlines the extension members.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	if len(p.Extra) == 0 {
		return jsonMarshal(plain(p))
	}
	m := map[string]any{}
	for k, v := range p.Extra {
		m[k] = v
	}
	m["type"], m["title"], m["status"], m["code"] = p.Type, p.Title, p.Status, p.Code
	if p.Detail != "" {
		m["detail"] = p.Detail
	}
	if p.Instance != "" {
		m["instance"] = p.Instance
	}
	if len(p.Errors) > 0 {
		m["errors"] = p.Errors
	}
	return jsonMarshal(m)
}

var kindStatus = map[kernel.Kind]int{
	kernel.KindInternal:         http.StatusInternalServerError,
	kernel.KindValidation:       http.StatusBadRequest,
	kernel.KindUnauthenticated:  http.StatusUnauthorized,
	kernel.KindForbidden:        http.StatusForbidden,
	kernel.KindNotFound:         http.StatusNotFound,
	kernel.KindConflict:         http.StatusConflict,
	kernel.KindPrecondition:     http.StatusPreconditionFailed,
	kernel.KindTooLarge:         http.StatusRequestEntityTooLarge,
	kernel.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
	kernel.KindRateLimited:      http.StatusTooManyRequests,
	kernel.KindUnavailable:      http.StatusServiceUnavailable,
}

var echoCodes = map[int]string{
	http.StatusNotFound:                     "route_not_found",
	http.StatusMethodNotAllowed:             "method_not_allowed",
	http.StatusRequestEntityTooLarge:        "body_too_large",
	http.StatusUnsupportedMediaType:         "unsupported_media_type",
	http.StatusUnauthorized:                 "unauthenticated",
	http.StatusTooManyRequests:              "rate_limited",
	http.StatusServiceUnavailable:           "unavailable",
	http.StatusBadRequest:                   "bad_request",
	http.StatusRequestedRangeNotSatisfiable: "range_not_satisfiable",
	StatusClientClosedRequest:               "client_closed_request",
}

// StatusClientClosedRequest is the status (nginx's convention) logged and
// counted for a request whose client went away before it was answered:
// its work was cancelled, and it is no server error.
const StatusClientClosedRequest = 499

// StatusOf returns the HTTP status an error answers with.
func StatusOf(err error) int {
	var ke *kernel.Error
	if errors.As(err, &ke) {
		return kindStatus[ke.Kind]
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code
	}
	return http.StatusInternalServerError
}

// ProblemFor turns any error into a problem. Internal errors say nothing
// about their cause.
func ProblemFor(err error) Problem {
	var ke *kernel.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ke):
		status := kindStatus[ke.Kind]
		if ke.Kind == kernel.KindInternal {
			break
		}
		return Problem{Type: "/problems/" + ke.Code, Title: http.StatusText(status), Status: status,
			Detail: ke.Message, Code: ke.Code, Errors: ke.Fields, Extra: ke.Extra}
	case errors.As(err, &he) && (he.Code < 500 || he.Code == http.StatusServiceUnavailable):
		code, ok := echoCodes[he.Code]
		if !ok {
			code = "http_" + strconv.Itoa(he.Code)
		}
		title := http.StatusText(he.Code)
		if he.Code == StatusClientClosedRequest {
			title = "Client Closed Request"
		}
		detail := title
		if m, ok := he.Message.(string); ok {
			detail = m
		}
		return Problem{Type: "/problems/" + code, Title: title, Status: he.Code, Detail: detail, Code: code}
	case errors.Is(err, context.DeadlineExceeded):
		return Problem{Type: "/problems/timeout", Title: http.StatusText(503), Status: 503,
			Detail: "the request took too long, try again later", Code: "timeout"}
	}
	return Problem{Type: "/problems/internal", Title: http.StatusText(500), Status: 500,
		Detail: "an unexpected error occurred; it has been logged", Code: "internal"}
}

// errorHandler writes every error as application/problem+json.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
			err = echo.NewHTTPError(StatusClientClosedRequest, "the client closed the request before it was answered")
		}
		p := ProblemFor(err)
		if p.Status >= 500 {
			logger.ErrorContext(c.Request().Context(), "request failed", "error", err,
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "route", c.Path())
		}
		p.Instance = c.Request().URL.Path
		h := c.Response().Header()
		var ke *kernel.Error
		if errors.As(err, &ke) {
			if ke.Kind == kernel.KindRateLimited && ke.RetryAfter > 0 {
				h.Set("Retry-After", strconv.Itoa(int((ke.RetryAfter+time.Second-1)/time.Second)))
			}
		}
		if p.Status == http.StatusUnauthorized {
			h.Set("WWW-Authenticate", `Bearer realm="tasktracker"`)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(p.Status)
			return
		}
		body, mErr := p.MarshalJSON()
		if mErr != nil {
			body = []byte(`{"type":"/problems/internal","title":"Internal Server Error","status":500,"code":"internal"}`)
		}
		_ = c.Blob(p.Status, "application/problem+json", body)
	}
}

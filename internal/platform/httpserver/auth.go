package httpserver

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/kernel"
)

// Authenticator resolves a bearer token to the acting user. The identity
// context provides it; the platform only knows this interface.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (kernel.Actor, error)
}

// ErrUnauthenticated answers a request without a valid token.
var ErrUnauthenticated = kernel.New(kernel.KindUnauthenticated, "unauthenticated", "a valid bearer token is required")

const actorKey = "tasktracker.actor"

// RequireAuth rejects requests without a valid bearer token (401 with
// WWW-Authenticate) and stores the actor for Actor.
func RequireAuth(a Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			token, ok := BearerToken(c)
			if !ok {
				return ErrUnauthenticated
			}
			actor, err := a.Authenticate(c.Request().Context(), token)
			if err != nil {
				return err
			}
			c.Set(actorKey, actor)
			c.SetRequest(c.Request().WithContext(kernel.ContextWithActor(c.Request().Context(), actor)))
			return next(c)
		}
	}
}

// BearerToken returns the token of the Authorization header.
func BearerToken(c echo.Context) (string, bool) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// Actor returns the authenticated user of a request behind RequireAuth.
func Actor(c echo.Context) kernel.Actor {
	a, _ := c.Get(actorKey).(kernel.Actor)
	return a
}

// Package httpapi is the identity context's HTTP adapter: users, login,
// sessions and /me.
package httpapi

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/identity/domain"
	"tasktracker/internal/identity/ports"
	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pagination"
)

// Handler serves the identity routes.
type Handler struct {
	Users ports.Users
	Auth  httpserver.Authenticator
}

// Routes mounts the routes; auth guards those that need a session.
func (h *Handler) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.POST("/users", h.signUp)
	e.POST("/auth/login", h.login)
	e.GET("/users", h.list, auth)
	e.GET("/users/:id", h.get, auth)
	e.PUT("/users/:id", h.update, auth)
	e.PATCH("/users/:id", h.update, auth)
	e.DELETE("/users/:id", h.delete, auth)
	e.PUT("/users/:id/password", h.changePassword, auth)
	e.POST("/auth/logout", h.logout, auth)
	e.GET("/auth/sessions", h.sessions, auth)
	e.DELETE("/auth/sessions/:id", h.revokeSession, auth)
	e.GET("/me", h.me, auth)
}

// User is the public view of a user (never the password hash).
type User struct {
	ID          uuid.UUID `json:"id"`
	Email       string    `json:"email"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        string    `json:"role"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toUser(u *domain.User) User {
	return User{ID: u.ID(), Email: u.Email(), Username: u.Username(), DisplayName: u.DisplayName(),
		Role: string(u.Role()), Version: u.Version(), CreatedAt: u.CreatedAt(), UpdatedAt: u.UpdatedAt()}
}

func writeUser(c echo.Context, status int, u *domain.User) error {
	httpserver.SetVersionETag(c, u.Version())
	return c.JSON(status, toUser(u))
}

type signUpRequest struct {
	Email       string `json:"email"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
}

func (h *Handler) signUp(c echo.Context) error {
	var req signUpRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	// An admin's token lets them create users while sign-up is closed.
	var actor *kernel.Actor
	if token, ok := httpserver.BearerToken(c); ok {
		a, err := h.Auth.Authenticate(c.Request().Context(), token)
		if err != nil {
			return err
		}
		actor = &a
	}
	u, err := h.Users.SignUp(c.Request().Context(), actor, ports.SignUp{Email: req.Email, Username: req.Username,
		DisplayName: req.DisplayName, Password: req.Password, ClientIP: c.RealIP()})
	if err != nil {
		return err
	}
	httpserver.SetVersionETag(c, u.Version())
	return httpserver.Created(c, "/users/"+u.ID().String(), toUser(u))
}

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	TokenType string    `json:"token_type"`
	ExpiresAt time.Time `json:"expires_at"`
	SessionID uuid.UUID `json:"session_id"`
	User      User      `json:"user"`
}

func (h *Handler) login(c echo.Context) error {
	var req loginRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	res, err := h.Users.Login(c.Request().Context(), ports.Login{Login: req.Login, Password: req.Password,
		ClientIP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, loginResponse{Token: res.Token, TokenType: "Bearer", ExpiresAt: res.Session.ExpiresAt(),
		SessionID: res.Session.ID, User: toUser(res.User)})
}

type userCursor struct {
	After uuid.UUID `json:"a"`
}

func (h *Handler) list(c echo.Context) error {
	limit, err := pagination.Limit(c.QueryParam("limit"))
	if err != nil {
		return err
	}
	f := ports.UserFilter{Query: c.QueryParam("q"), Limit: limit + 1}
	if len(f.Query) > 200 {
		return kernel.Invalid("q", "must have at most 200 characters")
	}
	var cur userCursor
	if ok, err := pagination.Decode(c.QueryParam("cursor"), &cur); err != nil {
		return err
	} else if ok {
		f.After = &cur.After
	}
	users, err := h.Users.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	next := ""
	if len(users) > limit {
		users = users[:limit]
		next = pagination.Encode(userCursor{After: users[limit-1].ID()})
	}
	items := make([]User, len(users))
	for i, u := range users {
		items[i] = toUser(u)
	}
	return httpserver.WritePage(c, items, next)
}

func (h *Handler) get(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	u, err := h.Users.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if httpserver.NotModified(c, httpserver.VersionETag(u.Version())) {
		return nil
	}
	return writeUser(c, http.StatusOK, u)
}

type updateRequest struct {
	Email       kernel.Optional[string] `json:"email"`
	Username    kernel.Optional[string] `json:"username"`
	DisplayName kernel.Optional[string] `json:"display_name"`
	Role        kernel.Optional[string] `json:"role"`
}

func (h *Handler) update(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	var req updateRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	var v kernel.Validation
	for name, o := range map[string]kernel.Optional[string]{"email": req.Email, "username": req.Username, "role": req.Role} {
		v.Check(!o.Null, name, "cannot be null")
	}
	if !req.Email.Set && !req.Username.Set && !req.DisplayName.Set && !req.Role.Set {
		v.Add("body", "give at least one of email, username, display_name, role")
	}
	if err := v.Err(); err != nil {
		return err
	}
	ifVersion, err := httpserver.IfMatchVersion(c)
	if err != nil {
		return err
	}
	display := req.DisplayName.Ptr()
	if req.DisplayName.Null { // null resets the display name to the username
		empty := ""
		display = &empty
	}
	u, err := h.Users.Update(c.Request().Context(), httpserver.Actor(c), id, ports.UserChanges{
		Email: req.Email.Ptr(), Username: req.Username.Ptr(), DisplayName: display, Role: req.Role.Ptr(), IfVersion: ifVersion})
	if err != nil {
		return err
	}
	return writeUser(c, http.StatusOK, u)
}

func (h *Handler) delete(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.Users.Delete(c.Request().Context(), httpserver.Actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (h *Handler) changePassword(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	var req passwordRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.Users.ChangePassword(c.Request().Context(), httpserver.Actor(c), id, req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *Handler) logout(c echo.Context) error {
	if err := h.Users.Logout(c.Request().Context(), httpserver.Actor(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// Session is the public view of a session (never its token or digest).
type Session struct {
	ID         uuid.UUID `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
	IP         string    `json:"ip"`
	Current    bool      `json:"current"`
}

func (h *Handler) sessions(c echo.Context) error {
	actor := httpserver.Actor(c)
	list, err := h.Users.ListSessions(c.Request().Context(), actor)
	if err != nil {
		return err
	}
	items := make([]Session, len(list))
	for i, s := range list {
		items[i] = Session{ID: s.ID, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt(),
			UserAgent: s.UserAgent, IP: s.IP, Current: s.ID == actor.SessionID}
	}
	return httpserver.WritePage(c, items, "")
}

func (h *Handler) revokeSession(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.Users.RevokeSession(c.Request().Context(), httpserver.Actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *Handler) me(c echo.Context) error {
	u, err := h.Users.Get(c.Request().Context(), httpserver.Actor(c).UserID)
	if err != nil {
		return err
	}
	return writeUser(c, http.StatusOK, u)
}

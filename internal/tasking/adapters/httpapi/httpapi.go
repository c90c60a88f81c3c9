// Package httpapi is the tasking context's driving adapter: the Echo
// handlers of statuses, tasks, their assignees and tags, and tags.
package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pagination"
	"tasktracker/internal/tasking/domain"
	"tasktracker/internal/tasking/ports"
)

// Handler serves the tasking routes.
type Handler struct {
	Tasks ports.Tasks
	Tags  ports.Tags
}

// Routes mounts the routes, each behind auth (not a group: a group's
// middleware would also answer unknown routes). A trailing slash is removed
// before routing, so /tasks/ is /tasks.
func (h Handler) Routes(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.GET("/statuses", h.statuses, auth)
	e.POST("/tasks", h.createTask, auth)
	e.GET("/tasks", h.listTasks, auth)
	e.GET("/tasks/:id", h.getTask, auth)
	e.PUT("/tasks/:id", h.updateTask, auth)
	e.PATCH("/tasks/:id", h.updateTask, auth)
	e.DELETE("/tasks/:id", h.deleteTask, auth)
	e.PUT("/tasks/:id/assignees/:user_id", h.assign, auth)
	e.DELETE("/tasks/:id/assignees/:user_id", h.unassign, auth)
	e.PUT("/tasks/:id/tags/:tag_id", h.addTag, auth)
	e.DELETE("/tasks/:id/tags/:tag_id", h.removeTag, auth)
	e.POST("/tags", h.createTag, auth)
	e.GET("/tags", h.listTags, auth)
	e.DELETE("/tags/:id", h.deleteTag, auth)
}

func (h Handler) statuses(c echo.Context) error {
	all, err := h.Tasks.Statuses(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]statusDTO, len(all))
	for i, s := range all {
		out[i] = toStatus(s)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func writeTask(c echo.Context, status int, t *domain.Task) error {
	httpserver.SetVersionETag(c, t.Version())
	if status == http.StatusCreated {
		return httpserver.Created(c, "/tasks/"+t.ID().String(), toTask(t))
	}
	return c.JSON(status, toTask(t))
}

func (h Handler) createTask(c echo.Context) error {
	var req createTaskRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	var v kernel.Validation
	in := ports.CreateTask{Description: req.Description, StatusID: req.StatusID, Priority: req.Priority}
	if req.Title == nil {
		v.Add("title", "is required")
	} else {
		in.Title = *req.Title
	}
	if req.DueAt != nil {
		in.DueAt = parseTime(&v, "due_at", *req.DueAt)
	}
	in.AssigneeIDs = parseIDs(&v, "assignee_ids", req.AssigneeIDs)
	in.TagIDs = parseIDs(&v, "tag_ids", req.TagIDs)
	if err := v.Err(); err != nil {
		return err
	}
	t, err := h.Tasks.Create(c.Request().Context(), httpserver.Actor(c), in)
	if err != nil {
		return err
	}
	return writeTask(c, http.StatusCreated, t)
}

func (h Handler) getTask(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	t, err := h.Tasks.Get(c.Request().Context(), httpserver.Actor(c), id)
	if err != nil {
		return err
	}
	if httpserver.NotModified(c, `"`+strconv.FormatInt(t.Version(), 10)+`"`) {
		return nil
	}
	return writeTask(c, http.StatusOK, t)
}

// idAndIfMatch reads the task id of the path and the If-Match version of a
// write.
func idAndIfMatch(c echo.Context) (uuid.UUID, *int64, error) {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return uuid.Nil, nil, err
	}
	ifMatch, err := httpserver.IfMatchVersion(c)
	return id, ifMatch, err
}

func (h Handler) updateTask(c echo.Context) error {
	id, ifMatch, err := idAndIfMatch(c)
	if err != nil {
		return err
	}
	var req updateTaskRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	var v kernel.Validation
	in := ports.UpdateTask{Title: req.Title, Description: req.Description, StatusID: req.StatusID,
		Priority: req.Priority, IfMatch: ifMatch}
	if req.DueAt.Set {
		in.DueAt.Set, in.DueAt.Null = true, req.DueAt.Null
		if !req.DueAt.Null {
			if t := parseTime(&v, "due_at", req.DueAt.Value); t != nil {
				in.DueAt.Value = *t
			}
		}
	}
	in.AssigneeIDs = optionalIDs(&v, "assignee_ids", req.AssigneeIDs)
	in.TagIDs = optionalIDs(&v, "tag_ids", req.TagIDs)
	if err := v.Err(); err != nil {
		return err
	}
	t, err := h.Tasks.Update(c.Request().Context(), httpserver.Actor(c), id, in)
	if err != nil {
		return err
	}
	return writeTask(c, http.StatusOK, t)
}

// optionalIDs parses a list of ids where null means the empty list.
func optionalIDs(v *kernel.Validation, field string, o kernel.Optional[[]string]) kernel.Optional[[]uuid.UUID] {
	if !o.Set {
		return kernel.Optional[[]uuid.UUID]{}
	}
	return kernel.Some(parseIDs(v, field, o.Value))
}

func (h Handler) deleteTask(c echo.Context) error {
	id, ifMatch, err := idAndIfMatch(c)
	if err != nil {
		return err
	}
	if err := h.Tasks.Delete(c.Request().Context(), httpserver.Actor(c), id, ifMatch); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type relationOp = func(ctx context.Context, a kernel.Actor, id, other uuid.UUID, ifMatch *int64) (*domain.Task, error)

// relation runs one of the idempotent sub-resource edits and answers 204
// with the task's new ETag.
func relation(c echo.Context, param string, op relationOp) error {
	id, ifMatch, err := idAndIfMatch(c)
	if err != nil {
		return err
	}
	other, err := httpserver.UUIDParam(c, param)
	if err != nil {
		return err
	}
	t, err := op(c.Request().Context(), httpserver.Actor(c), id, other, ifMatch)
	if err != nil {
		return err
	}
	httpserver.SetVersionETag(c, t.Version())
	return c.NoContent(http.StatusNoContent)
}

func (h Handler) assign(c echo.Context) error    { return relation(c, "user_id", h.Tasks.Assign) }
func (h Handler) unassign(c echo.Context) error  { return relation(c, "user_id", h.Tasks.Unassign) }
func (h Handler) addTag(c echo.Context) error    { return relation(c, "tag_id", h.Tasks.AddTag) }
func (h Handler) removeTag(c echo.Context) error { return relation(c, "tag_id", h.Tasks.RemoveTag) }

// cursor is the keyset position of a task list, bound to its sort.
type cursor struct {
	Sort string     `json:"s"`
	Time *time.Time `json:"t,omitempty"`
	Rank *int       `json:"r,omitempty"`
	ID   uuid.UUID  `json:"id"`
}

func encodeCursor(sort ports.Sort, p *ports.Position) string {
	c := cursor{Sort: string(sort), Time: p.Time, ID: p.ID}
	if sort == ports.SortPriority {
		r := p.Rank
		c.Rank, c.Time = &r, nil
	}
	return pagination.Encode(c)
}

func decodeCursor(raw string, sort ports.Sort) (*ports.Position, error) {
	var c cursor
	ok, err := pagination.Decode(raw, &c)
	if err != nil || !ok {
		return nil, err
	}
	bad := kernel.Invalid("cursor", "is not a cursor returned by this list")
	switch {
	case c.Sort != string(sort):
		return nil, kernel.Invalid("cursor", "was made for sort "+strconv.Quote(c.Sort)+"; start again without a cursor")
	case c.ID == uuid.Nil:
		return nil, bad
	case sort == ports.SortPriority:
		if c.Rank == nil || *c.Rank < 0 || *c.Rank > 3 {
			return nil, bad
		}
		return &ports.Position{Rank: *c.Rank, ID: c.ID}, nil
	case c.Time == nil && sort != ports.SortDueAt:
		return nil, bad
	}
	return &ports.Position{Time: c.Time, ID: c.ID}, nil
}

const maxQuery = 200

func (h Handler) listTasks(c echo.Context) error {
	q := c.QueryParams()
	var v kernel.Validation
	limit, err := pagination.Limit(q.Get("limit"))
	v.Merge(err)
	in := ports.ListTasks{Limit: limit, Sort: ports.SortCreatedDesc}
	if s := q.Get("sort"); s != "" {
		in.Sort = ports.Sort(s)
		valid := false
		for _, ok := range ports.Sorts {
			valid = valid || ok == in.Sort
		}
		if !valid {
			v.Add("sort", "must be one of created_at, -created_at, updated_at, -updated_at, due_at, priority")
		}
	}
	if s := q.Get("status_id"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add("status_id", "must be an integer")
		} else {
			in.Filter.StatusID = &n
		}
	}
	in.Filter.AssigneeID = uuidQuery(&v, q.Get("assignee_id"), "assignee_id")
	if s := q.Get("assignee"); s != "" {
		if s != "me" || in.Filter.AssigneeID != nil {
			v.Add("assignee", `must be "me" (or use assignee_id)`)
		} else {
			me := httpserver.Actor(c).UserID
			in.Filter.AssigneeID = &me
		}
	}
	if s := q.Get("tag"); s != "" {
		if id, err := uuid.Parse(s); err == nil {
			in.Filter.TagID = &id
		} else if utf8.RuneCountInString(s) > domain.MaxTagName || !domain.Storable(s) {
			v.Add("tag", "must be a tag id or name")
		} else {
			in.Filter.TagName = s
		}
	}
	in.Filter.CreatedBy = uuidQuery(&v, q.Get("created_by"), "created_by")
	if s := q.Get("q"); utf8.RuneCountInString(s) > maxQuery {
		v.Add("q", "must be at most 200 characters")
	} else {
		in.Filter.Query = s
	}
	if s := q.Get("due_before"); s != "" {
		in.Filter.DueBefore = parseTime(&v, "due_before", s)
	}
	if s := q.Get("due_after"); s != "" {
		in.Filter.DueAfter = parseTime(&v, "due_after", s)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if in.After, err = decodeCursor(q.Get("cursor"), in.Sort); err != nil {
		return err
	}
	page, err := h.Tasks.List(c.Request().Context(), httpserver.Actor(c), in)
	if err != nil {
		return err
	}
	items := make([]taskDTO, len(page.Items))
	for i, t := range page.Items {
		items[i] = toTask(t)
	}
	next := ""
	if page.Next != nil {
		next = encodeCursor(in.Sort, page.Next)
	}
	return httpserver.WritePage(c, items, next)
}

func uuidQuery(v *kernel.Validation, raw, field string) *uuid.UUID {
	if raw == "" {
		return nil
	}
	id, err := uuid.Parse(raw)
	if err != nil {
		v.Add(field, "must be a UUID")
		return nil
	}
	return &id
}

func (h Handler) createTag(c echo.Context) error {
	var req createTagRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return kernel.Invalid("name", "is required")
	}
	t, err := h.Tags.Create(c.Request().Context(), httpserver.Actor(c), *req.Name, req.Color)
	if err != nil {
		return err
	}
	return httpserver.Created(c, "/tags/"+t.ID().String(), toTag(t))
}

func (h Handler) listTags(c echo.Context) error {
	limit, err := pagination.Limit(c.QueryParam("limit"))
	if err != nil {
		return err
	}
	var after string
	if _, err := pagination.Decode(c.QueryParam("cursor"), &after); err != nil {
		return err
	}
	page, err := h.Tags.List(c.Request().Context(), after, limit)
	if err != nil {
		return err
	}
	items := make([]tagDTO, len(page.Items))
	for i, t := range page.Items {
		items[i] = toTag(t)
	}
	next := ""
	if page.Next != "" {
		next = pagination.Encode(page.Next)
	}
	return httpserver.WritePage(c, items, next)
}

func (h Handler) deleteTag(c echo.Context) error {
	id, err := httpserver.UUIDParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tags.Delete(c.Request().Context(), httpserver.Actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

package httpapi

import (
	"bytes"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/tasking/domain"
)

type statusDTO struct {
	ID       int    `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Position int    `json:"position"`
	IsFinal  bool   `json:"is_final"`
}

func toStatus(s domain.Status) statusDTO {
	return statusDTO{ID: s.ID, Code: s.Code, Name: s.Name, Position: s.Position, IsFinal: s.IsFinal}
}

type tagRefDTO struct {
	ID    uuid.UUID `json:"id"`
	Name  string    `json:"name"`
	Color *string   `json:"color"`
}

type taskDTO struct {
	ID          uuid.UUID   `json:"id"`
	Title       string      `json:"title"`
	Description *string     `json:"description"`
	StatusID    int         `json:"status_id"`
	Status      statusDTO   `json:"status"`
	Priority    string      `json:"priority"`
	DueAt       *time.Time  `json:"due_at"`
	CreatedBy   uuid.UUID   `json:"created_by"`
	AssigneeIDs []uuid.UUID `json:"assignee_ids"`
	Tags        []tagRefDTO `json:"tags"`
	Version     int64       `json:"version"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// toTask renders a task; assignees and tags come in a stable order (user
// id; tag name) whatever order they were added in.
func toTask(t *domain.Task) taskDTO {
	assignees := slices.Clone(t.AssigneeIDs())
	if assignees == nil {
		assignees = []uuid.UUID{}
	}
	slices.SortFunc(assignees, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	tags := make([]tagRefDTO, len(t.Tags()))
	for i, g := range t.Tags() {
		tags[i] = tagRefDTO{ID: g.ID, Name: g.Name, Color: g.Color}
	}
	slices.SortFunc(tags, func(a, b tagRefDTO) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return taskDTO{ID: t.ID(), Title: t.Title(), Description: t.Description(), StatusID: t.Status().ID,
		Status: toStatus(t.Status()), Priority: string(t.Priority()), DueAt: t.DueAt(), CreatedBy: t.CreatedBy(),
		AssigneeIDs: assignees, Tags: tags, Version: t.Version(), CreatedAt: t.CreatedAt(), UpdatedAt: t.UpdatedAt()}
}

type tagDTO struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Color     *string   `json:"color"`
	CreatedBy uuid.UUID `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func toTag(t *domain.Tag) tagDTO {
	return tagDTO{ID: t.ID(), Name: t.Name(), Color: t.Color(), CreatedBy: t.CreatedBy(), CreatedAt: t.CreatedAt()}
}

// createTaskRequest is the body of POST /tasks. Ids and times arrive as
// strings so that a malformed one is reported under its own field name.
type createTaskRequest struct {
	Title       *string  `json:"title"`
	Description *string  `json:"description"`
	StatusID    *int     `json:"status_id"`
	Priority    *string  `json:"priority"`
	DueAt       *string  `json:"due_at"`
	AssigneeIDs []string `json:"assignee_ids"`
	TagIDs      []string `json:"tag_ids"`
}

// updateTaskRequest is the body of PUT and PATCH /tasks/{id}: absent
// fields stay unchanged, null clears a nullable one.
type updateTaskRequest struct {
	Title       kernel.Optional[string]   `json:"title"`
	Description kernel.Optional[string]   `json:"description"`
	StatusID    kernel.Optional[int]      `json:"status_id"`
	Priority    kernel.Optional[string]   `json:"priority"`
	DueAt       kernel.Optional[string]   `json:"due_at"`
	AssigneeIDs kernel.Optional[[]string] `json:"assignee_ids"`
	TagIDs      kernel.Optional[[]string] `json:"tag_ids"`
}

type createTagRequest struct {
	Name  *string `json:"name"`
	Color *string `json:"color"`
}

func parseIDs(v *kernel.Validation, field string, raw []string) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(raw))
	for _, s := range raw {
		id, err := uuid.Parse(s)
		if err != nil {
			v.Add(field, "must be a list of UUIDs")
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

func parseTime(v *kernel.Validation, field, raw string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		v.Add(field, "must be an RFC 3339 timestamp such as 2030-01-31T17:00:00Z")
		return nil
	}
	return &t
}

package httpapi

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
)

type commentDTO struct {
	ID               uuid.UUID   `json:"id"`
	TaskID           uuid.UUID   `json:"task_id"`
	AuthorID         uuid.UUID   `json:"author_id"`
	Body             string      `json:"body"`
	MentionedUserIDs []uuid.UUID `json:"mentioned_user_ids"`
	Version          int64       `json:"version"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	EditedAt         *time.Time  `json:"edited_at"`
}

func toComment(c *domain.Comment) commentDTO {
	return commentDTO{ID: c.ID(), TaskID: c.TaskID(), AuthorID: c.AuthorID(), Body: c.Body(),
		MentionedUserIDs: c.Mentions(), Version: c.Version(), CreatedAt: c.CreatedAt(), UpdatedAt: c.UpdatedAt(),
		EditedAt: c.EditedAt()}
}

type commentBody struct {
	Body *string `json:"body"`
}

func (b commentBody) text() (string, error) {
	if b.Body == nil {
		return "", kernel.Invalid("body", "is required")
	}
	return *b.Body, nil
}

func (h *Handlers) addComment(c echo.Context) error {
	taskID, err := pathID(c)
	if err != nil {
		return err
	}
	var in commentBody
	if err := httpserver.DecodeJSON(c, &in); err != nil {
		return err
	}
	body, err := in.text()
	if err != nil {
		return err
	}
	cm, err := h.Comments.AddComment(c.Request().Context(), httpserver.Actor(c), taskID, body)
	if err != nil {
		return err
	}
	httpserver.SetVersionETag(c, cm.Version())
	return httpserver.Created(c, "/comments/"+cm.ID().String(), toComment(cm))
}

func (h *Handlers) editComment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ifMatch, err := httpserver.IfMatchVersion(c)
	if err != nil {
		return err
	}
	var in commentBody
	if err := httpserver.DecodeJSON(c, &in); err != nil {
		return err
	}
	body, err := in.text()
	if err != nil {
		return err
	}
	cm, err := h.Comments.EditComment(c.Request().Context(), httpserver.Actor(c), id, body, ifMatch)
	if err != nil {
		return err
	}
	httpserver.SetVersionETag(c, cm.Version())
	return c.JSON(http.StatusOK, toComment(cm))
}

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

type timeLogDTO struct {
	ID              uuid.UUID `json:"id"`
	TaskID          uuid.UUID `json:"task_id"`
	UserID          uuid.UUID `json:"user_id"`
	StartedAt       time.Time `json:"started_at"`
	EndedAt         time.Time `json:"ended_at"`
	DurationSeconds int64     `json:"duration_seconds"`
	Note            *string   `json:"note"`
	Version         int64     `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func toTimeLog(t *domain.TimeLog) timeLogDTO {
	d := timeLogDTO{ID: t.ID(), TaskID: t.TaskID(), UserID: t.UserID(), StartedAt: t.StartedAt(),
		DurationSeconds: t.DurationSeconds(), Note: t.Note(), Version: t.Version(), CreatedAt: t.CreatedAt(), UpdatedAt: t.UpdatedAt()}
	if e := t.EndedAt(); e != nil {
		d.EndedAt = *e
	}
	return d
}

type timerDTO struct {
	ID        uuid.UUID `json:"id"`
	TaskID    uuid.UUID `json:"task_id"`
	UserID    uuid.UUID `json:"user_id"`
	StartedAt time.Time `json:"started_at"`
}

func toTimer(t *domain.TimeLog) timerDTO {
	return timerDTO{ID: t.ID(), TaskID: t.TaskID(), UserID: t.UserID(), StartedAt: t.StartedAt()}
}

type logTimeIn struct {
	StartedAt       *string `json:"started_at"`
	DurationSeconds *int64  `json:"duration_seconds"`
	EndedAt         *string `json:"ended_at"`
	Note            *string `json:"note"`
}

func (h *Handlers) logTime(c echo.Context) error {
	taskID, err := pathID(c)
	if err != nil {
		return err
	}
	var in logTimeIn
	if err := httpserver.DecodeJSON(c, &in); err != nil {
		return err
	}
	var v kernel.Validation
	start, err := optTime("started_at", in.StartedAt)
	v.Merge(err)
	end, err := optTime("ended_at", in.EndedAt)
	v.Merge(err)
	if err := v.Err(); err != nil {
		return err
	}
	t, err := h.TimeLogs.LogTime(c.Request().Context(), httpserver.Actor(c), taskID,
		domain.Span{StartedAt: start, DurationSeconds: in.DurationSeconds, EndedAt: end}, in.Note)
	if err != nil {
		return err
	}
	httpserver.SetVersionETag(c, t.Version())
	return httpserver.Created(c, "/time-logs/"+t.ID().String(), toTimeLog(t))
}

type updateTimeLogIn struct {
	StartedAt       kernel.Optional[string] `json:"started_at"`
	DurationSeconds kernel.Optional[int64]  `json:"duration_seconds"`
	EndedAt         kernel.Optional[string] `json:"ended_at"`
	Note            kernel.Optional[string] `json:"note"`
}

func (h *Handlers) updateTimeLog(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ifMatch, err := httpserver.IfMatchVersion(c)
	if err != nil {
		return err
	}
	var in updateTimeLogIn
	if err := httpserver.DecodeJSON(c, &in); err != nil {
		return err
	}
	if !in.StartedAt.Set && !in.DurationSeconds.Set && !in.EndedAt.Set && !in.Note.Set {
		return kernel.Invalid("body", "give at least one of started_at, duration_seconds, ended_at, note")
	}
	var v kernel.Validation
	for _, f := range []struct {
		name string
		set  bool
		null bool
	}{{"started_at", in.StartedAt.Set, in.StartedAt.Null}, {"duration_seconds", in.DurationSeconds.Set, in.DurationSeconds.Null},
		{"ended_at", in.EndedAt.Set, in.EndedAt.Null}} {
		v.Check(!f.set || !f.null, f.name, "must not be null")
	}
	ch := domain.TimeLogChange{DurationSeconds: in.DurationSeconds.Ptr(), NoteSet: in.Note.Set, Note: in.Note.Ptr()}
	ch.StartedAt, err = optTime("started_at", in.StartedAt.Ptr())
	v.Merge(err)
	ch.EndedAt, err = optTime("ended_at", in.EndedAt.Ptr())
	v.Merge(err)
	if err := v.Err(); err != nil {
		return err
	}
	t, err := h.TimeLogs.UpdateTimeLog(c.Request().Context(), httpserver.Actor(c), id, ch, ifMatch)
	if err != nil {
		return err
	}
	httpserver.SetVersionETag(c, t.Version())
	return c.JSON(http.StatusOK, toTimeLog(t))
}

type userTotalDTO struct {
	UserID       uuid.UUID `json:"user_id"`
	TotalSeconds int64     `json:"total_seconds"`
}

type summaryDTO struct {
	TaskID       uuid.UUID      `json:"task_id"`
	TotalSeconds int64          `json:"total_seconds"`
	PerUser      []userTotalDTO `json:"per_user"`
}

func (h *Handlers) timeSummary(c echo.Context) error {
	taskID, err := pathID(c)
	if err != nil {
		return err
	}
	s, err := h.TimeLogs.TaskTimeSummary(c.Request().Context(), taskID)
	if err != nil {
		return err
	}
	out := summaryDTO{TaskID: taskID, TotalSeconds: s.TotalSeconds, PerUser: []userTotalDTO{}}
	for _, u := range s.PerUser {
		out.PerUser = append(out.PerUser, userTotalDTO(u))
	}
	return c.JSON(http.StatusOK, out)
}

type dayTotalDTO struct {
	Date         string `json:"date"`
	TotalSeconds int64  `json:"total_seconds"`
}

type userReportDTO struct {
	UserID       uuid.UUID     `json:"user_id"`
	From         time.Time     `json:"from"`
	To           time.Time     `json:"to"`
	TotalSeconds int64         `json:"total_seconds"`
	Days         []dayTotalDTO `json:"days"`
	Items        []timeLogDTO  `json:"items"`
}

func (h *Handlers) userTimeLogs(c echo.Context) error {
	userID, err := pathID(c)
	if err != nil {
		return err
	}
	var v kernel.Validation
	var from, to *time.Time
	for _, q := range []struct {
		name string
		dst  **time.Time
	}{{"from", &from}, {"to", &to}} {
		if raw := c.QueryParam(q.name); raw != "" {
			t, err := parseTime(q.name, raw, true)
			v.Merge(err)
			*q.dst = &t
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	r, err := h.TimeLogs.UserTimeLogs(c.Request().Context(), userID, from, to)
	if err != nil {
		return err
	}
	out := userReportDTO{UserID: userID, From: r.From, To: r.To, TotalSeconds: r.TotalSeconds,
		Days: make([]dayTotalDTO, 0, len(r.Days)), Items: make([]timeLogDTO, 0, len(r.Items))}
	for _, d := range r.Days {
		out.Days = append(out.Days, dayTotalDTO(d))
	}
	for _, t := range r.Items {
		out.Items = append(out.Items, toTimeLog(t))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handlers) startTimer(c echo.Context) error {
	taskID, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := h.TimeLogs.StartTimer(c.Request().Context(), httpserver.Actor(c), taskID)
	if err != nil {
		return err
	}
	return httpserver.Created(c, "/timer", toTimer(t))
}

func (h *Handlers) stopTimer(c echo.Context) error {
	t, err := h.TimeLogs.StopTimer(c.Request().Context(), httpserver.Actor(c))
	if err != nil {
		return err
	}
	httpserver.SetVersionETag(c, t.Version())
	return httpserver.Created(c, "/time-logs/"+t.ID().String(), toTimeLog(t))
}

func (h *Handlers) getTimer(c echo.Context) error {
	t, err := h.TimeLogs.RunningTimer(c.Request().Context(), httpserver.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTimer(t))
}

package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
)

// MaxTimeLog is the longest span one time log may cover; MaxNoteRunes the
// longest note.
const (
	MaxTimeLog   = 24 * time.Hour
	MaxNoteRunes = 1000
)

// TimeLog is time a user spent on a task. A running timer is a time log
// without an end yet (at most one per user).
type TimeLog struct {
	recorder
	id, taskID, userID   uuid.UUID
	startedAt            time.Time
	duration             int64 // seconds; 0 while running
	note                 *string
	version              int64
	createdAt, updatedAt time.Time
}

// Span is the input form of a time log's extent: a start plus either a
// duration or an end.
type Span struct {
	StartedAt       *time.Time
	DurationSeconds *int64
	EndedAt         *time.Time
}

func (s Span) seconds(v *kernel.Validation) (time.Time, int64) {
	if s.StartedAt == nil {
		v.Add("started_at", "is required")
		return time.Time{}, 0
	}
	start := s.StartedAt.UTC()
	var secs int64
	switch {
	case s.DurationSeconds != nil && s.EndedAt != nil:
		v.Add("ended_at", "give either duration_seconds or ended_at, not both")
		return start, 0
	case s.DurationSeconds != nil:
		secs = *s.DurationSeconds
		if secs <= 0 || secs > int64(MaxTimeLog/time.Second) {
			v.Add("duration_seconds", "must be from 1 to 86400 (24 hours)")
		}
	case s.EndedAt != nil:
		d := s.EndedAt.Sub(start)
		secs = int64(d / time.Second)
		switch {
		case d <= 0:
			v.Add("ended_at", "must be after started_at")
		case secs < 1:
			v.Add("ended_at", "must be at least one second after started_at")
		case d > MaxTimeLog:
			v.Add("ended_at", "must be at most 24 hours after started_at")
		}
	default:
		v.Add("duration_seconds", "either duration_seconds or ended_at is required")
	}
	return start, secs
}

// Note validates an optional note (at most 1000 characters, no NUL); an
// empty or blank note is no note.
func Note(raw *string) (*string, error) {
	if raw == nil {
		return nil, nil
	}
	n := strings.TrimSpace(*raw)
	switch {
	case n == "":
		return nil, nil
	case utf8.RuneCountInString(n) > MaxNoteRunes:
		return nil, kernel.Invalid("note", "must be at most 1000 characters")
	case strings.ContainsRune(n, 0):
		return nil, kernel.Invalid("note", "must not contain NUL characters")
	}
	return &n, nil
}

// NewTimeLog builds a finished time log and records TimeLogged.
func NewTimeLog(id, taskID, userID uuid.UUID, span Span, note *string, now time.Time) (*TimeLog, error) {
	var v kernel.Validation
	start, secs := span.seconds(&v)
	n, err := Note(note)
	v.Merge(err)
	if err := v.Err(); err != nil {
		return nil, err
	}
	t := &TimeLog{id: id, taskID: taskID, userID: userID, startedAt: start, duration: secs, note: n,
		version: 1, createdAt: now, updatedAt: now}
	t.recordLogged(now)
	return t, nil
}

// StartTimer builds a running timer of userID on taskID.
func StartTimer(id, taskID, userID uuid.UUID, now time.Time) *TimeLog {
	return &TimeLog{id: id, taskID: taskID, userID: userID, startedAt: now, version: 1, createdAt: now, updatedAt: now}
}

// Stop ends a running timer at now: it becomes a time log of the whole
// seconds elapsed, at least one and at most 24 hours (a timer left running
// longer is capped), and records TimeLogged.
func (t *TimeLog) Stop(now time.Time) {
	secs := int64(now.Sub(t.startedAt) / time.Second)
	secs = max(1, min(secs, int64(MaxTimeLog/time.Second)))
	t.duration = secs
	t.version++
	t.updatedAt = now
	t.recordLogged(now)
}

func (t *TimeLog) recordLogged(now time.Time) {
	t.record(TimeLogged{TaskID: t.taskID, TimeLogID: t.id, UserID: t.userID, DurationSeconds: t.duration, At: now})
}

// TimeLogChange is a partial update; nil fields stay unchanged. Note: Set
// with a nil value clears the note.
type TimeLogChange struct {
	StartedAt       *time.Time
	DurationSeconds *int64
	EndedAt         *time.Time
	NoteSet         bool
	Note            *string
}

// Update changes a finished time log (author or admin). A new start keeps
// the duration unless a duration or an end is given too.
func (t *TimeLog) Update(by kernel.Actor, ch TimeLogChange, expectedVersion *int64, now time.Time) error {
	if err := t.CheckWrite(by); err != nil {
		return err
	}
	if err := checkVersion(expectedVersion, t.version); err != nil {
		return err
	}
	span := Span{StartedAt: ch.StartedAt, DurationSeconds: ch.DurationSeconds, EndedAt: ch.EndedAt}
	if span.StartedAt == nil {
		s := t.startedAt
		span.StartedAt = &s
	}
	if span.DurationSeconds == nil && span.EndedAt == nil {
		d := t.duration
		span.DurationSeconds = &d
	}
	var v kernel.Validation
	start, secs := span.seconds(&v)
	note := t.note
	if ch.NoteSet {
		n, err := Note(ch.Note)
		v.Merge(err)
		note = n
	}
	if err := v.Err(); err != nil {
		return err
	}
	t.startedAt, t.duration, t.note = start, secs, note
	t.version++
	t.updatedAt = now
	return nil
}

// CheckWrite allows the author or an administrator.
func (t *TimeLog) CheckWrite(by kernel.Actor) error {
	if by.UserID != t.userID && !by.Admin {
		return ErrNotTimeLogAuthor
	}
	return nil
}

// RehydrateTimeLog rebuilds a stored time log (duration 0: running).
func RehydrateTimeLog(id, taskID, userID uuid.UUID, startedAt time.Time, durationSeconds int64, note *string,
	version int64, createdAt, updatedAt time.Time) *TimeLog {
	return &TimeLog{id: id, taskID: taskID, userID: userID, startedAt: startedAt, duration: durationSeconds,
		note: note, version: version, createdAt: createdAt, updatedAt: updatedAt}
}

func (t *TimeLog) ID() uuid.UUID          { return t.id }
func (t *TimeLog) TaskID() uuid.UUID      { return t.taskID }
func (t *TimeLog) UserID() uuid.UUID      { return t.userID }
func (t *TimeLog) StartedAt() time.Time   { return t.startedAt }
func (t *TimeLog) Running() bool          { return t.duration == 0 }
func (t *TimeLog) DurationSeconds() int64 { return t.duration }
func (t *TimeLog) Note() *string          { return t.note }
func (t *TimeLog) Version() int64         { return t.version }
func (t *TimeLog) CreatedAt() time.Time   { return t.createdAt }
func (t *TimeLog) UpdatedAt() time.Time   { return t.updatedAt }

// EndedAt is the end of a finished log (nil while running).
func (t *TimeLog) EndedAt() *time.Time {
	if t.Running() {
		return nil
	}
	e := t.startedAt.Add(time.Duration(t.duration) * time.Second)
	return &e
}

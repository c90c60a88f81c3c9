package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/kernel"
)

// LogTime implements ports.TimeLogs.
func (s *Service) LogTime(ctx context.Context, by kernel.Actor, taskID uuid.UUID, span domain.Span, note *string) (*domain.TimeLog, error) {
	t, err := domain.NewTimeLog(s.IDs.New(), taskID, by.UserID, span, note, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	if err := s.CheckTask(ctx, taskID); err != nil {
		return nil, err
	}
	if err := s.TimeLogs.Add(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// ListTimeLogs implements ports.TimeLogs: by start, oldest first.
func (s *Service) ListTimeLogs(ctx context.Context, taskID uuid.UUID, p ports.PageRequest) ([]*domain.TimeLog, *ports.Keyset, error) {
	if err := s.CheckTask(ctx, taskID); err != nil {
		return nil, nil, err
	}
	items, err := s.TimeLogs.ListByTask(ctx, taskID, ports.PageRequest{Limit: p.Limit + 1, After: p.After})
	if err != nil {
		return nil, nil, err
	}
	items, next := page(items, p.Limit, func(t *domain.TimeLog) ports.Keyset {
		return ports.Keyset{At: t.StartedAt(), ID: t.ID()}
	})
	return items, next, nil
}

// UpdateTimeLog implements ports.TimeLogs (author or admin).
func (s *Service) UpdateTimeLog(ctx context.Context, by kernel.Actor, id uuid.UUID, ch domain.TimeLogChange, ifMatch *int64) (*domain.TimeLog, error) {
	return s.TimeLogs.Update(ctx, id, func(t *domain.TimeLog) error {
		if err := s.liveTask(ctx, t.TaskID(), domain.ErrTimeLogNotFound); err != nil {
			return err
		}
		return t.Update(by, ch, ifMatch, s.Clock.Now())
	})
}

// DeleteTimeLog implements ports.TimeLogs (author or admin).
func (s *Service) DeleteTimeLog(ctx context.Context, by kernel.Actor, id uuid.UUID) error {
	return s.TimeLogs.Delete(ctx, id, func(t *domain.TimeLog) error {
		if err := s.liveTask(ctx, t.TaskID(), domain.ErrTimeLogNotFound); err != nil {
			return err
		}
		return t.CheckWrite(by)
	})
}

// TaskTimeSummary implements ports.TimeLogs.
func (s *Service) TaskTimeSummary(ctx context.Context, taskID uuid.UUID) (ports.TimeSummary, error) {
	if err := s.CheckTask(ctx, taskID); err != nil {
		return ports.TimeSummary{}, err
	}
	return s.TimeLogs.Summary(ctx, taskID)
}

// DefaultReportDays is the period of a user report without from and to.
const DefaultReportDays = 7

// UserTimeLogs implements ports.TimeLogs: the user's logs that start in
// [from, to) — by default the last 7 UTC days including today — with a
// total per UTC day of their start.
func (s *Service) UserTimeLogs(ctx context.Context, userID uuid.UUID, from, to *time.Time) (ports.UserTimeReport, error) {
	var r ports.UserTimeReport
	switch {
	case to != nil:
		r.To = to.UTC()
	case from != nil:
		r.To = from.UTC().AddDate(0, 0, DefaultReportDays)
	default:
		r.To = s.Clock.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	}
	if from != nil {
		r.From = from.UTC()
	} else {
		r.From = r.To.AddDate(0, 0, -DefaultReportDays)
	}
	if !r.From.Before(r.To) {
		return r, kernel.Invalid("to", "must be after from")
	}
	if r.To.Sub(r.From) > 366*24*time.Hour {
		return r, domain.ErrTimeRangeTooLarge
	}
	missing, err := s.Users.MissingUsers(ctx, []uuid.UUID{userID})
	if err != nil {
		return r, err
	}
	if len(missing) > 0 {
		return r, domain.ErrUserNotFound
	}
	r.Items, err = s.TimeLogs.ListByUser(ctx, userID, r.From, r.To)
	if err != nil {
		return r, err
	}
	r.Days = []ports.DayTotal{}
	for _, t := range r.Items {
		day := t.StartedAt().UTC().Format(time.DateOnly)
		if n := len(r.Days); n == 0 || r.Days[n-1].Date != day {
			r.Days = append(r.Days, ports.DayTotal{Date: day})
		}
		r.Days[len(r.Days)-1].TotalSeconds += t.DurationSeconds()
		r.TotalSeconds += t.DurationSeconds()
	}
	return r, nil
}

// StartTimer implements ports.TimeLogs: at most one running timer per user.
func (s *Service) StartTimer(ctx context.Context, by kernel.Actor, taskID uuid.UUID) (*domain.TimeLog, error) {
	if err := s.CheckTask(ctx, taskID); err != nil {
		return nil, err
	}
	t := domain.StartTimer(s.IDs.New(), taskID, by.UserID, s.Clock.Now())
	if err := s.TimeLogs.Add(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// StopTimer implements ports.TimeLogs: the running timer becomes a time log.
func (s *Service) StopTimer(ctx context.Context, by kernel.Actor) (*domain.TimeLog, error) {
	return s.TimeLogs.StopTimer(ctx, by.UserID, func(t *domain.TimeLog) error {
		if err := s.liveTask(ctx, t.TaskID(), domain.ErrTimerNotRunning); err != nil {
			return err
		}
		t.Stop(s.Clock.Now())
		return nil
	})
}

// RunningTimer implements ports.TimeLogs; ErrTimerNotRunning when none.
func (s *Service) RunningTimer(ctx context.Context, by kernel.Actor) (*domain.TimeLog, error) {
	t, err := s.TimeLogs.RunningTimer(ctx, by.UserID)
	if err != nil {
		return nil, err
	}
	if err := s.liveTask(ctx, t.TaskID(), domain.ErrTimerNotRunning); err != nil {
		return nil, err
	}
	return t, nil
}

// TaskDeleted implements ports.Cleanup.
func (s *Service) TaskDeleted(ctx context.Context, taskID uuid.UUID) error {
	return s.TaskData.DeleteTask(ctx, taskID)
}

// UserDeleted implements ports.Cleanup: the user's comments, attachments
// and finished time logs stay (docs/adr/collaboration-001); a running timer
// nobody can stop any more is discarded.
func (s *Service) UserDeleted(ctx context.Context, userID uuid.UUID) error {
	return s.TaskData.StopUserTimers(ctx, userID)
}

// ReleaseBlobs implements ports.Cleanup.
func (s *Service) ReleaseBlobs(ctx context.Context, keys []string) error {
	var errs []error
	for _, k := range keys {
		errs = append(errs, s.Blobs.Delete(ctx, k))
	}
	return errors.Join(errs...)
}

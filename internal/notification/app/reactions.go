package app

import (
	"bytes"
	"context"
	"slices"

	"github.com/google/uuid"

	cevents "tasktracker/internal/collaboration/events"
	ievents "tasktracker/internal/identity/events"
	"tasktracker/internal/notification/domain"
	"tasktracker/internal/notification/ports"
	"tasktracker/internal/platform/events"
	tevents "tasktracker/internal/tasking/events"
)

// The reactions to other contexts' events. Each runs inside the delivery
// transaction its ctx carries, so the watches and notifications it stores
// commit together with the delivery's idempotency record; and notifications
// are unique per (event, recipient), so a redelivered event adds nothing.

// Handlers maps the event types the context consumes to their reactions.
// The reactions to one task's events are serialised by a lock on the task
// (they read and write its watchers), so two concurrent deliveries cannot
// both miss each other's effect.
func (s *Service) Handlers() map[string]events.Handler {
	return map[string]events.Handler{
		tevents.TypeTaskCreated:       s.one(s.OnTasksCreated),
		tevents.TypeTaskUpdated:       s.OnTaskUpdated,
		tevents.TypeTaskAssigned:      s.perTask(s.OnTaskAssigned),
		tevents.TypeTaskUnassigned:    s.OnTaskUnassigned,
		tevents.TypeTaskStatusChanged: s.perTask(s.OnTaskStatusChanged),
		tevents.TypeTaskDeleted:       s.perTask(s.OnTaskDeleted),
		cevents.TypeCommentAdded:      s.perTask(s.OnCommentAdded),
		cevents.TypeCommentEdited:     s.OnCommentEdited,
		cevents.TypeAttachmentAdded:   s.perTask(s.OnAttachmentAdded),
		ievents.TypeUserRegistered:    s.OnUserRegistered,
		ievents.TypeUserUpdated:       s.OnUserUpdated,
		ievents.TypeUserDeleted:       s.OnUserDeleted,
	}
}

// BatchHandlers are the reactions that take all the events of a delivery
// at once; Handlers has their one-event form too.
func (s *Service) BatchHandlers() map[string]events.BatchHandler {
	return map[string]events.BatchHandler{tevents.TypeTaskCreated: s.OnTasksCreated}
}

// one is the one-event form of a batch reaction.
func (s *Service) one(h events.BatchHandler) events.Handler {
	return func(ctx context.Context, env events.Envelope) error { return h(ctx, []events.Envelope{env}) }
}

// perTask runs h holding the lock of the task its event is about (every
// task event's payload has a task_id), until the delivery commits.
func (s *Service) perTask(h events.Handler) events.Handler {
	return func(ctx context.Context, env events.Envelope) error {
		var p struct {
			TaskID uuid.UUID `json:"task_id"`
		}
		if err := env.Decode(&p); err != nil {
			return err
		}
		if err := s.d.Watchers.LockTask(ctx, p.TaskID); err != nil {
			return err
		}
		return h(ctx, env)
	}
}

// watch makes users watch the task because of event env: see watchAll.
func (s *Service) watch(ctx context.Context, env events.Envelope, task uuid.UUID, source domain.Source, users ...uuid.UUID) error {
	return s.watchAll(ctx, watchRequest{env: env, task: task, source: source, users: users})
}

// watchRequest asks that users watch task because of event env.
type watchRequest struct {
	env    events.Envelope
	task   uuid.UUID
	source domain.Source
	users  []uuid.UUID
}

// watchAll makes the users of each request watch its task (since its
// event's time), unless the task was deleted or they unwatched it after
// that; a watch that is new catches up with the task's events that came
// after the request's event and were processed before it (delivery is
// unordered). A few statements, however many requests.
func (s *Service) watchAll(ctx context.Context, reqs ...watchRequest) error {
	var ws []domain.Watcher
	var tasks []uuid.UUID
	origin := map[[2]uuid.UUID]events.Envelope{} // (task, user) → the event the watch comes from
	for _, r := range reqs {
		for _, u := range r.users {
			if u == uuid.Nil {
				continue
			}
			w, err := domain.NewWatcher(r.task, u, r.source, r.env.OccurredAt)
			if err != nil {
				return err
			}
			if _, seen := origin[[2]uuid.UUID{r.task, u}]; !seen {
				origin[[2]uuid.UUID{r.task, u}] = r.env
			}
			ws = append(ws, w)
			tasks = append(tasks, r.task)
		}
	}
	if len(ws) == 0 {
		return nil // nobody to add: spare the queries (a task created without assignees)
	}
	deleted, err := s.d.Directory.DeletedTasks(ctx, tasks...)
	if err != nil {
		return err
	}
	ws = slices.DeleteFunc(ws, func(w domain.Watcher) bool { return slices.Contains(deleted, w.TaskID()) })
	if len(ws) == 0 {
		return nil
	}
	added, err := s.d.Watchers.AddWatchers(ctx, ws...)
	if err != nil || len(added) == 0 {
		return err
	}
	cursors := make([]ports.TaskCursor, len(added))
	for i, w := range added {
		cursors[i] = ports.TaskCursor{TaskID: w.TaskID(), EventID: origin[[2]uuid.UUID{w.TaskID(), w.UserID()}].EventID}
	}
	later, err := s.d.TaskLog.EventsAfter(ctx, cursors...)
	if err != nil || len(later) == 0 {
		return err
	}
	now := s.d.Clock.Now()
	var owed []domain.Notification
	for _, e := range later {
		for i, w := range added {
			if w.TaskID() != e.TaskID || bytes.Compare(e.EventID[:], cursors[i].EventID[:]) <= 0 || w.UserID() == e.ActorID {
				continue
			}
			n, err := domain.NewNotification(s.d.IDs.New(), w.UserID(), e.EventID, e.Type, e.TaskID, e.ActorID, e.Text, now)
			if err != nil {
				return err
			}
			owed = append(owed, n)
		}
	}
	_, err = s.d.Notifications.Add(ctx, owed...)
	return err
}

func (s *Service) putTitle(ctx context.Context, task uuid.UUID, title string) error {
	if title == "" {
		return nil
	}
	return s.d.Directory.PutTasks(ctx, ports.TaskRef{TaskID: task, Title: title})
}

// subject names the actor and the task of event env for texts.
func (s *Service) subject(ctx context.Context, env events.Envelope, task uuid.UUID, title, detail string) (domain.Subject, error) {
	subj := domain.Subject{Task: title, Detail: detail}
	var err error
	if subj.Task == "" {
		if subj.Task, err = s.d.Directory.TaskTitle(ctx, task); err != nil {
			return subj, err
		}
	}
	if subj.Task == "" {
		// The task's creation has not been delivered here yet (deliveries
		// are unordered): ask the tasking context.
		if subj.Task, _, err = s.d.Tasks.TaskTitle(ctx, task); err != nil {
			return subj, err
		}
	}
	if env.ActorID == uuid.Nil {
		subj.Actor = "the system"
	} else if subj.Actor, err = s.d.Directory.Username(ctx, env.ActorID); err != nil {
		return subj, err
	}
	return subj, nil
}

// notify stores one notification per member of aud for event env.
func (s *Service) notify(ctx context.Context, env events.Envelope, task uuid.UUID, subj domain.Subject, aud *domain.Audience) error {
	rs := aud.Recipients()
	if len(rs) == 0 {
		return nil
	}
	now := s.d.Clock.Now()
	ns := make([]domain.Notification, 0, len(rs))
	for _, r := range rs {
		n, err := domain.NewNotification(s.d.IDs.New(), r.UserID, env.EventID, r.Type, task, env.ActorID,
			domain.Text(r.Type, subj), now)
		if err != nil {
			return err
		}
		ns = append(ns, n)
	}
	_, err := s.d.Notifications.Add(ctx, ns...)
	return err
}

// toWatchers records event env in the task's log and notifies the task's
// watchers of it as typ; more adds other recipients (mentions).
func (s *Service) toWatchers(ctx context.Context, env events.Envelope, task uuid.UUID, typ domain.Type, title, detail string, more func(*domain.Audience)) error {
	subj, err := s.subject(ctx, env, task, title, detail)
	if err != nil {
		return err
	}
	if err := s.d.TaskLog.Record(ctx, domain.TaskEvent{TaskID: task, EventID: env.EventID, Type: typ,
		ActorID: env.ActorID, Text: domain.Text(typ, subj), OccurredAt: env.OccurredAt}); err != nil {
		return err
	}
	ids, err := s.d.Watchers.WatcherIDs(ctx, task)
	if err != nil {
		return err
	}
	aud := domain.NewAudience(env.ActorID)
	aud.Add(typ, ids...)
	if more != nil {
		more(aud)
	}
	return s.notify(ctx, env, task, subj, aud)
}

// toUsers notifies users of event env as typ.
func (s *Service) toUsers(ctx context.Context, env events.Envelope, task uuid.UUID, typ domain.Type, title, detail string, users ...uuid.UUID) error {
	aud := domain.NewAudience(env.ActorID)
	aud.Add(typ, users...)
	if len(aud.Recipients()) == 0 {
		return nil
	}
	subj, err := s.subject(ctx, env, task, title, detail)
	if err != nil {
		return err
	}
	return s.notify(ctx, env, task, subj, aud)
}

// OnTasksCreated: the creator and the assignees of each task watch it.
// It takes the TaskCreated events of a delivery at once (creates that
// committed together arrive together): one lock, one write of titles and
// one of watches for all.
func (s *Service) OnTasksCreated(ctx context.Context, envs []events.Envelope) error {
	ids := make([]uuid.UUID, len(envs))
	titles := make([]ports.TaskRef, 0, len(envs))
	reqs := make([]watchRequest, 0, 2*len(envs))
	for i, env := range envs {
		var p tevents.TaskCreated
		if err := env.Decode(&p); err != nil {
			return err
		}
		ids[i] = p.TaskID
		if p.Title != "" {
			titles = append(titles, ports.TaskRef{TaskID: p.TaskID, Title: p.Title})
		}
		reqs = append(reqs, watchRequest{env: env, task: p.TaskID, source: domain.SourceCreator, users: []uuid.UUID{p.CreatedBy}},
			watchRequest{env: env, task: p.TaskID, source: domain.SourceAssignee, users: p.AssigneeIDs})
	}
	if err := s.d.Watchers.LockTask(ctx, ids...); err != nil {
		return err
	}
	if len(titles) > 0 {
		if err := s.d.Directory.PutTasks(ctx, titles...); err != nil {
			return err
		}
	}
	return s.watchAll(ctx, reqs...)
}

// OnTaskUpdated keeps the task's title current.
func (s *Service) OnTaskUpdated(ctx context.Context, env events.Envelope) error {
	var p tevents.TaskUpdated
	if err := env.Decode(&p); err != nil {
		return err
	}
	return s.putTitle(ctx, p.TaskID, p.Title)
}

// OnTaskAssigned: the assignee watches the task and is told.
func (s *Service) OnTaskAssigned(ctx context.Context, env events.Envelope) error {
	var p tevents.TaskAssigned
	if err := env.Decode(&p); err != nil {
		return err
	}
	if err := s.putTitle(ctx, p.TaskID, p.Title); err != nil {
		return err
	}
	if err := s.watch(ctx, env, p.TaskID, domain.SourceAssignee, p.UserID); err != nil {
		return err
	}
	return s.toUsers(ctx, env, p.TaskID, domain.TypeAssigned, p.Title, "", p.UserID)
}

// OnTaskUnassigned: the former assignee is told (and keeps watching until
// they unwatch).
func (s *Service) OnTaskUnassigned(ctx context.Context, env events.Envelope) error {
	var p tevents.TaskUnassigned
	if err := env.Decode(&p); err != nil {
		return err
	}
	return s.toUsers(ctx, env, p.TaskID, domain.TypeUnassigned, p.Title, "", p.UserID)
}

// OnTaskStatusChanged: the watchers are told.
func (s *Service) OnTaskStatusChanged(ctx context.Context, env events.Envelope) error {
	var p tevents.TaskStatusChanged
	if err := env.Decode(&p); err != nil {
		return err
	}
	if err := s.putTitle(ctx, p.TaskID, p.Title); err != nil {
		return err
	}
	return s.toWatchers(ctx, env, p.TaskID, domain.TypeStatusChanged, p.Title, p.ToStatus, nil)
}

// OnTaskDeleted: the watchers are told, then the task's watches and log are
// dropped and a tombstone is kept.
func (s *Service) OnTaskDeleted(ctx context.Context, env events.Envelope) error {
	var p tevents.TaskDeleted
	if err := env.Decode(&p); err != nil {
		return err
	}
	ids, err := s.d.Watchers.WatcherIDs(ctx, p.TaskID)
	if err != nil {
		return err
	}
	if err := s.toUsers(ctx, env, p.TaskID, domain.TypeTaskDeleted, p.Title, "", ids...); err != nil {
		return err
	}
	if err := s.d.Watchers.DropTaskWatchers(ctx, p.TaskID); err != nil {
		return err
	}
	if err := s.d.TaskLog.DropTaskEvents(ctx, p.TaskID); err != nil {
		return err
	}
	return s.d.Directory.MarkTaskDeleted(ctx, p.TaskID, p.Title)
}

// OnCommentAdded: the author watches the task; the watchers are told, and
// the mentioned users too, watchers or not (a mention wins over a plain
// comment notification: one per recipient).
func (s *Service) OnCommentAdded(ctx context.Context, env events.Envelope) error {
	var p cevents.CommentAdded
	if err := env.Decode(&p); err != nil {
		return err
	}
	if err := s.watch(ctx, env, p.TaskID, domain.SourceCommenter, p.AuthorID); err != nil {
		return err
	}
	return s.toWatchers(ctx, env, p.TaskID, domain.TypeCommentAdded, "", "", func(a *domain.Audience) {
		a.Add(domain.TypeMentioned, p.MentionedUserIDs...)
	})
}

// OnCommentEdited: the users newly mentioned are told.
func (s *Service) OnCommentEdited(ctx context.Context, env events.Envelope) error {
	var p cevents.CommentEdited
	if err := env.Decode(&p); err != nil {
		return err
	}
	return s.toUsers(ctx, env, p.TaskID, domain.TypeMentioned, "", "", p.NewlyMentionedUserIDs...)
}

// OnAttachmentAdded: the watchers are told.
func (s *Service) OnAttachmentAdded(ctx context.Context, env events.Envelope) error {
	var p cevents.AttachmentAdded
	if err := env.Decode(&p); err != nil {
		return err
	}
	return s.toWatchers(ctx, env, p.TaskID, domain.TypeAttachmentAdded, "", p.Filename, nil)
}

// OnUserRegistered and OnUserUpdated keep the usernames current.
func (s *Service) OnUserRegistered(ctx context.Context, env events.Envelope) error {
	var p ievents.UserRegistered
	if err := env.Decode(&p); err != nil {
		return err
	}
	return s.d.Directory.PutUser(ctx, p.UserID, p.Username, p.DisplayName)
}

func (s *Service) OnUserUpdated(ctx context.Context, env events.Envelope) error {
	var p ievents.UserUpdated
	if err := env.Decode(&p); err != nil {
		return err
	}
	if p.Username == "" {
		return nil
	}
	return s.d.Directory.PutUser(ctx, p.UserID, p.Username, p.DisplayName)
}

// OnUserDeleted drops the user's watches, notifications and name.
func (s *Service) OnUserDeleted(ctx context.Context, env events.Envelope) error {
	var p ievents.UserDeleted
	if err := env.Decode(&p); err != nil {
		return err
	}
	if err := s.d.Notifications.DropRecipient(ctx, p.UserID); err != nil {
		return err
	}
	return s.d.Directory.DropUser(ctx, p.UserID)
}

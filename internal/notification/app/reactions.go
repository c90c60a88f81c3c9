package app

import (
	"context"

	"github.com/google/uuid"

	cevents "tasktracker/internal/collaboration/events"
	ievents "tasktracker/internal/identity/events"
	"tasktracker/internal/notification/domain"
	"tasktracker/internal/platform/events"
	tevents "tasktracker/internal/tasking/events"
)

// The reactions to other contexts' events. Each runs inside the delivery
// transaction its ctx carries, so the watches and notifications it stores
// commit together with the delivery's idempotency record; and notifications
// are unique per (event, recipient), so a redelivered event adds nothing.

// Handlers maps the event types the context consumes to their reactions.
func (s *Service) Handlers() map[string]events.Handler {
	return map[string]events.Handler{
		tevents.TypeTaskCreated:       s.OnTaskCreated,
		tevents.TypeTaskUpdated:       s.OnTaskUpdated,
		tevents.TypeTaskAssigned:      s.OnTaskAssigned,
		tevents.TypeTaskUnassigned:    s.OnTaskUnassigned,
		tevents.TypeTaskStatusChanged: s.OnTaskStatusChanged,
		tevents.TypeTaskDeleted:       s.OnTaskDeleted,
		cevents.TypeCommentAdded:      s.OnCommentAdded,
		cevents.TypeCommentEdited:     s.OnCommentEdited,
		cevents.TypeAttachmentAdded:   s.OnAttachmentAdded,
		ievents.TypeUserRegistered:    s.OnUserRegistered,
		ievents.TypeUserUpdated:       s.OnUserUpdated,
		ievents.TypeUserDeleted:       s.OnUserDeleted,
	}
}

func (s *Service) watch(ctx context.Context, task uuid.UUID, source domain.Source, users ...uuid.UUID) error {
	now := s.d.Clock.Now()
	ws := make([]domain.Watcher, 0, len(users))
	for _, u := range users {
		if u == uuid.Nil {
			continue
		}
		w, err := domain.NewWatcher(task, u, source, now)
		if err != nil {
			return err
		}
		ws = append(ws, w)
	}
	if len(ws) == 0 {
		return nil
	}
	return s.d.Watchers.AddWatchers(ctx, ws...)
}

func (s *Service) putTitle(ctx context.Context, task uuid.UUID, title string) error {
	if title == "" {
		return nil
	}
	return s.d.Directory.PutTask(ctx, task, title)
}

// notify stores one notification per member of aud for event env.
func (s *Service) notify(ctx context.Context, env events.Envelope, task uuid.UUID, title, detail string, aud *domain.Audience) error {
	rs := aud.Recipients()
	if len(rs) == 0 {
		return nil
	}
	subj := domain.Subject{Task: title, Detail: detail}
	var err error
	if subj.Task == "" {
		if subj.Task, err = s.d.Directory.TaskTitle(ctx, task); err != nil {
			return err
		}
	}
	if env.ActorID == uuid.Nil {
		subj.Actor = "the system"
	} else if subj.Actor, err = s.d.Directory.Username(ctx, env.ActorID); err != nil {
		return err
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
	_, err = s.d.Notifications.Add(ctx, ns...)
	return err
}

// watchersAudience is the audience of typ made of the task's watchers.
func (s *Service) watchersAudience(ctx context.Context, env events.Envelope, task uuid.UUID, typ domain.Type) (*domain.Audience, error) {
	ids, err := s.d.Watchers.WatcherIDs(ctx, task)
	if err != nil {
		return nil, err
	}
	aud := domain.NewAudience(env.ActorID)
	aud.Add(typ, ids...)
	return aud, nil
}

// OnTaskCreated: the creator and the assignees watch the task.
func (s *Service) OnTaskCreated(ctx context.Context, env events.Envelope) error {
	var p tevents.TaskCreated
	if err := env.Decode(&p); err != nil {
		return err
	}
	if err := s.putTitle(ctx, p.TaskID, p.Title); err != nil {
		return err
	}
	if err := s.watch(ctx, p.TaskID, domain.SourceCreator, p.CreatedBy); err != nil {
		return err
	}
	return s.watch(ctx, p.TaskID, domain.SourceAssignee, p.AssigneeIDs...)
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
	if err := s.watch(ctx, p.TaskID, domain.SourceAssignee, p.UserID); err != nil {
		return err
	}
	aud := domain.NewAudience(env.ActorID)
	aud.Add(domain.TypeAssigned, p.UserID)
	return s.notify(ctx, env, p.TaskID, p.Title, "", aud)
}

// OnTaskUnassigned: the former assignee is told (and keeps watching until
// they unwatch).
func (s *Service) OnTaskUnassigned(ctx context.Context, env events.Envelope) error {
	var p tevents.TaskUnassigned
	if err := env.Decode(&p); err != nil {
		return err
	}
	aud := domain.NewAudience(env.ActorID)
	aud.Add(domain.TypeUnassigned, p.UserID)
	return s.notify(ctx, env, p.TaskID, p.Title, "", aud)
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
	aud, err := s.watchersAudience(ctx, env, p.TaskID, domain.TypeStatusChanged)
	if err != nil {
		return err
	}
	return s.notify(ctx, env, p.TaskID, p.Title, p.ToStatus, aud)
}

// OnTaskDeleted: the watchers are told, then the task's watches and title
// are dropped.
func (s *Service) OnTaskDeleted(ctx context.Context, env events.Envelope) error {
	var p tevents.TaskDeleted
	if err := env.Decode(&p); err != nil {
		return err
	}
	aud, err := s.watchersAudience(ctx, env, p.TaskID, domain.TypeTaskDeleted)
	if err != nil {
		return err
	}
	if err := s.notify(ctx, env, p.TaskID, p.Title, "", aud); err != nil {
		return err
	}
	if err := s.d.Watchers.DropTaskWatchers(ctx, p.TaskID); err != nil {
		return err
	}
	return s.d.Directory.DropTask(ctx, p.TaskID)
}

// OnCommentAdded: the author watches the task; the watchers are told, and
// the mentioned users too, watchers or not (a mention wins over a plain
// comment notification: one per recipient).
func (s *Service) OnCommentAdded(ctx context.Context, env events.Envelope) error {
	var p cevents.CommentAdded
	if err := env.Decode(&p); err != nil {
		return err
	}
	if err := s.watch(ctx, p.TaskID, domain.SourceCommenter, p.AuthorID); err != nil {
		return err
	}
	aud, err := s.watchersAudience(ctx, env, p.TaskID, domain.TypeCommentAdded)
	if err != nil {
		return err
	}
	aud.Add(domain.TypeMentioned, p.MentionedUserIDs...)
	return s.notify(ctx, env, p.TaskID, "", "", aud)
}

// OnCommentEdited: the users newly mentioned are told.
func (s *Service) OnCommentEdited(ctx context.Context, env events.Envelope) error {
	var p cevents.CommentEdited
	if err := env.Decode(&p); err != nil {
		return err
	}
	aud := domain.NewAudience(env.ActorID)
	aud.Add(domain.TypeMentioned, p.NewlyMentionedUserIDs...)
	return s.notify(ctx, env, p.TaskID, "", "", aud)
}

// OnAttachmentAdded: the watchers are told.
func (s *Service) OnAttachmentAdded(ctx context.Context, env events.Envelope) error {
	var p cevents.AttachmentAdded
	if err := env.Decode(&p); err != nil {
		return err
	}
	aud, err := s.watchersAudience(ctx, env, p.TaskID, domain.TypeAttachmentAdded)
	if err != nil {
		return err
	}
	return s.notify(ctx, env, p.TaskID, "", p.Filename, aud)
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

package app

import (
	"bytes"
	"context"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/notification/domain"
	"tasktracker/internal/notification/ports"
	"tasktracker/internal/platform/kernel"
)

// replayPage is how many stored notifications a catch-up reads at a time.
const replayPage = 100

// recentIDs remembers the last ids a stream sent, so a notification that
// arrives both live and in a catch-up is sent once.
const recentIDs = 512

// Stream runs the actor's live stream: first what came after lastEventID
// (when given), then each new notification as it is committed, by this
// instance or any other. A heartbeat goes out every Deps.Heartbeat, and at
// each one the session is checked: the stream ends when it was revoked or
// expired, or when ctx ends, or the feed shuts down.
func (s *Service) Stream(ctx context.Context, actor kernel.Actor, lastEventID *uuid.UUID, w ports.StreamWriter) error {
	sub := s.d.Feed.Subscribe(actor.UserID) // before the replay: nothing falls between
	defer sub.Close()
	st := &liveStream{s: s, recipient: actor.UserID, w: w, sent: map[uuid.UUID]struct{}{},
		floor: domain.IDFloor(s.d.Clock.Now())}
	if err := w.Open(); err != nil {
		return err
	}
	if lastEventID != nil {
		st.floor = *lastEventID
		if err := st.catchUp(ctx); err != nil {
			return err
		}
	}
	tick := time.NewTicker(s.d.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.Done():
			return nil
		case n := <-sub.C():
			if err := st.send(n); err != nil {
				return err
			}
		case <-sub.Resync():
			if err := st.catchUp(ctx); err != nil {
				return err
			}
		case <-tick.C:
			if s.d.Sessions != nil {
				active, err := s.d.Sessions.SessionActive(ctx, actor.SessionID)
				if err != nil {
					s.d.Logger.WarnContext(ctx, "notification stream: session check failed", "error", err)
				} else if !active {
					return nil
				}
			}
			if err := w.Heartbeat(); err != nil {
				return err
			}
		}
	}
}

type liveStream struct {
	s         *Service
	recipient uuid.UUID
	w         ports.StreamWriter
	floor     uuid.UUID // the highest id sent (or the resume point)
	sent      map[uuid.UUID]struct{}
	order     []uuid.UUID
}

func (l *liveStream) send(n domain.Notification) error {
	if _, dup := l.sent[n.ID()]; dup {
		return nil
	}
	if err := l.w.Notification(n); err != nil {
		return err
	}
	l.sent[n.ID()] = struct{}{}
	l.order = append(l.order, n.ID())
	if len(l.order) > recentIDs {
		delete(l.sent, l.order[0])
		l.order = l.order[1:]
	}
	if id := n.ID(); bytes.Compare(id[:], l.floor[:]) > 0 {
		l.floor = id
	}
	return nil
}

// catchUp sends the stored notifications above the floor, oldest first.
func (l *liveStream) catchUp(ctx context.Context) error {
	for {
		ns, err := l.s.d.Notifications.After(ctx, l.recipient, l.floor, replayPage)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if err := l.send(n); err != nil {
				return err
			}
		}
		if len(ns) < replayPage {
			return nil
		}
	}
}

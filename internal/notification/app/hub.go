package app

import (
	"sync"

	"github.com/google/uuid"

	"tasktracker/internal/notification/domain"
	"tasktracker/internal/notification/ports"
)

// streamBuffer is how many notifications an open stream may fall behind
// before it is told to catch up from storage instead.
const streamBuffer = 64

// Hub fans the notifications committed by any instance out to this
// instance's open streams of their recipients. It never blocks on a slow
// stream: when a stream's buffer is full the notification is dropped for
// that stream and the stream is told to catch up from storage.
type Hub struct {
	mu     sync.Mutex
	subs   map[uuid.UUID]map[*subscription]struct{}
	closed bool
	done   chan struct{}
}

var (
	_ ports.Feed     = (*Hub)(nil)
	_ ports.FeedSink = (*Hub)(nil)
)

// NewHub builds an empty hub.
func NewHub() *Hub {
	return &Hub{subs: map[uuid.UUID]map[*subscription]struct{}{}, done: make(chan struct{})}
}

type subscription struct {
	hub       *Hub
	recipient uuid.UUID
	c         chan domain.Notification
	resync    chan struct{}
	once      sync.Once
}

func (s *subscription) C() <-chan domain.Notification { return s.c }
func (s *subscription) Resync() <-chan struct{}       { return s.resync }
func (s *subscription) Done() <-chan struct{}         { return s.hub.done }
func (s *subscription) Close() {
	s.once.Do(func() {
		s.hub.mu.Lock()
		defer s.hub.mu.Unlock()
		if m := s.hub.subs[s.recipient]; m != nil {
			delete(m, s)
			if len(m) == 0 {
				delete(s.hub.subs, s.recipient)
			}
		}
	})
}

func (s *subscription) signalResync() {
	select {
	case s.resync <- struct{}{}:
	default: // a catch-up is already pending
	}
}

// Subscribe registers an open stream of recipient.
func (h *Hub) Subscribe(recipient uuid.UUID) ports.Subscription {
	s := &subscription{hub: h, recipient: recipient,
		c: make(chan domain.Notification, streamBuffer), resync: make(chan struct{}, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[recipient] == nil {
		h.subs[recipient] = map[*subscription]struct{}{}
	}
	h.subs[recipient][s] = struct{}{}
	return s
}

// Publish hands n to every open stream of its recipient.
func (h *Hub) Publish(n domain.Notification) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[n.RecipientID()] {
		select {
		case s.c <- n:
		default:
			s.signalResync()
		}
	}
}

// Resync tells every open stream to catch up from storage.
func (h *Hub) Resync() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.subs {
		for s := range m {
			s.signalResync()
		}
	}
}

// Streams counts the open streams (for tests and metrics).
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.subs {
		n += len(m)
	}
	return n
}

// Close ends every open stream (shutdown).
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

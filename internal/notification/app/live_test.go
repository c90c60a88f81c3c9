package app_test

import (
	"bytes"
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/notification/app"
	"tasktracker/internal/notification/domain"
	"tasktracker/internal/notification/ports"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/wait"
)

// memNotifications is an in-memory ports.Notifications, enough for the
// live stream (After); the rest is covered against PostgreSQL.
type memNotifications struct {
	ports.Notifications
	mu  sync.Mutex
	all []domain.Notification
}

func (m *memNotifications) add(n domain.Notification) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.all = append(m.all, n)
}

func (m *memNotifications) After(_ context.Context, recipient, after uuid.UUID, limit int) ([]domain.Notification, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.Notification
	for _, n := range m.all {
		id := n.ID()
		if n.RecipientID() == recipient && bytes.Compare(id[:], after[:]) > 0 {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { a, b := out[i].ID(), out[j].ID(); return bytes.Compare(a[:], b[:]) < 0 })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

type sessions struct{ active chan bool }

func (s sessions) SessionActive(context.Context, uuid.UUID) (bool, error) {
	select {
	case a := <-s.active:
		return a, nil
	default:
		return true, nil
	}
}

// slowWriter blocks on every notification until released.
type slowWriter struct {
	opened  chan struct{}
	release chan struct{}
	mu      sync.Mutex
	got     []uuid.UUID
}

func (w *slowWriter) Open() error { close(w.opened); return nil }
func (w *slowWriter) Notification(n domain.Notification) error {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, n.ID())
	return nil
}
func (w *slowWriter) Heartbeat() error { return nil }
func (w *slowWriter) ids() []uuid.UUID {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]uuid.UUID(nil), w.got...)
}

func note(t *testing.T, recipient uuid.UUID) domain.Notification {
	t.Helper()
	n, err := domain.NewNotification(uuid.Must(uuid.NewV7()), recipient, uuid.New(), domain.TypeCommentAdded,
		uuid.New(), uuid.New(), "x", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A stream too slow for the live feed loses nothing: what overflowed its
// buffer is caught up from storage, in order, without duplicates; and
// publishing never waits for it.
func TestSlowStreamCatchesUpFromStorage(t *testing.T) {
	store, hub := &memNotifications{}, app.NewHub()
	active := make(chan bool, 1)
	svc := app.New(app.Deps{Notifications: store, Feed: hub, Sessions: sessions{active}, Clock: kernel.SystemClock{},
		Heartbeat: 20 * time.Millisecond})
	user := uuid.New()
	w := &slowWriter{opened: make(chan struct{}), release: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- svc.Stream(context.Background(), kernel.Actor{UserID: user}, nil, w) }()
	<-w.opened

	const total = 200
	var want []uuid.UUID
	start := time.Now()
	for i := 0; i < total; i++ {
		n := note(t, user)
		store.add(n) // committed…
		hub.Publish(n)
		want = append(want, n.ID())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("publishing to a stuck stream took %s", d)
	}
	close(w.release)
	wait.For(t, 10*time.Second, "every notification", func() bool { return len(w.ids()) >= total })
	got := w.ids()
	if len(got) != total {
		t.Fatalf("got %d notifications, want %d", len(got), total)
	}
	seen := map[uuid.UUID]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("%s sent twice", id)
		}
		seen[id] = true
	}
	active <- false // the session ends: the stream ends at the next tick
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not end with its session")
	}
	if hub.Streams() != 0 {
		t.Fatal("the ended stream is still subscribed")
	}
}

func TestStreamReplaysAfterLastEventID(t *testing.T) {
	store, hub := &memNotifications{}, app.NewHub()
	svc := app.New(app.Deps{Notifications: store, Feed: hub, Clock: kernel.SystemClock{}, Heartbeat: time.Hour})
	user := uuid.New()
	a, b, c := note(t, user), note(t, user), note(t, user)
	store.add(a)
	store.add(b)
	store.add(c)
	store.add(note(t, uuid.New())) // someone else's
	w := &slowWriter{opened: make(chan struct{}), release: make(chan struct{})}
	close(w.release)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	last := a.ID()
	go func() { done <- svc.Stream(ctx, kernel.Actor{UserID: user}, &last, w) }()
	wait.For(t, 10*time.Second, "the replay", func() bool { return len(w.ids()) == 2 })
	hub.Publish(c) // also live: not sent twice
	d := note(t, user)
	hub.Publish(d)
	wait.For(t, 10*time.Second, "the live one", func() bool { return len(w.ids()) == 3 })
	hub.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	cancel()
	got := w.ids()
	if got[0] != b.ID() || got[1] != c.ID() || got[2] != d.ID() {
		t.Fatalf("sent %v, want %v %v %v", got, b.ID(), c.ID(), d.ID())
	}
}

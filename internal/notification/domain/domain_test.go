package domain_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/notification/domain"
)

func TestAudienceSkipsTheActorAndKeepsTheStrongerReason(t *testing.T) {
	actor, watcher, mentioned, both := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	a := domain.NewAudience(actor)
	a.Add(domain.TypeCommentAdded, actor, watcher, both, uuid.Nil, watcher)
	a.Add(domain.TypeMentioned, mentioned, both, actor)
	a.Add(domain.TypeCommentAdded, both) // a weaker reason does not downgrade
	got := a.Recipients()
	want := []domain.Recipient{
		{UserID: watcher, Type: domain.TypeCommentAdded},
		{UserID: both, Type: domain.TypeMentioned},
		{UserID: mentioned, Type: domain.TypeMentioned},
	}
	if len(got) != len(want) {
		t.Fatalf("recipients = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("recipients = %v, want %v", got, want)
		}
	}
}

func TestNewNotification(t *testing.T) {
	now := time.Now()
	id, user, actor, event, task := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	if _, err := domain.NewNotification(id, actor, event, domain.TypeAssigned, task, actor, "x", now); !errors.Is(err, domain.ErrSelfNotification) {
		t.Fatalf("self notification: %v", err)
	}
	if _, err := domain.NewNotification(id, user, event, domain.TypeAssigned, task, actor, "  ", now); err == nil {
		t.Fatal("an empty text was accepted")
	}
	if _, err := domain.NewNotification(id, user, uuid.Nil, domain.TypeAssigned, task, actor, "x", now); err == nil {
		t.Fatal("a notification without an event was accepted")
	}
	n, err := domain.NewNotification(id, user, event, domain.TypeAssigned, task, uuid.Nil, strings.Repeat("é", 600), now)
	if err != nil {
		t.Fatal(err)
	}
	if r := []rune(n.Text()); len(r) != domain.MaxTextRunes || r[len(r)-1] != '…' {
		t.Fatalf("text of %d runes not truncated to %d", len(r), domain.MaxTextRunes)
	}
	if n.Read() || !n.MarkRead(now) || n.MarkRead(now.Add(time.Hour)) || !n.ReadAt().Equal(now) {
		t.Fatal("MarkRead must set read_at once and keep the first time")
	}
}

func TestTexts(t *testing.T) {
	s := domain.Subject{Actor: "alice", Task: "Fix login"}
	cases := map[domain.Type]string{
		domain.TypeAssigned:        "alice assigned you to “Fix login”",
		domain.TypeUnassigned:      "alice unassigned you from “Fix login”",
		domain.TypeStatusChanged:   "alice changed the status of “Fix login”",
		domain.TypeCommentAdded:    "alice commented on “Fix login”",
		domain.TypeMentioned:       "alice mentioned you in a comment on “Fix login”",
		domain.TypeAttachmentAdded: "alice attached a file to “Fix login”",
		domain.TypeTaskDeleted:     "alice deleted “Fix login”",
	}
	for typ, want := range cases {
		if got := domain.Text(typ, s); got != want {
			t.Errorf("%s: %q, want %q", typ, got, want)
		}
	}
	if got := domain.Text(domain.TypeStatusChanged, domain.Subject{Detail: "done"}); got != "someone moved a task to done" {
		t.Errorf("fallbacks: %q", got)
	}
}

func TestIDFloorSortsBelowLaterIDs(t *testing.T) {
	at := time.Now()
	floor := domain.IDFloor(at)
	if floor.Version() != 7 {
		t.Fatalf("version %d", floor.Version())
	}
	later := uuid.Must(uuid.NewV7())
	if bytes.Compare(floor[:], later[:]) >= 0 {
		t.Fatalf("floor %s not below %s", floor, later)
	}
	earlier := domain.IDFloor(at.Add(-time.Second))
	if bytes.Compare(earlier[:], floor[:]) >= 0 {
		t.Fatal("floors are not time-ordered")
	}
}

func TestNewWatcher(t *testing.T) {
	if _, err := domain.NewWatcher(uuid.New(), uuid.New(), "robot", time.Now()); err == nil {
		t.Fatal("an unknown source was accepted")
	}
	w, err := domain.NewWatcher(uuid.New(), uuid.New(), domain.SourceManual, time.Now())
	if err != nil || w.Source() != domain.SourceManual {
		t.Fatal(w, err)
	}
}

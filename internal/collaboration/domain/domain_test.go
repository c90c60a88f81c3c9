package domain_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/platform/kernel"
)

var (
	t0     = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	author = uuid.MustParse("018f0000-0000-7000-8000-000000000001")
	other  = uuid.MustParse("018f0000-0000-7000-8000-000000000002")
	task   = uuid.MustParse("018f0000-0000-7000-8000-0000000000aa")
)

func fields(err error) []string {
	var ke *kernel.Error
	if !errors.As(err, &ke) {
		return nil
	}
	var out []string
	for _, f := range ke.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestMentionedUsernames(t *testing.T) {
	got := domain.MentionedUsernames("@Alice and @bob, cc @alice. mail me at carol@example.com; @dave- (@erin_2)")
	want := []string{"alice", "bob", "dave", "erin_2"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := domain.MentionedUsernames("no mentions @ all"); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

func TestCommentBody(t *testing.T) {
	for _, bad := range []string{"", "   \n", strings.Repeat("x", 10_001), "nul\x00"} {
		if _, err := domain.NewComment(uuid.New(), task, author, bad, nil, t0); !reflect.DeepEqual(fields(err), []string{"body"}) {
			t.Errorf("body %.20q: got %v, want a validation error on body", bad, err)
		}
	}
	c, err := domain.NewComment(uuid.New(), task, author, "  "+strings.Repeat("é", 10_000)+" ", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(c.Body())); n != 10_000 {
		t.Fatalf("body has %d characters", n)
	}
	added := c.Events()[0].(domain.CommentAdded)
	if n := len([]rune(added.Excerpt)); n != 140 {
		t.Fatalf("excerpt has %d characters, want 140", n)
	}
}

func TestCommentEdit(t *testing.T) {
	c, _ := domain.NewComment(uuid.New(), task, author, "hi @bob", []uuid.UUID{other}, t0)
	third := uuid.New()
	if err := c.Edit(kernel.Actor{UserID: other, Admin: true}, "x", nil, nil, t0); !errors.Is(err, domain.ErrNotCommentAuthor) {
		t.Fatalf("an admin who is not the author edited: %v", err)
	}
	stale := int64(7)
	if err := c.Edit(kernel.Actor{UserID: author}, "x", nil, &stale, t0); !errors.Is(err, domain.ErrVersionMismatch) {
		t.Fatalf("stale version: %v", err)
	}
	t1 := t0.Add(time.Minute)
	if err := c.Edit(kernel.Actor{UserID: author}, "hi @bob and @third", []uuid.UUID{other, third}, nil, t1); err != nil {
		t.Fatal(err)
	}
	if c.Version() != 2 || c.EditedAt() == nil || !c.EditedAt().Equal(t1) || !c.UpdatedAt().Equal(t1) {
		t.Fatalf("after edit: version %d edited_at %v", c.Version(), c.EditedAt())
	}
	ev := c.Events()[1].(domain.CommentEdited)
	if !reflect.DeepEqual(ev.NewlyMentioned, []uuid.UUID{third}) {
		t.Fatalf("newly mentioned %v", ev.NewlyMentioned)
	}
	if err := c.CheckDelete(kernel.Actor{UserID: other}); !errors.Is(err, domain.ErrCannotDeleteComm) {
		t.Fatalf("someone else deleted: %v", err)
	}
	if c.CheckDelete(kernel.Actor{UserID: other, Admin: true}) != nil || c.CheckDelete(kernel.Actor{UserID: author}) != nil {
		t.Fatal("author or admin may delete")
	}
}

func ptr[T any](v T) *T { return &v }

func TestTimeLogValidation(t *testing.T) {
	cases := []struct {
		name  string
		span  domain.Span
		note  *string
		field string
	}{
		{"no start", domain.Span{DurationSeconds: ptr(int64(60))}, nil, "started_at"},
		{"neither", domain.Span{StartedAt: &t0}, nil, "duration_seconds"},
		{"both", domain.Span{StartedAt: &t0, DurationSeconds: ptr(int64(60)), EndedAt: ptr(t0.Add(time.Hour))}, nil, "ended_at"},
		{"zero", domain.Span{StartedAt: &t0, DurationSeconds: ptr(int64(0))}, nil, "duration_seconds"},
		{"negative", domain.Span{StartedAt: &t0, DurationSeconds: ptr(int64(-5))}, nil, "duration_seconds"},
		{"over 24h", domain.Span{StartedAt: &t0, DurationSeconds: ptr(int64(86401))}, nil, "duration_seconds"},
		{"end before start", domain.Span{StartedAt: &t0, EndedAt: ptr(t0.Add(-time.Second))}, nil, "ended_at"},
		{"end at start", domain.Span{StartedAt: &t0, EndedAt: &t0}, nil, "ended_at"},
		{"end over 24h", domain.Span{StartedAt: &t0, EndedAt: ptr(t0.Add(24*time.Hour + time.Second))}, nil, "ended_at"},
		{"long note", domain.Span{StartedAt: &t0, DurationSeconds: ptr(int64(60))}, ptr(strings.Repeat("n", 1001)), "note"},
	}
	for _, c := range cases {
		_, err := domain.NewTimeLog(uuid.New(), task, author, c.span, c.note, t0)
		if !reflect.DeepEqual(fields(err), []string{c.field}) {
			t.Errorf("%s: got %v, want a validation error on %s", c.name, err, c.field)
		}
	}
	tl, err := domain.NewTimeLog(uuid.New(), task, author, domain.Span{StartedAt: &t0, EndedAt: ptr(t0.Add(24 * time.Hour))}, ptr(strings.Repeat("n", 1000)), t0)
	if err != nil || tl.DurationSeconds() != 86400 || !tl.EndedAt().Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("24h by end: %v %v", tl, err)
	}
	if ev := tl.Events()[0].(domain.TimeLogged); ev.DurationSeconds != 86400 {
		t.Fatalf("event %+v", ev)
	}
}

func TestTimeLogUpdate(t *testing.T) {
	tl, _ := domain.NewTimeLog(uuid.New(), task, author, domain.Span{StartedAt: &t0, DurationSeconds: ptr(int64(600))}, ptr("x"), t0)
	if err := tl.Update(kernel.Actor{UserID: other}, domain.TimeLogChange{NoteSet: true}, nil, t0); !errors.Is(err, domain.ErrNotTimeLogAuthor) {
		t.Fatalf("stranger updated: %v", err)
	}
	later := t0.Add(time.Hour)
	if err := tl.Update(kernel.Actor{UserID: other, Admin: true}, domain.TimeLogChange{StartedAt: &later, NoteSet: true}, nil, later); err != nil {
		t.Fatal(err)
	}
	if tl.DurationSeconds() != 600 || !tl.StartedAt().Equal(later) || tl.Note() != nil || tl.Version() != 2 {
		t.Fatalf("moved start keeps duration, clears note: %d %v %v", tl.DurationSeconds(), tl.StartedAt(), tl.Note())
	}
	if err := tl.Update(kernel.Actor{UserID: author}, domain.TimeLogChange{EndedAt: ptr(later.Add(-time.Minute))}, nil, later); !reflect.DeepEqual(fields(err), []string{"ended_at"}) {
		t.Fatalf("end before start: %v", err)
	}
}

func TestTimerStop(t *testing.T) {
	tm := domain.StartTimer(uuid.New(), task, author, t0)
	if !tm.Running() || tm.EndedAt() != nil || len(tm.Events()) != 0 {
		t.Fatal("a started timer runs and has logged nothing")
	}
	tm.Stop(t0.Add(90*time.Second + 700*time.Millisecond))
	if tm.Running() || tm.DurationSeconds() != 90 || len(tm.Events()) != 1 {
		t.Fatalf("stopped: %d s", tm.DurationSeconds())
	}
	quick := domain.StartTimer(uuid.New(), task, author, t0)
	quick.Stop(t0.Add(100 * time.Millisecond))
	forgotten := domain.StartTimer(uuid.New(), task, author, t0)
	forgotten.Stop(t0.Add(50 * time.Hour))
	if quick.DurationSeconds() != 1 || forgotten.DurationSeconds() != 86400 {
		t.Fatalf("bounds: %d, %d", quick.DurationSeconds(), forgotten.DurationSeconds())
	}
}

func TestAttachmentDelete(t *testing.T) {
	creator, stranger := uuid.New(), uuid.New()
	a := domain.NewAttachment(uuid.New(), task, author, "../x.txt", "text/plain", domain.StoredFile{Key: "k", Size: 1}, t0)
	if a.Filename() != "x.txt" {
		t.Fatalf("filename %q", a.Filename())
	}
	for _, ok := range []kernel.Actor{{UserID: author}, {UserID: creator}, {UserID: stranger, Admin: true}} {
		if err := a.CheckDelete(ok, creator); err != nil {
			t.Errorf("%+v may delete: %v", ok, err)
		}
	}
	if err := a.CheckDelete(kernel.Actor{UserID: stranger}, creator); !errors.Is(err, domain.ErrCannotDeleteFile) {
		t.Fatalf("stranger deleted: %v", err)
	}
}

package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/collaboration/app"
	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/kernel"
)

// ---- fakes of the driven ports (only what these tests use; anything else
// panics through the nil embedded interface) ----

type fakeTasks map[uuid.UUID]uuid.UUID // task → creator

func (f fakeTasks) TaskCreator(_ context.Context, id uuid.UUID) (uuid.UUID, bool, error) {
	c, ok := f[id]
	return c, ok, nil
}

type fakeUsers map[string]uuid.UUID

func (f fakeUsers) UserIDsByUsername(_ context.Context, names []string) (map[string]uuid.UUID, error) {
	out := map[string]uuid.UUID{}
	for _, n := range names {
		if id, ok := f[n]; ok {
			out[n] = id
		}
	}
	return out, nil
}

func (f fakeUsers) MissingUsers(_ context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	var missing []uuid.UUID
	for _, id := range ids {
		found := false
		for _, v := range f {
			found = found || v == id
		}
		if !found {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

type memBlobs struct {
	committed map[string][]byte
	open      int // writers neither committed nor aborted
}

func (m *memBlobs) Create(context.Context) (ports.BlobWriter, error) {
	m.open++
	return &memWriter{m: m}, nil
}
func (m *memBlobs) Open(_ context.Context, key string) (io.ReadSeekCloser, error) {
	b, ok := m.committed[key]
	if !ok {
		return nil, domain.ErrAttachmentNotFound
	}
	return struct {
		io.ReadSeeker
		io.Closer
	}{bytes.NewReader(b), io.NopCloser(nil)}, nil
}
func (m *memBlobs) Delete(_ context.Context, key string) error { delete(m.committed, key); return nil }

type memWriter struct {
	m   *memBlobs
	buf bytes.Buffer
}

func (w *memWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }
func (w *memWriter) Commit() (string, error) {
	w.m.open--
	k := uuid.NewString()
	w.m.committed[k] = w.buf.Bytes()
	return k, nil
}
func (w *memWriter) Abort() error { w.m.open--; return nil }

type memAttachments struct {
	ports.AttachmentRepository
	rows    map[uuid.UUID]*domain.Attachment
	failAdd error
}

func (r *memAttachments) Add(_ context.Context, a *domain.Attachment) error {
	if r.failAdd != nil {
		return r.failAdd
	}
	r.rows[a.ID()] = a
	return nil
}

type memComments struct {
	ports.CommentRepository
	rows map[uuid.UUID]*domain.Comment
}

func (r *memComments) Add(_ context.Context, c *domain.Comment) error { r.rows[c.ID()] = c; return nil }
func (r *memComments) Update(_ context.Context, id uuid.UUID, fn func(*domain.Comment) error) (*domain.Comment, error) {
	c, ok := r.rows[id]
	if !ok {
		return nil, domain.ErrCommentNotFound
	}
	return c, fn(c)
}

type memTimeLogs struct {
	ports.TimeLogRepository
	rows []*domain.TimeLog
}

func (r *memTimeLogs) ListByUser(_ context.Context, user uuid.UUID, from, to time.Time) ([]*domain.TimeLog, error) {
	var out []*domain.TimeLog
	for _, t := range r.rows {
		if t.UserID() == user && !t.StartedAt().Before(from) && t.StartedAt().Before(to) {
			out = append(out, t)
		}
	}
	return out, nil
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

type seqIDs struct{}

func (seqIDs) New() uuid.UUID { return uuid.Must(uuid.NewV7()) }

var (
	now     = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	alice   = uuid.New()
	bob     = uuid.New()
	creator = uuid.New()
	taskID  = uuid.New()
)

type fixture struct {
	svc   *app.Service
	blobs *memBlobs
	atts  *memAttachments
	comms *memComments
	logs  *memTimeLogs
}

func newFixture() fixture {
	f := fixture{blobs: &memBlobs{committed: map[string][]byte{}},
		atts:  &memAttachments{rows: map[uuid.UUID]*domain.Attachment{}},
		comms: &memComments{rows: map[uuid.UUID]*domain.Comment{}}, logs: &memTimeLogs{}}
	f.svc = &app.Service{Tasks: fakeTasks{taskID: creator}, Users: fakeUsers{"alice": alice, "bob": bob},
		Comments: f.comms, Attachments: f.atts, TimeLogs: f.logs, Blobs: f.blobs,
		Clock: fixedClock(now), IDs: seqIDs{}, MaxBytes: 10}
	return f
}

func (f fixture) upload(body string, want []byte) (*domain.Attachment, error) {
	return f.svc.Upload(context.Background(), kernel.Actor{UserID: alice},
		ports.Upload{TaskID: taskID, Filename: "a.txt", Body: strings.NewReader(body), WantSHA256: want})
}

func TestUploadLimitsAndLeavesNothingBehind(t *testing.T) {
	f := newFixture()
	for _, body := range []string{"", "0123456789"} { // empty and exactly the limit
		a, err := f.upload(body, nil)
		if err != nil {
			t.Fatalf("%d bytes: %v", len(body), err)
		}
		sum := sha256.Sum256([]byte(body))
		if a.Size() != int64(len(body)) || a.SHA256() != sum || string(f.blobs.committed[a.BlobKey()]) != body {
			t.Fatalf("%d bytes stored wrongly: size %d", len(body), a.Size())
		}
	}
	if _, err := f.upload("0123456789X", nil); kernel.KindOf(err) != kernel.KindTooLarge {
		t.Fatalf("limit+1: %v", err)
	}
	wrong := sha256.Sum256([]byte("other"))
	if _, err := f.upload("abc", wrong[:]); !errors.Is(err, domain.ErrDigestMismatch) {
		t.Fatalf("digest mismatch: %v", err)
	}
	if len(f.atts.rows) != 2 || len(f.blobs.committed) != 2 || f.blobs.open != 0 {
		t.Fatalf("rows %d, blobs %d, unfinished %d; want 2, 2, 0", len(f.atts.rows), len(f.blobs.committed), f.blobs.open)
	}
	right := sha256.Sum256([]byte("abc"))
	if _, err := f.upload("abc", right[:]); err != nil {
		t.Fatalf("matching digest: %v", err)
	}
}

func TestUploadRemovesBlobWhenInsertFails(t *testing.T) {
	f := newFixture()
	f.atts.failAdd = errors.New("database down")
	if _, err := f.upload("abc", nil); err == nil {
		t.Fatal("want the insert's error")
	}
	if len(f.blobs.committed) != 0 {
		t.Fatal("the blob of a failed insert stayed")
	}
}

func TestUploadToMissingTaskReadsNothing(t *testing.T) {
	f := newFixture()
	_, err := f.svc.Upload(context.Background(), kernel.Actor{UserID: alice},
		ports.Upload{TaskID: uuid.New(), Filename: "a", Body: strings.NewReader("x")})
	if !errors.Is(err, domain.ErrTaskNotFound) || f.blobs.open != 0 || len(f.blobs.committed) != 0 {
		t.Fatalf("got %v", err)
	}
}

func TestUploadSniffsContentType(t *testing.T) {
	f := newFixture()
	f.svc.MaxBytes = 1 << 20
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
	a, err := f.svc.Upload(context.Background(), kernel.Actor{UserID: alice},
		ports.Upload{TaskID: taskID, Filename: "cat.txt", ClaimedType: "text/plain", Body: strings.NewReader(png)})
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentType() != "image/png" || a.ClaimedType() != "text/plain" {
		t.Fatalf("sniffed %q, claimed %q", a.ContentType(), a.ClaimedType())
	}
}

func TestCommentMentionsResolved(t *testing.T) {
	f := newFixture()
	c, err := f.svc.AddComment(context.Background(), kernel.Actor{UserID: alice}, taskID, "@Bob and @nobody, see @alice")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Mentions(), []uuid.UUID{bob, alice}) {
		t.Fatalf("mentions %v", c.Mentions())
	}
	ev := c.Events()[0].(domain.CommentAdded)
	if !reflect.DeepEqual(ev.Mentioned, []uuid.UUID{bob, alice}) || ev.AuthorID != alice || ev.TaskID != taskID {
		t.Fatalf("event %+v", ev)
	}
	if _, err := f.svc.AddComment(context.Background(), kernel.Actor{UserID: alice}, uuid.New(), "hi"); !errors.Is(err, domain.ErrTaskNotFound) {
		t.Fatalf("missing task: %v", err)
	}
	if _, err := f.svc.EditComment(context.Background(), kernel.Actor{UserID: bob, Admin: true}, c.ID(), "mine now", nil); !errors.Is(err, domain.ErrNotCommentAuthor) {
		t.Fatalf("edit by someone else: %v", err)
	}
}

func TestUserTimeLogsPerDay(t *testing.T) {
	f := newFixture()
	at := func(d, h int) *time.Time { v := time.Date(2026, 3, d, h, 0, 0, 0, time.UTC); return &v }
	for _, s := range []struct {
		start *time.Time
		secs  int64
		user  uuid.UUID
	}{{at(8, 9), 600, alice}, {at(8, 23), 3600, alice}, {at(9, 1), 60, alice}, {at(9, 2), 999, bob}, {at(1, 1), 5, alice}} {
		tl, _ := domain.NewTimeLog(uuid.New(), taskID, s.user, domain.Span{StartedAt: s.start, DurationSeconds: &s.secs}, nil, now)
		f.logs.rows = append(f.logs.rows, tl)
	}
	r, err := f.svc.UserTimeLogs(context.Background(), alice, nil, nil) // the last 7 days: 4th to 10th
	if err != nil {
		t.Fatal(err)
	}
	want := []ports.DayTotal{{Date: "2026-03-08", TotalSeconds: 4200}, {Date: "2026-03-09", TotalSeconds: 60}}
	if !reflect.DeepEqual(r.Days, want) || r.TotalSeconds != 4260 || len(r.Items) != 3 {
		t.Fatalf("days %v total %d items %d", r.Days, r.TotalSeconds, len(r.Items))
	}
	if _, err := f.svc.UserTimeLogs(context.Background(), uuid.New(), nil, nil); !errors.Is(err, domain.ErrUserNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := f.svc.UserTimeLogs(context.Background(), alice, at(9, 0), at(8, 0)); kernel.KindOf(err) != kernel.KindValidation {
		t.Fatalf("to before from: %v", err)
	}
}

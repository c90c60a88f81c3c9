package collaboration_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"tasktracker/internal/collaboration"
	"tasktracker/internal/platform/apitest"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/pgtest"
)

// These tests drive the collaboration HTTP API on the platform's real Echo
// stack, a real database and a real directory, with the other contexts
// replaced by small fakes (tokens are user names); every exchange is
// checked against docs/openapi.yaml. cmd/tasktracker/collaboration_test.go
// runs the flows through the whole application.

type world struct {
	mu    sync.Mutex
	tasks map[uuid.UUID]uuid.UUID // task → creator
	users map[string]kernel.Actor // name (= token) → actor
}

func (w *world) TaskCreator(_ context.Context, id uuid.UUID) (uuid.UUID, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.tasks[id]
	return c, ok, nil
}

func (w *world) UserIDsByUsername(_ context.Context, names []string) (map[string]uuid.UUID, error) {
	out := map[string]uuid.UUID{}
	for _, n := range names {
		if a, ok := w.users[n]; ok {
			out[n] = a.UserID
		}
	}
	return out, nil
}

func (w *world) MissingUsers(_ context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	var missing []uuid.UUID
next:
	for _, id := range ids {
		for _, a := range w.users {
			if a.UserID == id {
				continue next
			}
		}
		missing = append(missing, id)
	}
	return missing, nil
}

func (w *world) Authenticate(_ context.Context, token string) (kernel.Actor, error) {
	if a, ok := w.users[token]; ok {
		return a, nil
	}
	return kernel.Actor{}, httpserver.ErrUnauthenticated
}

func (w *world) newTask(creator string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	id := uuid.Must(uuid.NewV7())
	w.tasks[id] = w.users[creator].UserID
	return id.String()
}

func (w *world) deleteTask(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.tasks, uuid.MustParse(id))
}

type env struct {
	*apitest.Client
	w    *world
	pool *pgxpool.Pool
	dir  string
	max  int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	pool := pgtest.New(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	bus, err := events.NewBus(pool, events.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{tasks: map[uuid.UUID]uuid.UUID{}, users: map[string]kernel.Actor{
		"alice": {UserID: uuid.New()}, "bob": {UserID: uuid.New()}, "admin": {UserID: uuid.New(), Admin: true}}}
	e := &env{w: w, pool: pool, dir: t.TempDir(), max: 1024}
	m, err := collaboration.New(collaboration.Deps{Pool: pool, Bus: bus, Clock: kernel.SystemClock{}, IDs: kernel.UUIDv7{},
		Logger: logger, Tasks: w, Users: w, AttachmentsDir: e.dir, AttachmentMaxBytes: e.max})
	if err != nil {
		t.Fatal(err)
	}
	ec := httpserver.New(httpserver.Options{Logger: logger, BodyLimit: "1M", RequestTimeout: 30 * time.Second,
		Streaming: httpserver.IsStreamingPath("/attachments")})
	m.Routes(ec, httpserver.RequireAuth(w))
	m.Subscribe(bus)
	if err := bus.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ec)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = bus.Stop(ctx)
	})
	e.Client = apitest.New(t, srv.URL)
	return e
}

func (e *env) id(name string) string { return e.w.users[name].UserID.String() }

// files lists the regular files under the attachments directory
// (temporary ones included).
func (e *env) files(t *testing.T) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func (e *env) rows(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), "SELECT count(*) FROM collaboration."+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// part is one part of a multipart form.
type part struct {
	name, filename, contentType, digest string
	data                                []byte
}

// form encodes parts as multipart/form-data.
func form(parts ...part) (body []byte, contentType string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := fmt.Sprintf(`form-data; name=%q`, p.name)
		switch {
		case strings.ContainsFunc(p.filename, func(r rune) bool { return r < 0x20 }):
			// control characters cannot travel in a quoted string: RFC 2231 encoding
			cd += "; filename*=UTF-8''" + url.PathEscape(p.filename)
		case p.filename != "":
			cd += fmt.Sprintf(`; filename="%s"`, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p.filename))
		}
		h.Set("Content-Disposition", cd)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		if p.digest != "" {
			h.Set("Content-Digest", p.digest)
		}
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(p.data)
	}
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(s[:]) + ":"
}

func (e *env) post(path, token string, body []byte, contentType string, headers ...string) *apitest.Response {
	req, _ := http.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.Do(req)
}

func (e *env) upload(taskID, token, filename string, data []byte, headers ...string) *apitest.Response {
	body, ct := form(part{name: "file", filename: filename, contentType: "application/octet-stream", data: data})
	return e.post("/tasks/"+taskID+"/attachments", token, body, ct, headers...)
}

func (e *env) get(path, token string, headers ...string) *apitest.Response {
	return e.Request(http.MethodGet, path, token, nil, headers...)
}

package httpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/platform/wait"
)

func TestGracefulShutdownLetsInFlightRequestsFinish(t *testing.T) {
	e := httpserver.New(httpserver.Options{})
	started := make(chan struct{})
	e.GET("/slow", func(c echo.Context) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.String(http.StatusOK, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpserver.Serve(ctx, ln, e, 5*time.Second) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- result{body: string(b)}
	}()
	<-started
	cancel() // SIGTERM arrives while the request runs
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/slow"); err == nil {
		t.Fatal("the server still accepts connections after shutdown")
	}
}

func TestProblemMapping(t *testing.T) {
	notFound := kernel.NotFound("task_not_found", "task not found")
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{notFound, 404, "task_not_found"},
		{errors.Join(errors.New("ctx"), notFound), 404, "task_not_found"},
		{kernel.Invalid("title", "is required"), 400, "validation_failed"},
		{echo.ErrNotFound, 404, "route_not_found"},
		{echo.ErrMethodNotAllowed, 405, "method_not_allowed"},
		{errors.New("pq: secret SQL detail"), 500, "internal"},
	}
	for _, c := range cases {
		p := httpserver.ProblemFor(c.err)
		if p.Status != c.status || p.Code != c.code {
			t.Errorf("%v → %d %s, want %d %s", c.err, p.Status, p.Code, c.status, c.code)
		}
		if strings.Contains(p.Detail, "SQL") {
			t.Errorf("internal detail leaked: %q", p.Detail)
		}
	}
	b, _ := httpserver.ProblemFor(kernel.New(kernel.KindPrecondition, "version_mismatch", "stale").With("current_version", 4)).MarshalJSON()
	if !strings.Contains(string(b), `"current_version":4`) || !strings.Contains(string(b), `"status":412`) {
		t.Fatalf("extension members: %s", b)
	}
}

func TestPanicsBecome500Problems(t *testing.T) {
	e := httpserver.New(httpserver.Options{})
	e.GET("/boom", func(c echo.Context) error { panic("kaboom") })
	srv := &http.Server{Handler: e}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()
	res, err := http.Get("http://" + ln.Addr().String() + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 500 || res.Header.Get("Content-Type") != "application/problem+json" || strings.Contains(string(b), "kaboom") {
		t.Fatalf("%d %s %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A client that hangs up cancels its request's work; the request is logged
// as 499 at info level, not as a server error.
func TestAClientThatHangsUpIsNoServerError(t *testing.T) {
	var logs syncBuffer
	e := httpserver.New(httpserver.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	started := make(chan struct{})
	e.GET("/wait", func(c echo.Context) error {
		close(started)
		<-c.Request().Context().Done() // a query in flight, cancelled with the request
		return fmt.Errorf("query: %w", c.Request().Context().Err())
	})
	srv := &http.Server{Handler: e}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/wait", nil)
	go func() { <-started; cancel() }()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the request was not cancelled")
	}
	var line map[string]any
	wait.For(t, 5*time.Second, "the request to be logged", func() bool {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, `"msg":"request"`) {
				return json.Unmarshal([]byte(l), &line) == nil
			}
		}
		return false
	})
	if line["status"] != float64(499) || line["level"] != "INFO" {
		t.Fatalf("logged %v, want status 499 at INFO", line)
	}
	if strings.Contains(logs.String(), "request failed") {
		t.Fatalf("a hang-up was logged as a failure: %s", logs.String())
	}
}

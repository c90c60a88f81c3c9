// Command notifylatency measures, against a running server, the time from a
// committed comment to its notification arriving on an open notification
// stream (GET /notifications/stream), over many comments, and prints p50,
// p90, p99 and max.
//
// It signs up two users; alice creates a task (so she watches it) and opens
// a stream — on -stream, another instance on the same database, when given;
// bob posts -n comments one after the other through -base, each waiting for
// the previous one's notification (and -gap more). "from commit" starts when the 201 of the
// comment arrives (the transaction has committed); "from request" starts
// before the request is sent.
//
//	go run ./bench/notifylatency -base http://127.0.0.1:8080 [-stream http://127.0.0.1:8081] [-n 1000]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "API instance the comments are posted to")
	streamBase := flag.String("stream", "", "API instance the stream is opened on (default: -base)")
	n := flag.Int("n", 1000, "comments to measure")
	warmup := flag.Int("warmup", 20, "comments posted first and not measured")
	gap := flag.Duration("gap", 0, "pause between a notification's arrival and the next comment")
	flag.Parse()
	if *streamBase == "" {
		*streamBase = *base
	}
	if err := run(*base, *streamBase, *n, *warmup, *gap); err != nil {
		fmt.Fprintln(os.Stderr, "notifylatency:", err)
		os.Exit(1)
	}
}

type client struct {
	base  string
	token string
}

func (c client) do(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func signUp(base, name string) (client, error) {
	c := client{base: base}
	body := map[string]any{"email": name + "@example.com", "username": name, "password": "correct horse battery", "display_name": name}
	if err := c.do(http.MethodPost, "/users", body, nil); err != nil {
		return c, err
	}
	var login struct {
		Token string `json:"token"`
	}
	err := c.do(http.MethodPost, "/auth/login", map[string]any{"login": name, "password": "correct horse battery"}, &login)
	c.token = login.Token
	return c, err
}

func run(base, streamBase string, n, warmup int, gap time.Duration) error {
	suffix := fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000_000)
	alice, err := signUp(base, "lat_alice"+suffix)
	if err != nil {
		return err
	}
	bob, err := signUp(base, "lat_bob"+suffix)
	if err != nil {
		return err
	}
	var task struct {
		ID string `json:"id"`
	}
	if err := alice.do(http.MethodPost, "/tasks", map[string]any{"title": "Latency"}, &task); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, streamBase+"/notifications/stream", nil)
	req.Header.Set("Authorization", "Bearer "+alice.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("stream: %d", res.StatusCode)
	}
	arrivals := make(chan time.Time, 16)
	connected := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": connected":
				close(connected)
			case strings.HasPrefix(line, "data: "):
				arrivals <- time.Now()
			}
		}
		close(arrivals)
	}()
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		return errors.New("the stream did not connect")
	}

	fromCommit := make([]time.Duration, 0, n)
	fromRequest := make([]time.Duration, 0, n)
	started := time.Now()
	for i := 0; i < warmup+n; i++ {
		time.Sleep(gap)
		t0 := time.Now()
		if err := bob.do(http.MethodPost, "/tasks/"+task.ID+"/comments", map[string]any{"body": fmt.Sprintf("comment %d", i)}, nil); err != nil {
			return err
		}
		t1 := time.Now()
		var t2 time.Time
		select {
		case at, ok := <-arrivals:
			if !ok {
				return errors.New("the stream ended")
			}
			t2 = at
		case <-time.After(30 * time.Second):
			return fmt.Errorf("comment %d: no notification within 30s", i)
		}
		if i >= warmup {
			fromCommit = append(fromCommit, max(t2.Sub(t1), 0))
			fromRequest = append(fromRequest, t2.Sub(t0))
		}
	}
	fmt.Printf("comments: %d (after %d warm-up, %s apart), stream on %s, comments via %s, %s in all\n",
		n, warmup, gap, streamBase, base, time.Since(started).Round(time.Millisecond))
	report("from commit (201 received) to event", fromCommit)
	report("from request sent to event", fromRequest)
	return nil
}

func report(what string, ds []time.Duration) {
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	fmt.Printf("%-40s p50 %-10s p90 %-10s p99 %-10s max %s\n", what,
		q(0.50).Round(10*time.Microsecond), q(0.90).Round(10*time.Microsecond),
		q(0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
}

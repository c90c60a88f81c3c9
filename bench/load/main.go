// Command load measures the API against its database floor in one run.
//
// Against a running server (seeded with `tasktracker seed`), it drives each
// scenario with vegeta at a fixed concurrency for a fixed time, then runs
// pgbench at the same concurrency on the same PostgreSQL server — prepared
// primary-key selects and single-row inserts — and reports, per scenario,
// req/s, p50/p99 latency, errors, SQL statements per request (from the
// server's db_statements_total) and the ratio to the matching floor.
//
//	go run ./bench/load -url http://127.0.0.1:8080 -db postgres://postgres@127.0.0.1:5432/task_tracker
//
// See docs/benchmarks.md for the procedure and the figures.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type result struct {
	Name         string  `json:"name"`
	DrainSeconds float64 `json:"event_drain_seconds,omitempty"`
	Floor        string  `json:"floor"`
	RPS          float64 `json:"rps"`
	P50ms        float64 `json:"p50_ms"`
	P99ms        float64 `json:"p99_ms"`
	Requests     uint64  `json:"requests"`
	Errors       uint64  `json:"errors"`
	StmtsPerReq  float64 `json:"statements_per_request"`
	Ratio        float64 `json:"ratio_to_floor"`
	StatusCounts string  `json:"status_codes"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "API base URL")
	dsn := flag.String("db", "postgres://postgres@127.0.0.1:5432/task_tracker?sslmode=disable", "the API's database (ids, pgbench server)")
	conc := flag.Int("c", 32, "concurrent connections")
	dur := flag.Duration("d", 15*time.Second, "duration of each scenario")
	login := flag.String("login", "seed0", "user to log in as (seeded users share the password)")
	password := flag.String("password", "bench password", "password")
	only := flag.String("only", "", "comma-separated scenario names to run (default all)")
	jsonOut := flag.String("json", "", "also write the results as JSON to this file")
	flag.Parse()
	if err := run(*base, *dsn, *conc, *dur, *login, *password, *only, *jsonOut); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(base, dsn string, conc int, dur time.Duration, login, password, only, jsonOut string) error {
	ctx := context.Background()
	token, err := loginToken(base, login, password)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	var total int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM tasking.task`).Scan(&total); err != nil {
		return err
	}
	ids, err := sampleIDs(ctx, conn, 20000)
	conn.Close(ctx)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("no tasks: run `tasktracker seed` first")
	}
	deep, depth, err := deepCursor(base, token, total)
	if err != nil {
		return err
	}
	// Words of the seeded vocabulary (each in about a quarter of the tasks),
	// prefixes, and one word no task has.
	words := []string{"deploy", "invoice", "log", "отчёт", "ошибка", "migration"}
	fmt.Printf("# %d tasks; %d connections; %s per scenario; deep cursor after %d rows\n", total, conc, dur, depth)

	hdr := http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}}
	var n atomic.Int64
	pick := func() string { return ids[rand.IntN(len(ids))] }
	scenarios := []struct {
		name, floor string
		target      vegeta.Targeter
	}{
		{"GET /tasks/{id}", "select", func(t *vegeta.Target) error {
			*t = vegeta.Target{Method: "GET", URL: base + "/tasks/" + pick(), Header: hdr}
			return nil
		}},
		{"GET /tasks?limit=50", "select", func(t *vegeta.Target) error {
			*t = vegeta.Target{Method: "GET", URL: base + "/tasks?limit=50", Header: hdr}
			return nil
		}},
		{"GET /tasks?limit=50&cursor=<deep>", "select", func(t *vegeta.Target) error {
			*t = vegeta.Target{Method: "GET", URL: base + "/tasks?limit=50&cursor=" + url.QueryEscape(deep), Header: hdr}
			return nil
		}},
		{"GET /tasks?q=…&limit=50", "select", func(t *vegeta.Target) error {
			*t = vegeta.Target{Method: "GET", URL: base + "/tasks?limit=50&q=" + url.QueryEscape(words[rand.IntN(len(words))]), Header: hdr}
			return nil
		}},
		{"POST /tasks", "insert", func(t *vegeta.Target) error {
			body := fmt.Sprintf(`{"title":"%s %s load task %d","priority":"high","description":"created by the load tool"}`,
				words[rand.IntN(5)], words[rand.IntN(5)], n.Add(1))
			*t = vegeta.Target{Method: "POST", URL: base + "/tasks", Header: hdr, Body: []byte(body)}
			return nil
		}},
		{"PATCH /tasks/{id}", "insert", func(t *vegeta.Target) error {
			body := fmt.Sprintf(`{"title":"patched %d"}`, n.Add(1))
			*t = vegeta.Target{Method: "PATCH", URL: base + "/tasks/" + pick(), Header: hdr, Body: []byte(body)}
			return nil
		}},
		{"PATCH /tasks/{id} (all writers, one task)", "insert", func(t *vegeta.Target) error {
			body := fmt.Sprintf(`{"title":"contended %d"}`, n.Add(1))
			*t = vegeta.Target{Method: "PATCH", URL: base + "/tasks/" + ids[0], Header: hdr, Body: []byte(body)}
			return nil
		}},
	}
	var results []result
	for _, s := range scenarios {
		if only != "" && !strings.Contains(","+only+",", ","+s.name+",") {
			continue
		}
		if err := drain(dsn); err != nil { // start every scenario with no event delivery pending
			return err
		}
		r, err := attack(base, s.name, s.target, conc, dur)
		if err != nil {
			return err
		}
		r.Floor = s.floor
		if s.floor == "insert" {
			// The writes queued event deliveries (notifications); how long
			// the workers take to catch up is part of the cost.
			start := time.Now()
			if err := drain(dsn); err != nil {
				return err
			}
			r.DrainSeconds = time.Since(start).Seconds()
		}
		results = append(results, r)
		fmt.Printf("%-42s %9.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  stmts/req %.1f  %s  event drain %.1fs\n",
			r.Name, r.RPS, r.P50ms, r.P99ms, r.Errors, r.StmtsPerReq, r.StatusCounts, r.DrainSeconds)
	}

	selectTPS, insertTPS, err := floors(dsn, conc, dur)
	if err != nil {
		return err
	}
	fmt.Printf("\nfloor: pgbench -S -M prepared %.0f tps; single-row insert %.0f tps\n\n", selectTPS, insertTPS)
	fmt.Println("| endpoint | req/s | p50 ms | p99 ms | errors | SQL stmts/req | ratio to floor | event drain after |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for i := range results {
		r := &results[i]
		floor := selectTPS
		if r.Floor == "insert" {
			floor = insertTPS
		}
		r.Ratio = r.RPS / floor
		drained := ""
		if r.DrainSeconds > 0 {
			drained = fmt.Sprintf("%.1f s", r.DrainSeconds)
		}
		fmt.Printf("| `%s` | %.0f | %.2f | %.2f | %d | %.1f | %.3f of %s | %s |\n", r.Name, r.RPS, r.P50ms, r.P99ms, r.Errors, r.StmtsPerReq, r.Ratio, r.Floor, drained)
	}
	fmt.Printf("| pgbench select floor | %.0f | | | | | | |\n| pgbench insert floor | %.0f | | | | | | |\n", selectTPS, insertTPS)
	if jsonOut != "" {
		b, _ := json.MarshalIndent(map[string]any{"tasks": total, "connections": conc, "duration": dur.String(),
			"select_floor_tps": selectTPS, "insert_floor_tps": insertTPS, "results": results}, "", "  ")
		return os.WriteFile(jsonOut, b, 0o644)
	}
	return nil
}

func attack(base, name string, tr vegeta.Targeter, conc int, dur time.Duration) (result, error) {
	before, err := statementsCount(base)
	if err != nil {
		return result{}, err
	}
	a := vegeta.NewAttacker(vegeta.Workers(uint64(conc)), vegeta.MaxWorkers(uint64(conc)),
		vegeta.Connections(conc), vegeta.MaxConnections(conc), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	var m vegeta.Metrics
	for res := range a.Attack(tr, vegeta.Rate{Freq: 0}, dur, name) {
		m.Add(res)
	}
	m.Close()
	after, err := statementsCount(base)
	if err != nil {
		return result{}, err
	}
	var errs uint64
	var codes []string
	for code, c := range m.StatusCodes {
		if !strings.HasPrefix(code, "2") {
			errs += uint64(c)
		}
		codes = append(codes, fmt.Sprintf("%s×%d", code, c))
	}
	return result{Name: name, RPS: m.Throughput, P50ms: ms(m.Latencies.P50), P99ms: ms(m.Latencies.P99),
		Requests: m.Requests, Errors: errs, StmtsPerReq: float64(after-before) / float64(max(m.Requests, 1)),
		StatusCounts: strings.Join(codes, " ")}, nil
}

// drain waits until the event queue has no delivery left to run.
func drain(dsn string) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var pending int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled')`).Scan(&pending); err != nil {
			return err
		}
		if pending == 0 {
			return nil
		}
	}
	return fmt.Errorf("event deliveries still pending after 10 minutes")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var stmtLine = regexp.MustCompile(`(?m)^db_statements_total (\S+)$`)

func statementsCount(base string) (int64, error) {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := stmtLine.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("/metrics has no db_statements_total")
	}
	f, err := strconv.ParseFloat(string(m[1]), 64)
	return int64(f), err
}

func loginToken(base, login, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"login": login, "password": password})
	res, err := http.Post(base+"/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || json.Unmarshal(b, &out) != nil {
		return "", fmt.Errorf("login as %s: %d %s", login, res.StatusCode, b)
	}
	return out.Token, nil
}

func sampleIDs(ctx context.Context, conn *pgx.Conn, n int) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT id::text FROM tasking.task ORDER BY random() LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// deepCursor walks the default list (200 a page) to about the middle of the
// table, at most 100 000 rows deep, and returns the cursor found there.
func deepCursor(base, token string, total int) (string, int, error) {
	target := min(total/2, 100_000)
	cursor, depth := "", 0
	for depth < target {
		u := base + "/tasks?limit=200"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", 0, err
		}
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor *string           `json:"next_cursor"`
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			return "", 0, fmt.Errorf("walking the list: %d %v", res.StatusCode, err)
		}
		depth += len(page.Items)
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	return cursor, depth, nil
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \((?:without initial connection time|excluding connections establishing)\)`)

// floors runs pgbench on the same server: prepared primary-key selects on a
// scale-10 pgbench database, and single-row inserts into a table shaped
// like a small task row.
func floors(dsn string, conc int, dur time.Duration) (float64, float64, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return 0, 0, err
	}
	ctx := context.Background()
	admin := *u
	admin.Path = "/postgres"
	c, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return 0, 0, err
	}
	_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS tt_pgbench WITH (FORCE)")
	if _, err := c.Exec(ctx, "CREATE DATABASE tt_pgbench"); err != nil {
		return 0, 0, err
	}
	c.Close(ctx)
	bench := *u
	bench.Path = "/tt_pgbench"
	if out, err := exec.Command("pgbench", "-i", "-q", "-s", "10", bench.String()).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("pgbench -i: %v\n%s", err, out)
	}
	secs := strconv.Itoa(max(int(dur.Seconds()), 1))
	jobs := "2"
	sel, err := pgbench(bench.String(), "-S", "-M", "prepared", "-c", strconv.Itoa(conc), "-j", jobs, "-T", secs)
	if err != nil {
		return 0, 0, err
	}
	bc, err := pgx.Connect(ctx, bench.String())
	if err != nil {
		return 0, 0, err
	}
	_, err = bc.Exec(ctx, `CREATE TABLE insert_floor (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), title text NOT NULL,
		priority smallint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`)
	bc.Close(ctx)
	if err != nil {
		return 0, 0, err
	}
	script, err := os.CreateTemp("", "insert-*.sql")
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(script.Name())
	w := bufio.NewWriter(script)
	fmt.Fprintln(w, `INSERT INTO insert_floor (title, priority) VALUES ('a task title of ordinary length', 2);`)
	w.Flush()
	script.Close()
	ins, err := pgbench(bench.String(), "-n", "-f", script.Name(), "-M", "prepared", "-c", strconv.Itoa(conc), "-j", jobs, "-T", secs)
	return sel, ins, err
}

func pgbench(dsn string, args ...string) (float64, error) {
	out, err := exec.Command("pgbench", append(args, dsn)...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench %v: %v\n%s", args, err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

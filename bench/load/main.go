// Command load measures the API against its database floor in one run.
//
// Against a running server (seeded with `tasktracker seed`), it drives each
// scenario with wrk (Debian's package: a C client on epoll, scripted in Lua)
// at a fixed concurrency for a fixed time, then runs
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
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
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

	idFile, err := os.CreateTemp("", "ids-*.txt")
	if err != nil {
		return err
	}
	defer os.Remove(idFile.Name())
	fmt.Fprintln(idFile, strings.Join(ids, "\n"))
	idFile.Close()
	var queries []string
	for _, w := range words {
		queries = append(queries, strconv.Quote(url.QueryEscape(w)))
	}
	// Each scenario is the body of wrk's request() in Lua: pick(t) draws
	// from a table, n counts this thread's requests.
	scenarios := []struct{ name, floor, lua string }{
		{"GET /tasks/{id}", "select", `return wrk.format("GET", "/tasks/" .. pick(ids))`},
		{"GET /tasks?limit=50", "select", `return wrk.format("GET", "/tasks?limit=50")`},
		{"GET /tasks?limit=50&cursor=<deep>", "select",
			`return wrk.format("GET", ` + strconv.Quote("/tasks?limit=50&cursor="+url.QueryEscape(deep)) + `)`},
		{"GET /tasks?q=…&limit=50", "select", `return wrk.format("GET", "/tasks?limit=50&q=" .. pick(queries))`},
		{"POST /tasks", "insert", `return wrk.format("POST", "/tasks", nil, string.format(
			'{"title":"%s %s load task %d","priority":"high","description":"created by the load tool"}',
			pick(titleWords), pick(titleWords), n))`},
		{"PATCH /tasks/{id}", "insert",
			`return wrk.format("PATCH", "/tasks/" .. pick(ids), nil, string.format('{"title":"patched %d"}', n))`},
		{"PATCH /tasks/{id} (all writers, one task)", "insert",
			`return wrk.format("PATCH", "/tasks/" .. ids[1], nil, string.format('{"title":"contended %d"}', n))`},
	}
	prelude := fmt.Sprintf(`local ids = {}
for line in io.lines(%q) do ids[#ids + 1] = line end
local queries = {%s}
local titleWords = {%s}
local n = 0
local function pick(t) return t[math.random(#t)] end
wrk.headers["Authorization"] = %q
wrk.headers["Content-Type"] = "application/json"
`, idFile.Name(), strings.Join(queries, ", "), `"deploy", "invoice", "log", "отчёт", "ошибка"`, "Bearer "+token)
	floor, err := newFloorDB(dsn)
	if err != nil {
		return err
	}
	defer floor.Close()
	selBefore, insBefore, err := floor.measure(conc, dur)
	if err != nil {
		return err
	}
	var results []result
	for _, s := range scenarios {
		if only != "" && !strings.Contains(","+only+",", ","+s.name+",") {
			continue
		}
		if err := drain(dsn); err != nil { // start every scenario with no event delivery pending
			return err
		}
		r, err := attack(base, s.name, prelude+"request = function()\n\tn = n + 1\n\t"+s.lua+"\nend\n", conc, dur)
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

	selAfter, insAfter, err := floor.measure(conc, dur)
	if err != nil {
		return err
	}
	// This machine's speed drifts (a shared virtual machine): the floor is
	// measured before and after the scenarios, and ratios use the mean.
	selectTPS, insertTPS := (selBefore+selAfter)/2, (insBefore+insAfter)/2
	fmt.Printf("\nfloor: pgbench -S -M prepared %.0f tps before, %.0f after; single-row insert %.0f before, %.0f after\n\n",
		selBefore, selAfter, insBefore, insAfter)
	fmt.Println("| endpoint | req/s | p50 ms | p99 ms | errors | SQL stmts/req | ratio to floor | event drain after |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for i := range results {
		r := &results[i]
		ref := selectTPS
		if r.Floor == "insert" {
			ref = insertTPS
		}
		r.Ratio = r.RPS / ref
		drained := ""
		if r.DrainSeconds > 0 {
			drained = fmt.Sprintf("%.1f s", r.DrainSeconds)
		}
		fmt.Printf("| `%s` | %.0f | %.2f | %.2f | %d | %.1f | %.3f of %s | %s |\n", r.Name, r.RPS, r.P50ms, r.P99ms, r.Errors, r.StmtsPerReq, r.Ratio, r.Floor, drained)
	}
	fmt.Printf("| pgbench select floor (mean of before and after) | %.0f | | | | | | |\n| pgbench insert floor (mean of before and after) | %.0f | | | | | | |\n", selectTPS, insertTPS)
	if jsonOut != "" {
		b, _ := json.MarshalIndent(map[string]any{"tasks": total, "connections": conc, "duration": dur.String(),
			"select_floor_tps": selectTPS, "insert_floor_tps": insertTPS,
			"select_floor_before_after": []float64{selBefore, selAfter}, "insert_floor_before_after": []float64{insBefore, insAfter}, "results": results}, "", "  ")
		return os.WriteFile(jsonOut, b, 0o644)
	}
	return nil
}

// wrkDone prints wrk's summary as one JSON line (latencies in µs).
const wrkDone = `
local seeds = 0
setup = function(thread) seeds = seeds + 1; thread:set("seed", seeds) end
init = function() math.randomseed(os.time() * 100 + seed) end
done = function(summary, latency)
	local e = summary.errors
	io.write(string.format('\nRESULT {"requests":%.0f,"duration_us":%.0f,"non2xx":%.0f,"socket_errors":%.0f,"p50_us":%.0f,"p99_us":%.0f}\n',
		summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
		latency:percentile(50), latency:percentile(99)))
end
`

var resultLine = regexp.MustCompile(`(?m)^RESULT (\{.*\})$`)

// attack runs wrk with script (a Lua prelude and request function) at conc
// connections on two threads for dur.
func attack(base, name, script string, conc int, dur time.Duration) (result, error) {
	f, err := os.CreateTemp("", "scenario-*.lua")
	if err != nil {
		return result{}, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script + wrkDone); err != nil {
		return result{}, err
	}
	f.Close()
	before, err := statementsCount(base)
	if err != nil {
		return result{}, err
	}
	out, err := exec.Command("wrk", "-t2", "-c", strconv.Itoa(conc), "-d", strconv.Itoa(max(int(dur.Seconds()), 1))+"s",
		"--timeout", "30s", "-s", f.Name(), base).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk (apt-get install wrk): %v\n%s", err, out)
	}
	after, err := statementsCount(base)
	if err != nil {
		return result{}, err
	}
	m := resultLine.FindSubmatch(out)
	if m == nil {
		return result{}, fmt.Errorf("wrk printed no result:\n%s", out)
	}
	var w struct {
		Requests, DurationUS, Non2xx, SocketErrors, P50US, P99US float64
	}
	if err := json.Unmarshal(m[1], &struct {
		Requests     *float64 `json:"requests"`
		DurationUS   *float64 `json:"duration_us"`
		Non2xx       *float64 `json:"non2xx"`
		SocketErrors *float64 `json:"socket_errors"`
		P50US        *float64 `json:"p50_us"`
		P99US        *float64 `json:"p99_us"`
	}{&w.Requests, &w.DurationUS, &w.Non2xx, &w.SocketErrors, &w.P50US, &w.P99US}); err != nil {
		return result{}, err
	}
	reqs := uint64(w.Requests)
	errs := uint64(w.Non2xx + w.SocketErrors)
	return result{Name: name, RPS: w.Requests / (w.DurationUS / 1e6), P50ms: w.P50US / 1000, P99ms: w.P99US / 1000,
		Requests: reqs, Errors: errs, StmtsPerReq: float64(after-before) / float64(max(reqs, 1)),
		StatusCounts: fmt.Sprintf("non-2xx×%.0f socket-errors×%.0f", w.Non2xx, w.SocketErrors)}, nil
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

// floorDB is a scale-10 pgbench database on the same server, with a table
// shaped like a small task row for the insert floor.
type floorDB struct{ dsn, insertScript string }

func newFloorDB(dsn string) (*floorDB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	admin := *u
	admin.Path = "/postgres"
	c, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return nil, err
	}
	_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS tt_pgbench WITH (FORCE)")
	if _, err := c.Exec(ctx, "CREATE DATABASE tt_pgbench"); err != nil {
		return nil, err
	}
	c.Close(ctx)
	bench := *u
	bench.Path = "/tt_pgbench"
	if out, err := exec.Command("pgbench", "-i", "-q", "-s", "10", bench.String()).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgbench -i: %v\n%s", err, out)
	}
	bc, err := pgx.Connect(ctx, bench.String())
	if err != nil {
		return nil, err
	}
	_, err = bc.Exec(ctx, `CREATE TABLE insert_floor (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), title text NOT NULL,
		priority smallint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`)
	bc.Close(ctx)
	if err != nil {
		return nil, err
	}
	script, err := os.CreateTemp("", "insert-*.sql")
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(script)
	fmt.Fprintln(w, `INSERT INTO insert_floor (title, priority) VALUES ('a task title of ordinary length', 2);`)
	w.Flush()
	script.Close()
	return &floorDB{dsn: bench.String(), insertScript: script.Name()}, nil
}

func (f *floorDB) Close() { os.Remove(f.insertScript) }

// measure runs pgbench at conc clients for dur: prepared primary-key
// selects, then prepared single-row inserts.
func (f *floorDB) measure(conc int, dur time.Duration) (sel, ins float64, err error) {
	secs := strconv.Itoa(max(int(dur.Seconds()), 1))
	sel, err = pgbench(f.dsn, "-S", "-M", "prepared", "-c", strconv.Itoa(conc), "-j", "2", "-T", secs)
	if err != nil {
		return 0, 0, err
	}
	ins, err = pgbench(f.dsn, "-n", "-f", f.insertScript, "-M", "prepared", "-c", strconv.Itoa(conc), "-j", "2", "-T", secs)
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

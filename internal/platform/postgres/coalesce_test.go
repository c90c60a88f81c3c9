package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"tasktracker/internal/platform/pgtest"
	"tasktracker/internal/platform/postgres"
)

type row struct {
	id int
	v  string
}

func newCoalescer(t *testing.T) (*postgres.Coalescer[row], postgres.TxRunner, *[]int, *sync.Mutex) {
	t.Helper()
	pool := pgtest.New(t)
	if _, err := pool.Exec(context.Background(),
		`CREATE TABLE coalesced (id int PRIMARY KEY, v text NOT NULL CHECK (v <> 'bad'))`); err != nil {
		t.Fatal(err)
	}
	runner := postgres.TxRunner{Pool: pool}
	var mu sync.Mutex
	var sizes []int
	c := &postgres.Coalescer[row]{Runner: runner, Parallel: 1, Apply: func(ctx context.Context, items []row) error {
		mu.Lock()
		sizes = append(sizes, len(items))
		mu.Unlock()
		b := &pgx.Batch{}
		for _, r := range items {
			b.Queue(`INSERT INTO coalesced (id, v) VALUES ($1, $2)`, r.id, r.v)
		}
		return runner.Conn(ctx).SendBatch(ctx, b).Close()
	}}
	return c, runner, &sizes, &mu
}

func stored(t *testing.T, runner postgres.TxRunner) map[int]string {
	t.Helper()
	rows, err := runner.Pool.Query(context.Background(), `SELECT id, v FROM coalesced`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		out[id] = v
	}
	return out
}

// Writes that arrive while a batch is being written are written together in
// the next one; each caller gets its own result, and one bad item fails
// only its own caller.
func TestCoalescerBatchesConcurrentWritesAndIsolatesFailures(t *testing.T) {
	c, runner, sizes, mu := newCoalescer(t)
	ctx := context.Background()

	// Hold the first batch open until ten more writes are waiting.
	hold, started := make(chan struct{}), make(chan struct{})
	apply := c.Apply
	c.Apply = func(ctx context.Context, items []row) error {
		if items[0].id == 0 {
			close(started)
			<-hold
		}
		return apply(ctx, items)
	}
	errs := make([]error, 11)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); errs[0] = c.Do(ctx, row{0, "first"}) }()
	<-started
	for i := 1; i <= 10; i++ {
		v := fmt.Sprint("v", i)
		if i == 7 {
			v = "bad" // violates the CHECK: its batch fails, and is retried item by item
		}
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = c.Do(ctx, row{i, v}) }()
	}
	// All ten are queued behind the held batch before it is released.
	time.Sleep(200 * time.Millisecond)
	close(hold)
	wg.Wait()

	for i, err := range errs {
		if i == 7 {
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
				t.Errorf("the bad item returned %v, want its constraint error", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("item %d: %v", i, err)
		}
	}
	got := stored(t, runner)
	if len(got) != 10 || got[7] != "" || got[0] != "first" || got[10] != "v10" {
		t.Errorf("stored %v, want ids 0–10 without 7", got)
	}
	mu.Lock()
	defer mu.Unlock()
	// [1 (held), 10 (the rest together, failed on the bad one), then 1 each]
	if len(*sizes) != 12 || (*sizes)[0] != 1 || (*sizes)[1] != 10 {
		t.Errorf("batch sizes %v, want [1 10 1 1 1 1 1 1 1 1 1 1]", *sizes)
	}
}

// A write inside a unit of work joins it: it is written at once, and rolled
// back with it.
func TestCoalescerJoinsTheCallersTransaction(t *testing.T) {
	c, runner, _, _ := newCoalescer(t)
	boom := errors.New("boom")
	err := runner.InTx(context.Background(), func(ctx context.Context) error {
		if err := c.Do(ctx, row{1, "in tx"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx: %v", err)
	}
	if got := stored(t, runner); len(got) != 0 {
		t.Fatalf("a rolled-back write was stored: %v", got)
	}
	if err := c.Do(context.Background(), row{2, "alone"}); err != nil {
		t.Fatal(err)
	}
	if got := stored(t, runner); got[2] != "alone" || len(got) != 1 {
		t.Fatalf("stored %v", got)
	}
}

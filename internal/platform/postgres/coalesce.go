package postgres

import (
	"cmp"
	"context"
	"sync"
	"time"
)

// Coalescer commits concurrent writes of one kind together: while a batch
// is being written, the requests that arrive gather, and the next batch
// writes all of them in one transaction, with one commit (one WAL flush)
// and one round trip per statement kind instead of one per request. A lone
// request is written at once, alone: nothing waits for a timer. Each caller
// returns when its own write has committed, or with its own error: when a
// batch fails, each of its items is retried alone, so one bad item fails
// only its own request (docs/adr/0006). A batch is taken from the queue
// only once its transaction has begun, so the writes that arrive during the
// BEGIN round trip join it (docs/adr/0007).
type Coalescer[T any] struct {
	Runner TxRunner
	// Apply writes items in the transaction that ctx carries. It must be
	// safe to run again: a failed batch is retried item by item, and InTx
	// retries serialization failures.
	Apply func(ctx context.Context, items []T) error
	// MaxBatch bounds a batch (64 when zero); Parallel bounds the batches
	// in flight at once (1 when zero: one batch writing while the next one
	// gathers made the most creates a second, at the least CPU each;
	// docs/adr/0007).
	MaxBatch, Parallel int
	// Timeout bounds the writing of one batch (30 s when zero): a batch
	// belongs to no single request, so no request's context cancels it.
	Timeout time.Duration

	mu      sync.Mutex
	pending []*coalesced[T]
	active  int
}

type coalesced[T any] struct {
	item T
	done chan error
}

// Do writes item and returns when it has committed. A context that already
// carries a transaction writes the item in it, at once.
func (c *Coalescer[T]) Do(ctx context.Context, item T) error {
	if _, ok := TxFrom(ctx); ok {
		return c.Apply(ctx, []T{item})
	}
	p := &coalesced[T]{item: item, done: make(chan error, 1)}
	c.mu.Lock()
	c.pending = append(c.pending, p)
	if c.active < cmp.Or(c.Parallel, 1) {
		c.active++
		go c.drain()
	}
	c.mu.Unlock()
	// The write is not abandoned when ctx ends: its batch may already have
	// committed, and the caller must not report a failure for saved data.
	return <-p.done
}

func (c *Coalescer[T]) drain() {
	for {
		c.mu.Lock()
		if len(c.pending) == 0 {
			c.active--
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.write()
	}
}

// take removes the next batch from the queue.
func (c *Coalescer[T]) take() []*coalesced[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := min(len(c.pending), cmp.Or(c.MaxBatch, 64))
	batch := c.pending[:n:n]
	c.pending = append([]*coalesced[T](nil), c.pending[n:]...)
	return batch
}

// write writes the next batch. The batch is taken once the transaction has
// begun, so the writes that arrive during that round trip join it.
func (c *Coalescer[T]) write() {
	ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(c.Timeout, 30*time.Second))
	defer cancel()
	var batch []*coalesced[T]
	var items []T
	taken := false
	err := c.Runner.InTx(ctx, func(ctx context.Context) error {
		if !taken { // not on a retry of the transaction
			batch, taken = c.take(), true
			items = make([]T, len(batch))
			for i, p := range batch {
				items[i] = p.item
			}
		}
		if len(items) == 0 {
			return nil // another batch took them
		}
		return c.Apply(ctx, items)
	})
	if !taken { // the transaction never began: each item on its own
		batch = c.take()
	}
	if err == nil || len(batch) == 1 {
		for _, p := range batch {
			p.done <- err
		}
		return
	}
	for _, p := range batch {
		p.done <- c.Runner.InTx(ctx, func(ctx context.Context) error { return c.Apply(ctx, []T{p.item}) })
	}
}

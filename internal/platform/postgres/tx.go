package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is what repositories query through: the pool, or the transaction of the
// unit of work the context carries.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

type txKey struct{}

// TxFrom returns the transaction of the unit of work in ctx, if any.
func TxFrom(ctx context.Context) (pgx.Tx, bool) {
	tx, ok := ctx.Value(txKey{}).(pgx.Tx)
	return tx, ok
}

// WithTx returns ctx carrying tx, so that repositories and the event
// publisher called with it join that transaction.
func WithTx(ctx context.Context, tx pgx.Tx) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// TxRunner runs units of work.
type TxRunner struct{ Pool *pgxpool.Pool }

// Conn returns the transaction in ctx, or the pool.
func (r TxRunner) Conn(ctx context.Context) DB {
	if tx, ok := TxFrom(ctx); ok {
		return tx
	}
	return r.Pool
}

// InTx runs fn in one transaction and commits it when fn returns nil. A
// context that already carries a transaction joins it (no nesting). A
// serialization failure or deadlock of the outermost transaction is retried
// up to three times, so fn must be safe to run again.
func (r TxRunner) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := TxFrom(ctx); ok {
		return fn(ctx)
	}
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = r.once(ctx, fn)
		if !isRetryable(err) {
			return err
		}
	}
	return MapError(err)
}

func (r TxRunner) once(ctx context.Context, fn func(ctx context.Context) error) error {
	tx, err := r.Pool.Begin(ctx)
	if err != nil {
		return MapError(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(WithTx(ctx, tx)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

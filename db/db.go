// Package db holds the schema: goose SQL migrations embedded in the binary,
// and the functions that apply them together with River's own migrations
// (the job queue behind durable event delivery).
package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var embedded embed.FS

// Migrations is the folder of goose SQL files.
var Migrations, _ = fs.Sub(embedded, "migrations")

// migrationLock is the advisory lock key that serialises concurrent
// migrators (several API instances starting at once).
const migrationLock = 7_340_001

func provider(pool *pgxpool.Pool) (*goose.Provider, *sql.DB, error) {
	sqlDB := stdlib.OpenDBFromPool(pool)
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, Migrations)
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	return p, sqlDB, nil
}

func withLock(ctx context.Context, pool *pgxpool.Pool, fn func() error) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock) //nolint:errcheck
	return fn()
}

// Up applies River's migrations and every pending goose migration. It
// reports what it applied to w (nil for silence).
func Up(ctx context.Context, pool *pgxpool.Pool, w io.Writer) error {
	if w == nil {
		w = io.Discard
	}
	return withLock(ctx, pool, func() error {
		rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
		if err != nil {
			return err
		}
		rres, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		for _, v := range rres.Versions {
			fmt.Fprintf(w, "applied river migration %03d %s\n", v.Version, v.Name)
		}
		p, sqlDB, err := provider(pool)
		if err != nil {
			return err
		}
		defer sqlDB.Close()
		res, err := p.Up(ctx)
		for _, r := range res {
			fmt.Fprintf(w, "applied %s (%s)\n", r.Source.Path, r.Duration.Round(1e5))
		}
		return err
	})
}

// Down rolls back the latest goose migration (River's tables stay).
func Down(ctx context.Context, pool *pgxpool.Pool, w io.Writer) error {
	return withLock(ctx, pool, func() error {
		p, sqlDB, err := provider(pool)
		if err != nil {
			return err
		}
		defer sqlDB.Close()
		r, err := p.Down(ctx)
		if r != nil {
			fmt.Fprintf(w, "rolled back %s\n", r.Source.Path)
		}
		return err
	})
}

// Status prints each goose migration and whether it is applied.
func Status(ctx context.Context, pool *pgxpool.Pool, w io.Writer) error {
	p, sqlDB, err := provider(pool)
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	st, err := p.Status(ctx)
	if err != nil {
		return err
	}
	for _, s := range st {
		applied := "pending"
		if s.State == goose.StateApplied {
			applied = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(w, "%-40s %s\n", s.Source.Path, applied)
	}
	return nil
}

// SQL writes the SQL that Up would run on an empty database, without a
// connection: River's migrations, then the "Up" part of every goose file.
func SQL(w io.Writer) error {
	rm, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		return err
	}
	for _, m := range rm.AllVersions() {
		fmt.Fprintf(w, "-- river migration %03d %s\n%s\n", m.Version, m.Name, strings.TrimSpace(m.SQLUp))
	}
	entries, err := fs.ReadDir(Migrations, ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(Migrations, e.Name())
		if err != nil {
			return err
		}
		up, _, _ := strings.Cut(string(b), "-- +goose Down")
		up = strings.TrimPrefix(strings.TrimSpace(up), "-- +goose Up")
		fmt.Fprintf(w, "-- %s\n%s\n\n", e.Name(), strings.TrimSpace(up))
	}
	return nil
}

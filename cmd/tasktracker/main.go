// Command tasktracker is the task tracker: the HTTP API (serve), the schema
// migrations (migrate), bootstrap administration (admin) and a bulk loader
// for benchmarks (seed).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgxpool"

	"tasktracker/db"
	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/postgres"
)

var version = "dev"

const usage = `tasktracker — Another Simple Task Tracker

Usage:
  tasktracker [serve]                      run the HTTP API (the default)
  tasktracker migrate up|down|status|sql   manage the schema (sql prints it, offline)
  tasktracker admin create-user --email E --username U [--admin]
                                           create a user; the password is read from stdin
  tasktracker seed --users N --tasks M     bulk-load demo data (benchmarks)
  tasktracker version                      print the version

Configuration comes from the environment; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tasktracker: "+err.Error())
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx)
	case "migrate":
		return migrate(ctx, args, stdout)
	case "admin":
		return admin(ctx, args, stdin, stdout)
	case "seed":
		return seed(ctx, args, stdout)
	case "version":
		fmt.Fprintln(stdout, version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q (try: tasktracker help)", cmd)
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

// connect creates the database when asked to, and opens the pool; failures
// become one line that says how to fix them.
func connect(ctx context.Context, cfg config.Config, create bool) (*pgxpool.Pool, error) {
	if create {
		if _, err := postgres.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
			return nil, dbError(cfg.DatabaseURL, err)
		}
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.PoolOptions{
		MinConns: cfg.PoolMinSize, MaxConns: cfg.PoolMaxSize, CommandTimeout: cfg.CommandTimeout, PlanCacheMode: cfg.PlanCacheMode})
	if err != nil {
		return nil, dbError(cfg.DatabaseURL, err)
	}
	return pool, nil
}

func dbError(dsn string, err error) error {
	where := "the database"
	if u, perr := url.Parse(dsn); perr == nil && u.Host != "" {
		where = "PostgreSQL at " + u.Host + u.Path
	}
	if postgres.IsConnectionError(err) {
		return fmt.Errorf("cannot connect to %s: %v — start PostgreSQL (e.g. `pg_ctlcluster 15 main start`, or "+
			"`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15`) or set DATABASE_URL", where, rootCause(err))
	}
	return fmt.Errorf("cannot use %s: %v", where, rootCause(err))
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		if _, ok := u.(interface{ Unwrap() []error }); ok {
			return err
		}
		err = u
	}
}

func serve(ctx context.Context) error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// The live heap is small (tens of MiB) and short-lived garbage per
		// request is most of what is allocated: collecting at 5× the live
		// heap instead of 2× halves the collector's share of the CPU.
		debug.SetGCPercent(400)
	}
	logger := newLogger(cfg.LogLevel)
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("cannot listen on HTTP_ADDR=%s: %v", cfg.HTTPAddr, err)
	}
	pool, err := connect(ctx, cfg, true)
	if err != nil {
		ln.Close()
		return err
	}
	defer pool.Close()
	if cfg.AutoMigrate {
		if err := db.Up(ctx, pool, nil); err != nil {
			ln.Close()
			return fmt.Errorf("migrations failed: %v", err)
		}
	}
	app, err := newApplication(cfg, pool, logger)
	if err != nil {
		ln.Close()
		return err
	}
	stopWorkers, err := app.start(context.WithoutCancel(ctx))
	if err != nil {
		ln.Close()
		return err
	}
	if cfg.PprofAddr != "" {
		go func() {
			// net/http/pprof registers on the default mux; only this listener serves it.
			err := http.ListenAndServe(cfg.PprofAddr, http.DefaultServeMux) //nolint:gosec // operator-chosen address
			logger.Warn("pprof listener stopped", "error", err)
		}()
	}
	logger.Info("serving", "addr", ln.Addr().String(), "version", version)
	// Open live streams would hold the shutdown for its whole grace period.
	err = httpserver.Serve(ctx, ln, app.echo, cfg.ShutdownGrace, app.notification.CloseStreams)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if serr := stopWorkers(sctx); serr != nil && err == nil {
		err = serr
	}
	logger.Info("stopped")
	return err
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: tasktracker migrate up|down|status|sql")
	}
	if args[0] == "sql" {
		return db.SQL(stdout)
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	pool, err := connect(ctx, cfg, args[0] == "up")
	if err != nil {
		return err
	}
	defer pool.Close()
	switch args[0] {
	case "up":
		err = db.Up(ctx, pool, stdout)
	case "down":
		err = db.Down(ctx, pool, stdout)
	case "status":
		err = db.Status(ctx, pool, stdout)
	default:
		return fmt.Errorf("unknown migrate command %q: want up, down, status or sql", args[0])
	}
	return err
}

func admin(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create-user" {
		return errors.New("usage: tasktracker admin create-user --email E --username U [--admin] (password on stdin)")
	}
	fs := flag.NewFlagSet("admin create-user", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address")
	username := fs.String("username", "", "user name")
	display := fs.String("display-name", "", "display name")
	isAdmin := fs.Bool("admin", false, "make the user an administrator")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("admin create-user: %v", err)
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	password := strings.TrimRight(line, "\r\n")
	app, closeApp, err := commandApp(ctx)
	if err != nil {
		return err
	}
	defer closeApp()
	id, err := app.identity.CreateUser(ctx, *email, *username, *display, password, *isAdmin)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (%s)\n", id, *username)
	return nil
}

// commandApp wires the application for a one-off command (admin, seed): the
// database is created and migrated if needed; no server, no workers.
func commandApp(ctx context.Context) (*application, func(), error) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	pool, err := connect(ctx, cfg, true)
	if err != nil {
		return nil, nil, err
	}
	if err := db.Up(ctx, pool, nil); err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("migrations failed: %v", err)
	}
	app, err := newApplication(cfg, pool, newLogger("warn"))
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return app, pool.Close, nil
}

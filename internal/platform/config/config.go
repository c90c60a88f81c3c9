// Package config reads the environment into a typed Config. Names follow
// the original design (DATABASE_URL or DATABASE_USERNAME/PASSWORD/HOST/PORT/
// NAME, DB_POOL_*); a bad value is one clear error naming the variable.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of the process.
type Config struct {
	DatabaseURL    string
	PoolMinSize    int32
	PoolMaxSize    int32
	CommandTimeout time.Duration
	PlanCacheMode  string

	HTTPAddr       string
	AutoMigrate    bool
	CORSOrigins    []string
	RequestTimeout time.Duration
	ShutdownGrace  time.Duration
	LogLevel       string

	SignupEnabled         bool
	SessionIdleTimeout    time.Duration
	SessionAbsoluteTTL    time.Duration
	LoginRatePerMinute    int
	SignupRatePerMinute   int
	LockoutThreshold      int
	LockoutDuration       time.Duration
	PasswordHashParallel  int
	AttachmentsDir        string
	AttachmentMaxBytes    int64
	EventWorkers          int
	NotificationHeartbeat time.Duration
	PprofAddr             string
}

// Vars lists every variable with its default and meaning, for the README and
// `tasktracker help`.
var Vars = [][3]string{
	{"DATABASE_URL", "postgres://postgres@localhost:5432/task_tracker?sslmode=disable", "PostgreSQL URL; when unset it is built from the DATABASE_* parts"},
	{"DATABASE_USERNAME / DATABASE_PASSWORD", "postgres / (empty)", "credentials when DATABASE_URL is unset"},
	{"DATABASE_HOST / DATABASE_PORT / DATABASE_NAME", "localhost / 5432 / task_tracker", "server and database when DATABASE_URL is unset"},
	{"DATABASE_SSLMODE", "disable on localhost, else prefer", "libpq sslmode when DATABASE_URL is unset (TLS on loopback only costs CPU)"},
	{"DB_POOL_MIN_SIZE", "10", "connections kept open"},
	{"DB_POOL_MAX_SIZE", "20", "most connections open at once"},
	{"DB_POOL_COMMAND_TIMEOUT", "60", "statement timeout, seconds (or a Go duration such as 500ms)"},
	{"DB_PLAN_CACHE_MODE", "auto", "PostgreSQL plan_cache_mode for the API's prepared statements (auto, force_generic_plan, force_custom_plan)"},
	{"HTTP_ADDR", ":8080", "listen address of the API"},
	{"AUTO_MIGRATE", "true", "apply pending migrations when serve starts"},
	{"CORS_ALLOWED_ORIGINS", "(empty: CORS off)", "comma-separated origins allowed to call the API from a browser, or *"},
	{"HTTP_REQUEST_TIMEOUT", "30s", "longest a request may run (uploads and streams excepted)"},
	{"SHUTDOWN_TIMEOUT", "20s", "how long in-flight requests may finish after SIGTERM"},
	{"LOG_LEVEL", "info", "debug, info, warn or error (JSON logs on stderr)"},
	{"SIGNUP_ENABLED", "true", "whether POST /users is open to anyone"},
	{"SESSION_IDLE_TIMEOUT", "30m", "a session unused this long expires"},
	{"SESSION_ABSOLUTE_TIMEOUT", "72h", "a session expires this long after login, used or not"},
	{"LOGIN_RATE_LIMIT_PER_MINUTE", "20", "failed logins per client IP a minute before 429 (0: off)"},
	{"SIGNUP_RATE_LIMIT_PER_MINUTE", "30", "sign-ups per client IP a minute before 429 (0: off)"},
	{"LOGIN_LOCKOUT_THRESHOLD", "10", "consecutive failed logins that lock an account (0: off)"},
	{"LOGIN_LOCKOUT_DURATION", "10m", "how long a locked account stays locked"},
	{"PASSWORD_HASH_CONCURRENCY", "4", "password hashes computed at once (each takes 19 MiB)"},
	{"ATTACHMENTS_DIR", "./data/attachments", "where uploaded files are stored"},
	{"ATTACHMENT_MAX_BYTES", "20971520", "largest upload, bytes"},
	{"EVENT_WORKERS", "20", "event deliveries run at once (each holds a pooled connection while it runs)"},
	{"NOTIFICATION_HEARTBEAT", "25s", "comment sent on idle notification streams"},
	{"PPROF_ADDR", "(empty: off)", "serve net/http/pprof on this address (keep it on loopback), for profiling"},
	{"GOGC", "400", "Go's garbage-collection target, read by the Go runtime; `serve` uses 400 when it is unset (Go's own default is 100), trading some megabytes of heap for less GC work"},
}

// Load reads the configuration through getenv (os.Getenv in production).
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		PoolMinSize:           int32(p.int("DB_POOL_MIN_SIZE", 10, 0, 1000)),
		PoolMaxSize:           int32(p.int("DB_POOL_MAX_SIZE", 20, 1, 1000)),
		CommandTimeout:        p.seconds("DB_POOL_COMMAND_TIMEOUT", 60*time.Second),
		PlanCacheMode:         p.oneOf("DB_PLAN_CACHE_MODE", "auto", "auto", "force_generic_plan", "force_custom_plan"),
		HTTPAddr:              p.str("HTTP_ADDR", ":8080"),
		AutoMigrate:           p.bool("AUTO_MIGRATE", true),
		CORSOrigins:           p.list("CORS_ALLOWED_ORIGINS"),
		RequestTimeout:        p.duration("HTTP_REQUEST_TIMEOUT", 30*time.Second),
		ShutdownGrace:         p.duration("SHUTDOWN_TIMEOUT", 20*time.Second),
		LogLevel:              p.oneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		SignupEnabled:         p.bool("SIGNUP_ENABLED", true),
		SessionIdleTimeout:    p.duration("SESSION_IDLE_TIMEOUT", 30*time.Minute),
		SessionAbsoluteTTL:    p.duration("SESSION_ABSOLUTE_TIMEOUT", 72*time.Hour),
		LoginRatePerMinute:    p.int("LOGIN_RATE_LIMIT_PER_MINUTE", 20, 0, 1_000_000),
		SignupRatePerMinute:   p.int("SIGNUP_RATE_LIMIT_PER_MINUTE", 30, 0, 1_000_000),
		LockoutThreshold:      p.int("LOGIN_LOCKOUT_THRESHOLD", 10, 0, 1000),
		LockoutDuration:       p.duration("LOGIN_LOCKOUT_DURATION", 10*time.Minute),
		PasswordHashParallel:  p.int("PASSWORD_HASH_CONCURRENCY", 4, 1, 256),
		AttachmentsDir:        p.str("ATTACHMENTS_DIR", "./data/attachments"),
		AttachmentMaxBytes:    int64(p.int("ATTACHMENT_MAX_BYTES", 20<<20, 1, 1<<40)),
		EventWorkers:          p.int("EVENT_WORKERS", 20, 1, 1000),
		NotificationHeartbeat: p.duration("NOTIFICATION_HEARTBEAT", 25*time.Second),
		PprofAddr:             p.str("PPROF_ADDR", ""),
	}
	c.DatabaseURL = p.databaseURL()
	if c.PoolMinSize > c.PoolMaxSize {
		c.PoolMinSize = c.PoolMaxSize
	}
	if err := errors.Join(p.errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) fail(name, value, want string) {
	p.errs = append(p.errs, fmt.Errorf("configuration: %s=%q is not valid: %s", name, value, want))
}

func (p *parser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *parser) int(name string, def, lo, hi int) int {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.fail(name, v, fmt.Sprintf("want a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

func (p *parser) bool(name string, def bool) bool {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, v, "want true or false")
		return def
	}
	return b
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(name, v, "want a positive duration such as 30s, 10m or 72h")
		return def
	}
	return d
}

// seconds accepts a plain number of seconds (as the original design did) or
// a Go duration.
func (p *parser) seconds(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
		return time.Duration(f * float64(time.Second))
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d
	}
	p.fail(name, v, "want a positive number of seconds such as 60, or a duration such as 500ms")
	return def
}

func (p *parser) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(p.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, v, "want one of "+strings.Join(allowed, ", "))
	return def
}

func (p *parser) list(name string) []string {
	var out []string
	for _, s := range strings.Split(p.getenv(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) databaseURL() string {
	if v := strings.TrimSpace(p.getenv("DATABASE_URL")); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			p.fail("DATABASE_URL", v, "want postgres://user:password@host:port/database")
		}
		return v
	}
	port := p.int("DATABASE_PORT", 5432, 1, 65535)
	host := p.str("DATABASE_HOST", "localhost")
	sslmode := "prefer"
	if host == "localhost" || host == "127.0.0.1" || host == "::1" {
		sslmode = "disable"
	}
	sslmode = p.oneOf("DATABASE_SSLMODE", sslmode, "disable", "allow", "prefer", "require", "verify-ca", "verify-full")
	u := url.URL{
		Scheme:   "postgres",
		Host:     net.JoinHostPort(host, strconv.Itoa(port)),
		Path:     "/" + p.str("DATABASE_NAME", "task_tracker"),
		RawQuery: "sslmode=" + sslmode,
	}
	user := p.str("DATABASE_USERNAME", "postgres")
	if pw := p.getenv("DATABASE_PASSWORD"); pw != "" {
		u.User = url.UserPassword(user, pw)
	} else {
		u.User = url.User(user)
	}
	return u.String()
}

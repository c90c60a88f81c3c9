// Package httpserver is the HTTP platform every context mounts its routes
// on: Echo with request ids, a JSON access log, panic recovery, body limits,
// request timeouts, CORS, Prometheus metrics, RFC 9457 problem+json for every
// error (unknown routes and methods included), authentication, health
// checks, and a graceful server.
package httpserver

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options configure the server.
type Options struct {
	Logger         *slog.Logger
	CORSOrigins    []string      // allowed origins; empty: CORS off
	BodyLimit      string        // JSON bodies, e.g. "1M"
	RequestTimeout time.Duration // per request, except streams and uploads
	Pool           *pgxpool.Pool // for /readyz and pool metrics
	OpenAPI        []byte        // served at /openapi.yaml
	// Streaming reports routes that may run long and carry large bodies
	// (uploads, server-sent events): no body limit, no request timeout.
	Streaming func(c echo.Context) bool
}

// New builds the Echo instance with the middleware stack and the
// operational routes.
func New(o Options) *echo.Echo {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Streaming == nil {
		o.Streaming = func(echo.Context) bool { return false }
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(o.Logger)
	e.IPExtractor = echo.ExtractIPDirect()
	e.JSONSerializer = jsonSerializer{}
	e.Pre(middleware.RemoveTrailingSlash())

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o.Pool != nil {
		reg.MustRegister(newPoolCollector(o.Pool))
	}
	e.Use(middleware.RequestID())
	e.Use(metricsMiddleware(reg))
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true, LogStatus: true, LogMethod: true, LogURI: true, LogRoutePath: true,
		LogLatency: true, LogRequestID: true, LogRemoteIP: true, LogError: true, LogResponseSize: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("uri", v.URI), slog.String("route", v.RoutePath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("request_id", v.RequestID), slog.String("remote_ip", v.RemoteIP),
				slog.Int64("bytes_out", v.ResponseSize),
			}
			if v.Error != nil && v.Status >= 500 {
				attrs = append(attrs, slog.String("error", v.Error.Error()))
			}
			o.Logger.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	}))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		o.Logger.ErrorContext(c.Request().Context(), "panic", "error", err, "stack", string(stack))
		return err
	}}))
	if len(o.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  o.CORSOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowHeaders:  []string{"Authorization", "Content-Type", "If-Match", "If-None-Match", "Last-Event-ID", "Content-Digest", "Range"},
			ExposeHeaders: []string{"ETag", "Location", "Link", "Retry-After", "X-Request-Id", "Content-Disposition"},
			MaxAge:        600,
		}))
	}
	skip := func(c echo.Context) bool { return o.Streaming(c) }
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: cmp.Or(o.BodyLimit, "1M"), Skipper: skip}))
	if o.RequestTimeout > 0 {
		e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: o.RequestTimeout, Skipper: skip}))
	}

	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/readyz", func(c echo.Context) error {
		if o.Pool != nil {
			ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
			defer cancel()
			if err := o.Pool.Ping(ctx); err != nil {
				return &echo.HTTPError{Code: http.StatusServiceUnavailable, Message: "the database is not reachable"}
			}
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
	})
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	if o.OpenAPI != nil {
		e.GET("/openapi.yaml", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/yaml", o.OpenAPI) })
	}
	return e
}

// IsStreamingPath is a Streaming predicate for paths with the given
// suffixes.
func IsStreamingPath(suffixes ...string) func(c echo.Context) bool {
	return func(c echo.Context) bool {
		p := strings.TrimSuffix(c.Request().URL.Path, "/")
		for _, s := range suffixes {
			if strings.HasSuffix(p, s) {
				return true
			}
		}
		return false
	}
}

// Serve runs h on ln until ctx is cancelled, then stops accepting
// connections and lets in-flight requests finish for up to grace.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, onShutdown ...func()) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads; JSON requests are cut by the request timeout
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	for _, f := range onShutdown {
		srv.RegisterOnShutdown(f)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

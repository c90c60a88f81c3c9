package postgres

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgxlisten"

	"tasktracker/internal/notification/ports"
)

// Listen runs LISTEN on Channel over a dedicated connection until ctx ends,
// reconnecting after a second when the connection drops, and hands every
// announced notification to sink. Each (re)connection first tells sink to
// resync: whatever was committed while nobody listened is then read from
// the table by the open streams.
func Listen(ctx context.Context, pool *pgxpool.Pool, sink ports.FeedSink, logger *slog.Logger) error {
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) {
			return pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
		},
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				logger.WarnContext(ctx, "notification listener", "error", err)
			}
		},
		ReconnectDelay: time.Second,
	}
	l.Handle(Channel, handler{sink: sink, logger: logger})
	err := l.Listen(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

type handler struct {
	sink   ports.FeedSink
	logger *slog.Logger
}

func (h handler) HandleNotification(ctx context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	var w wire
	if err := json.Unmarshal([]byte(n.Payload), &w); err != nil {
		return err
	}
	h.sink.Publish(w.domain())
	return nil
}

// HandleBacklog runs once LISTEN is in place on each (re)connection.
func (h handler) HandleBacklog(ctx context.Context, _ string, _ *pgx.Conn) error {
	h.sink.Resync()
	return nil
}

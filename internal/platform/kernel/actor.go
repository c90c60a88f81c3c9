package kernel

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Actor is the authenticated user a use case runs for.
type Actor struct {
	UserID    uuid.UUID
	Admin     bool
	SessionID uuid.UUID
}

// Clock is the driven port for the current time.
type Clock interface{ Now() time.Time }

// IDs is the driven port for new identifiers.
type IDs interface{ New() uuid.UUID }

// SystemClock reads the wall clock, in UTC truncated to microseconds (the
// precision PostgreSQL stores).
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// UUIDv7 makes time-ordered UUIDs.
type UUIDv7 struct{}

func (UUIDv7) New() uuid.UUID { return uuid.Must(uuid.NewV7()) }

type actorKey struct{}

// ContextWithActor returns ctx carrying the acting user (the HTTP
// authentication middleware sets it), so that adapters can stamp events with
// their actor.
func ContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the acting user carried by ctx, if any.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

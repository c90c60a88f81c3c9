package kernel

import (
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

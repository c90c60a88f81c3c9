package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"tasktracker/internal/platform/pgtest"
)

// A uuid.UUID goes to PostgreSQL and comes back unchanged, alone, in an
// array and as NULL, through the pool every context uses.
func TestUUIDsRoundTripInBinary(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	id, other := uuid.New(), uuid.New()

	var text string
	var back uuid.UUID
	var arr []uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT $1::uuid::text, $1::uuid, ARRAY[$1::uuid, $2::uuid]`, id, other).
		Scan(&text, &back, &arr); err != nil {
		t.Fatal(err)
	}
	if text != id.String() || back != id || len(arr) != 2 || arr[0] != id || arr[1] != other {
		t.Fatalf("sent %s and %s, got text %s, uuid %s, array %v", id, other, text, back, arr)
	}

	back = id
	if err := pool.QueryRow(ctx, `SELECT NULL::uuid`).Scan(&back); err != nil {
		t.Fatal(err)
	}
	if back != uuid.Nil {
		t.Fatalf("NULL read as %s, want the nil uuid", back)
	}
	var maybe *uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT NULL::uuid`).Scan(&maybe); err != nil || maybe != nil {
		t.Fatalf("NULL into *uuid.UUID: %v, %v", maybe, err)
	}
	if err := pool.QueryRow(ctx, `SELECT $1::uuid`, id).Scan(&maybe); err != nil || maybe == nil || *maybe != id {
		t.Fatalf("uuid into *uuid.UUID: %v, %v", maybe, err)
	}
}

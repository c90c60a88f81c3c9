package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"tasktracker/internal/platform/postgres"
)

// SeedUsers bulk-loads n users named seed0…seed<n-1> (seedK@example.com),
// all with the same password hash, with COPY; seed0 is an admin. Users that
// exist already are kept. It publishes no events: this is test data for
// benchmarks, not sign-ups. It returns every seed user's id.
func SeedUsers(ctx context.Context, runner postgres.TxRunner, n int, passwordHash string, now time.Time) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	err := runner.InTx(ctx, func(ctx context.Context) error {
		db := runner.Conn(ctx)
		if _, err := db.Exec(ctx, `CREATE TEMP TABLE seed_user (LIKE identity."user" INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
			return err
		}
		i := 0
		_, err := db.CopyFrom(ctx, pgx.Identifier{"seed_user"},
			[]string{"id", "email", "username", "display_name", "role", "password_hash", "created_at", "updated_at"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == n {
					return nil, nil
				}
				role := "member"
				if i == 0 {
					role = "admin"
				}
				name := fmt.Sprintf("seed%d", i)
				at := now.Add(time.Duration(i-n) * time.Second)
				i++
				return []any{uuid.Must(uuid.NewV7()), name + "@example.com", name, "Seed user " + name[4:], role, passwordHash, at, at}, nil
			}))
		if err != nil {
			return err
		}
		if _, err := db.Exec(ctx, `INSERT INTO identity."user" SELECT * FROM seed_user ON CONFLICT DO NOTHING`); err != nil {
			return err
		}
		rows, err := db.Query(ctx, `SELECT u.id FROM identity."user" u JOIN seed_user s ON s.username = u.username ORDER BY u.username`)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		return err
	})
	return ids, postgres.MapError(err)
}

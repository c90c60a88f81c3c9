package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"tasktracker/internal/platform/postgres"
)

var seedWords = []string{"fix", "write", "review", "plan", "deploy", "login", "report", "invoice",
	"исправить", "отчёт", "проверить", "вход", "счёт", "план", "релиз", "ошибка"}

var seedPriorities = []string{"low", "normal", "high", "urgent"}

// SeedTasks bulk-loads n benchmark tasks with COPY: titles and descriptions
// mix English and Russian words, statuses, priorities and due dates vary,
// created_at spreads over the year before now, and each task is created by
// one of users and assigned to another. It bypasses the domain and publishes
// no events. The loaded rows are committed in batches.
func SeedTasks(ctx context.Context, runner postgres.TxRunner, n int, users []uuid.UUID, now time.Time) error {
	if len(users) == 0 {
		return fmt.Errorf("seed tasks: no users")
	}
	const batch = 20000
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		ids := make([]uuid.UUID, end-start)
		for i := range ids {
			ids[i] = uuid.Must(uuid.NewV7())
		}
		err := runner.InTx(ctx, func(ctx context.Context) error {
			db := runner.Conn(ctx)
			_, err := db.CopyFrom(ctx, pgx.Identifier{"tasking", "task"},
				[]string{"id", "title", "description", "status_id", "priority", "due_at", "created_by", "version", "created_at", "updated_at"},
				pgx.CopyFromSlice(len(ids), func(i int) ([]any, error) {
					g := start + i
					w := func(k int) string { return seedWords[(g/(k+1)+k*7)%len(seedWords)] }
					var desc *string
					if g%2 == 0 {
						d := fmt.Sprintf("%s %s %s, item %d", w(3), w(4), w(5), g)
						desc = &d
					}
					var due *time.Time
					if g%3 != 0 {
						d := now.Add(time.Duration(g%2000-500) * time.Hour)
						due = &d
					}
					created := now.Add(-time.Duration(n-g) * 31 * time.Second)
					return []any{ids[i], fmt.Sprintf("%s %s %s #%d", w(0), w(1), w(2), g), desc, 1 + g%5,
						seedPriorities[g%4], due, users[g%len(users)], 1, created, created}, nil
				}))
			if err != nil {
				return err
			}
			_, err = db.CopyFrom(ctx, pgx.Identifier{"tasking", "task_assignee"}, []string{"task_id", "user_id"},
				pgx.CopyFromSlice(len(ids), func(i int) ([]any, error) {
					return []any{ids[i], users[(start+i+1)%len(users)]}, nil
				}))
			return err
		})
		if err != nil {
			return postgres.MapError(err)
		}
	}
	return nil
}

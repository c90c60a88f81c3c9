package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
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
		rnd := rand.New(rand.NewPCG(uint64(start), 7)) // reproducible, uncorrelated with position
		assignees := make([]uuid.UUID, len(ids))
		for i := range assignees {
			assignees[i] = users[rnd.IntN(len(users))]
		}
		err := runner.InTx(ctx, func(ctx context.Context) error {
			db := runner.Conn(ctx)
			// The search index takes the batches into its pending list,
			// merged once at the end (below) instead of every 4 MB.
			if _, err := db.Exec(ctx, `SET LOCAL gin_pending_list_limit = '256MB'`); err != nil {
				return err
			}
			_, err := db.CopyFrom(ctx, pgx.Identifier{"tasking", "task"},
				[]string{"id", "title", "description", "status_id", "priority", "due_at", "created_by", "version", "created_at", "updated_at", "assignee_ids"},
				pgx.CopyFromSlice(len(ids), func(i int) ([]any, error) {
					g := start + i
					w := func() string { return seedWords[rnd.IntN(len(seedWords))] }
					var desc *string
					if rnd.IntN(2) == 0 {
						d := fmt.Sprintf("%s %s %s, item %d", w(), w(), w(), g)
						desc = &d
					}
					var due *time.Time
					if rnd.IntN(3) != 0 {
						d := now.Add(time.Duration(rnd.IntN(2000)-500) * time.Hour)
						due = &d
					}
					created := now.Add(-time.Duration(n-g) * 31 * time.Second)
					return []any{ids[i], fmt.Sprintf("%s %s %s #%d", w(), w(), w(), g), desc, 1 + rnd.IntN(5),
						seedPriorities[rnd.IntN(4)], due, users[rnd.IntN(len(users))], 1, created, created, []uuid.UUID{assignees[i]}}, nil
				}))
			if err != nil {
				return err
			}
			_, err = db.CopyFrom(ctx, pgx.Identifier{"tasking", "task_assignee"}, []string{"task_id", "user_id"},
				pgx.CopyFromSlice(len(ids), func(i int) ([]any, error) {
					return []any{ids[i], assignees[i]}, nil
				}))
			return err
		})
		if err != nil {
			return postgres.MapError(err)
		}
	}
	// Merge the search index's pending list (otherwise every search scans
	// it until a vacuum runs, and autovacuum may be off), and give the
	// planner fresh statistics, so the loaded rows are searched and planned
	// as a long-lived table's would be.
	_, err := runner.Conn(ctx).Exec(ctx, `SELECT gin_clean_pending_list('tasking.task_search_idx')`)
	if err == nil {
		_, err = runner.Conn(ctx).Exec(ctx, `ANALYZE tasking.task, tasking.task_assignee`)
	}
	return postgres.MapError(err)
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

// seedPassword is the password every seeded user shares (the load tool logs
// in as seed0 with it).
const seedPassword = "bench password"

// seed bulk-loads users and tasks with COPY for the benchmarks: each context
// loads its own tables through its module.
func seed(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	users := fs.Int("users", 100, "users to create (seed0 … seedN-1; seed0 is an admin)")
	tasks := fs.Int("tasks", 10000, "tasks to create")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("seed: %v (usage: tasktracker seed --users N --tasks M)", err)
	}
	if *users < 1 || *tasks < 0 {
		return fmt.Errorf("seed: --users must be at least 1 and --tasks at least 0")
	}
	app, closeApp, err := commandApp(ctx)
	if err != nil {
		return err
	}
	defer closeApp()
	start := time.Now()
	ids, err := app.identity.SeedUsers(ctx, *users, seedPassword)
	if err != nil {
		return fmt.Errorf("seed users: %v", err)
	}
	fmt.Fprintf(stdout, "users: %d (log in as seed0 / %q) in %s\n", len(ids), seedPassword, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if err := app.tasking.SeedTasks(ctx, *tasks, ids); err != nil {
		return fmt.Errorf("seed tasks: %v", err)
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "tasks: %d in %s (%.0f rows/s)\n", *tasks, el.Round(time.Millisecond), float64(*tasks)/el.Seconds())
	return nil
}

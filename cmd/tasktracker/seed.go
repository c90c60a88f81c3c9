package main

import (
	"context"
	"errors"
	"io"
)

// seed bulk-loads users and tasks with COPY for the benchmarks (built with
// the tasking context).
func seed(ctx context.Context, args []string, stdout io.Writer) error {
	return errors.New("seed: not built yet")
}

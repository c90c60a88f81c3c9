package postgres

import (
	"cmp"
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"tasktracker/internal/platform/kernel"
)

// ErrUnavailable is returned when the database cannot be reached or did not
// answer in time.
var ErrUnavailable = kernel.New(kernel.KindUnavailable, "database_unavailable", "the database is not available, try again later")

// Constraints maps constraint names to the domain error a violation of that
// constraint means (e.g. "user_email_key" → ErrEmailTaken).
type Constraints map[string]error

// MapError turns a pgx error into a kernel error: a unique violation is a
// conflict, a foreign-key, check or malformed-value violation is a
// validation error, an unreachable server or a timed-out statement is
// "unavailable". A constraint named in c maps to its own error. pgx.ErrNoRows
// and errors that are already kernel errors pass through unchanged, and
// anything else stays an internal error.
func MapError(err error, c ...Constraints) error {
	if err == nil {
		return nil
	}
	var ke *kernel.Error
	if errors.As(err, &ke) || errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		// Whatever the server answered while connecting (such as 55000,
		// "database is not currently accepting connections"): no statement ran.
		return errors.Join(ErrUnavailable, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		for _, m := range c {
			if e, ok := m[pgErr.ConstraintName]; ok {
				return e
			}
		}
		switch pgErr.Code {
		case "23505":
			return kernel.Conflict("conflict", "the resource already exists")
		case "23503":
			return kernel.Invalid(cmp.Or(pgErr.ColumnName, "input"), "refers to a row that does not exist")
		case "23514", "22P02", "22001", "22003", "22007", "22008":
			return kernel.Invalid(cmp.Or(pgErr.ColumnName, "input"), "value is not valid")
		case "22021", "22P05": // a NUL byte or a character the database cannot store
			return kernel.Invalid(cmp.Or(pgErr.ColumnName, "input"), "contains a character that cannot be stored (such as NUL)")
		case "57014", "57P01", "57P02", "57P03", "53300":
			return errors.Join(ErrUnavailable, err)
		}
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || IsConnectionError(err) {
		return errors.Join(ErrUnavailable, err)
	}
	return err
}

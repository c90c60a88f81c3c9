// Package postgres is the PostgreSQL adapter of the collaboration
// repositories (schema collaboration). Every write that changes an
// aggregate publishes the events it recorded in the same transaction.
package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"tasktracker/internal/collaboration/domain"
	evts "tasktracker/internal/collaboration/events"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/events"
	"tasktracker/internal/platform/postgres"
)

// TypeBlobsReleased is collaboration's private event (not part of its
// published language): rows pointing at these blobs were deleted, so the
// files may go. It is published in the deleting transaction and handled
// after commit, so a file never disappears before its row does.
const TypeBlobsReleased = "collaboration.blobs_released"

// BlobsReleased is the payload of TypeBlobsReleased.
type BlobsReleased struct {
	Keys []string `json:"keys"`
}

// base is what every repository shares.
type base struct {
	runner postgres.TxRunner
	bus    events.Publisher
}

// Repositories are the adapters of every repository port.
type Repositories struct {
	Comments    *Comments
	Attachments *Attachments
	TimeLogs    *TimeLogs
	TaskData    *TaskData
}

// New builds the repositories on runner, publishing through bus.
func New(runner postgres.TxRunner, bus events.Publisher) Repositories {
	b := base{runner: runner, bus: bus}
	return Repositories{Comments: &Comments{b}, Attachments: &Attachments{b}, TimeLogs: &TimeLogs{b}, TaskData: &TaskData{b}}
}

// publish hands an aggregate's recorded events to the bus, inside the
// transaction in ctx.
func (b base) publish(ctx context.Context, recorded []domain.Event) error {
	envs := make([]events.Envelope, 0, len(recorded))
	for _, e := range recorded {
		typ, payload := published(e)
		actor, at := domain.EventActor(e)
		env, err := events.New(typ, actor, at, payload)
		if err != nil {
			return err
		}
		envs = append(envs, env)
	}
	if len(envs) == 0 {
		return nil
	}
	return b.bus.Publish(ctx, envs...)
}

// published translates a domain event into the published language.
func published(e domain.Event) (string, any) {
	switch e := e.(type) {
	case domain.CommentAdded:
		return evts.TypeCommentAdded, evts.CommentAdded{TaskID: e.TaskID, CommentID: e.CommentID, AuthorID: e.AuthorID,
			MentionedUserIDs: ids(e.Mentioned), Excerpt: e.Excerpt}
	case domain.CommentEdited:
		return evts.TypeCommentEdited, evts.CommentEdited{TaskID: e.TaskID, CommentID: e.CommentID, AuthorID: e.AuthorID,
			MentionedUserIDs: ids(e.Mentioned), NewlyMentionedUserIDs: ids(e.NewlyMentioned), Excerpt: e.Excerpt}
	case domain.AttachmentAdded:
		return evts.TypeAttachmentAdded, evts.AttachmentAdded{TaskID: e.TaskID, AttachmentID: e.AttachmentID,
			UploadedBy: e.UploadedBy, Filename: e.Filename, Size: e.Size, ContentType: e.ContentType}
	case domain.TimeLogged:
		return evts.TypeTimeLogged, evts.TimeLogged{TaskID: e.TaskID, TimeLogID: e.TimeLogID, UserID: e.UserID,
			DurationSeconds: e.DurationSeconds}
	}
	panic("collaboration/postgres: unknown domain event")
}

func ids(v []uuid.UUID) []uuid.UUID {
	if v == nil {
		return []uuid.UUID{}
	}
	return v
}

// releaseBlobs publishes TypeBlobsReleased for keys in the transaction in
// ctx.
func (b base) releaseBlobs(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	env, err := events.New(TypeBlobsReleased, uuid.Nil, time.Now(), BlobsReleased{Keys: keys})
	if err != nil {
		return err
	}
	return b.bus.Publish(ctx, env)
}

// notFound maps pgx.ErrNoRows to the given error.
func notFound(err, nf error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nf
	}
	return postgres.MapError(err)
}

// after is the keyset condition's arguments: a nil time means the start.
func after(k *ports.Keyset) (any, any) {
	if k == nil {
		return nil, nil
	}
	return k.At, k.ID
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, db postgres.DB, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, postgres.MapError(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	return out, postgres.MapError(err)
}

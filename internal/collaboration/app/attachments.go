package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"

	"github.com/gabriel-vasile/mimetype"
	"github.com/google/uuid"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/kernel"
)

// sniffBytes is how much of the start of a file the content type is
// detected from (mimetype's default read limit).
const sniffBytes = 3072

// head keeps the first bytes written to it.
type head struct{ buf []byte }

func (h *head) Write(p []byte) (int, error) {
	if room := sniffBytes - len(h.buf); room > 0 {
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// Upload implements ports.Attachments: the bytes are streamed into a
// temporary blob while their SHA-256 is computed and their start kept for
// type detection; over the limit or on a digest mismatch the blob is
// discarded; otherwise it is made durable, and only then is the row
// inserted (and the blob removed again if that fails).
func (s *Service) Upload(ctx context.Context, by kernel.Actor, u ports.Upload) (*domain.Attachment, error) {
	if err := s.CheckTask(ctx, u.TaskID); err != nil {
		return nil, err
	}
	w, err := s.Blobs.Create(ctx)
	if err != nil {
		return nil, err
	}
	hash, start := sha256.New(), &head{}
	n, err := io.Copy(io.MultiWriter(w, hash, start), io.LimitReader(u.Body, s.MaxBytes+1))
	fail := func(err error) (*domain.Attachment, error) {
		if aerr := w.Abort(); aerr != nil {
			s.logger().WarnContext(ctx, "discarding an upload failed", "error", aerr)
		}
		return nil, err
	}
	if err != nil {
		return fail(err)
	}
	if n > s.MaxBytes {
		return fail(domain.ErrAttachmentTooBig.With("max_bytes", s.MaxBytes))
	}
	var sum [32]byte
	hash.Sum(sum[:0])
	if u.WantSHA256 != nil && !bytes.Equal(u.WantSHA256, sum[:]) {
		return fail(domain.ErrDigestMismatch)
	}
	if u.BeforeCommit != nil {
		if err := u.BeforeCommit(sum[:]); err != nil {
			return fail(err)
		}
	}
	key, err := w.Commit()
	if err != nil {
		return nil, err
	}
	a := domain.NewAttachment(s.IDs.New(), u.TaskID, by.UserID, u.Filename, u.ClaimedType,
		domain.StoredFile{Key: key, Size: n, SHA256: sum, ContentType: mimetype.Detect(start.buf).String()}, s.Clock.Now())
	if err := s.Attachments.Add(ctx, a); err != nil {
		if derr := s.Blobs.Delete(context.WithoutCancel(ctx), key); derr != nil {
			s.logger().ErrorContext(ctx, "removing the blob of a failed upload failed", "key", key, "error", derr)
		}
		return nil, err
	}
	return a, nil
}

// GetAttachment implements ports.Attachments.
func (s *Service) GetAttachment(ctx context.Context, id uuid.UUID) (*domain.Attachment, error) {
	a, err := s.Attachments.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.liveTask(ctx, a.TaskID(), domain.ErrAttachmentNotFound); err != nil {
		return nil, err
	}
	return a, nil
}

// OpenAttachment implements ports.Attachments.
func (s *Service) OpenAttachment(ctx context.Context, id uuid.UUID) (*domain.Attachment, io.ReadSeekCloser, error) {
	a, err := s.GetAttachment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.Blobs.Open(ctx, a.BlobKey())
	if errors.Is(err, domain.ErrAttachmentNotFound) {
		s.logger().ErrorContext(ctx, "attachment without its blob", "attachment_id", id, "key", a.BlobKey())
	}
	if err != nil {
		return nil, nil, err
	}
	return a, f, nil
}

// ListAttachments implements ports.Attachments: oldest first.
func (s *Service) ListAttachments(ctx context.Context, taskID uuid.UUID, p ports.PageRequest) ([]*domain.Attachment, *ports.Keyset, error) {
	if err := s.CheckTask(ctx, taskID); err != nil {
		return nil, nil, err
	}
	items, err := s.Attachments.ListByTask(ctx, taskID, ports.PageRequest{Limit: p.Limit + 1, After: p.After})
	if err != nil {
		return nil, nil, err
	}
	items, next := page(items, p.Limit, func(a *domain.Attachment) ports.Keyset {
		return ports.Keyset{At: a.CreatedAt(), ID: a.ID()}
	})
	return items, next, nil
}

// DeleteAttachment implements ports.Attachments (uploader, task creator or
// admin). The file is removed after the deletion commits.
func (s *Service) DeleteAttachment(ctx context.Context, by kernel.Actor, id uuid.UUID) error {
	return s.Attachments.Delete(ctx, id, func(a *domain.Attachment) error {
		creator, err := s.taskCreator(ctx, a.TaskID())
		if errors.Is(err, domain.ErrTaskNotFound) {
			return domain.ErrAttachmentNotFound
		}
		if err != nil {
			return err
		}
		return a.CheckDelete(by, creator)
	})
}

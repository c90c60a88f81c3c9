package domain

import (
	"encoding/hex"
	"time"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
)

// Attachment is a file attached to a task. The bytes live in a blob store
// under a server-generated key; the client's file name is only display data.
type Attachment struct {
	recorder
	id, taskID, uploadedBy uuid.UUID
	filename               string
	contentType            string // sniffed from the bytes
	claimedType            string // what the client said ("" when nothing)
	size                   int64
	sha256                 [32]byte
	blobKey                string
	createdAt              time.Time
}

// StoredFile describes bytes already durable in the blob store.
type StoredFile struct {
	Key         string
	Size        int64
	SHA256      [32]byte
	ContentType string
}

// NewAttachment builds the attachment of a stored file and records
// AttachmentAdded. The file name is sanitized for display.
func NewAttachment(id, taskID, uploadedBy uuid.UUID, filename, claimedType string, f StoredFile, now time.Time) *Attachment {
	a := &Attachment{id: id, taskID: taskID, uploadedBy: uploadedBy, filename: SanitizeFilename(filename),
		contentType: f.ContentType, claimedType: claimedType, size: f.Size, sha256: f.SHA256, blobKey: f.Key, createdAt: now}
	a.record(AttachmentAdded{TaskID: taskID, AttachmentID: id, UploadedBy: uploadedBy, Filename: a.filename,
		ContentType: a.contentType, Size: a.size, At: now})
	return a
}

// RehydrateAttachment rebuilds a stored attachment.
func RehydrateAttachment(id, taskID, uploadedBy uuid.UUID, filename, contentType, claimedType string, size int64,
	sha [32]byte, blobKey string, createdAt time.Time) *Attachment {
	return &Attachment{id: id, taskID: taskID, uploadedBy: uploadedBy, filename: filename, contentType: contentType,
		claimedType: claimedType, size: size, sha256: sha, blobKey: blobKey, createdAt: createdAt}
}

// CheckDelete allows the uploader, the task's creator or an administrator.
func (a *Attachment) CheckDelete(by kernel.Actor, taskCreator uuid.UUID) error {
	if by.UserID != a.uploadedBy && by.UserID != taskCreator && !by.Admin {
		return ErrCannotDeleteFile
	}
	return nil
}

func (a *Attachment) ID() uuid.UUID         { return a.id }
func (a *Attachment) TaskID() uuid.UUID     { return a.taskID }
func (a *Attachment) UploadedBy() uuid.UUID { return a.uploadedBy }
func (a *Attachment) Filename() string      { return a.filename }
func (a *Attachment) ContentType() string   { return a.contentType }
func (a *Attachment) ClaimedType() string   { return a.claimedType }
func (a *Attachment) Size() int64           { return a.size }
func (a *Attachment) SHA256() [32]byte      { return a.sha256 }
func (a *Attachment) SHA256Hex() string     { return hex.EncodeToString(a.sha256[:]) }
func (a *Attachment) BlobKey() string       { return a.blobKey }
func (a *Attachment) CreatedAt() time.Time  { return a.createdAt }

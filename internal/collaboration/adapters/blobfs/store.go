// Package blobfs is the filesystem adapter of the BlobStore port: blobs are
// files under a root directory, named by random server-generated keys and
// sharded by the key's first two characters. A new blob is written to a
// temporary file in the root, fsynced, and renamed into place.
package blobfs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
)

const tempPrefix = ".upload-"

// Store keeps blobs in a directory.
type Store struct{ root string }

var _ ports.BlobStore = (*Store)(nil)

// New opens (creating it if needed) the store rooted at dir, and removes
// temporary files older than a day that a crashed process left behind.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blobfs: no directory (ATTACHMENTS_DIR)")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("blobfs: ATTACHMENTS_DIR=%s: %w", dir, err)
	}
	s := &Store{root: abs}
	if entries, err := os.ReadDir(abs); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), tempPrefix) && time.Since(info.ModTime()) > 24*time.Hour {
				_ = os.Remove(filepath.Join(abs, e.Name()))
			}
		}
	}
	return s, nil
}

var keyRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// path returns the file of key; keys that this store cannot have made are
// refused, so no stored value can point outside the root.
func (s *Store) path(key string) (string, error) {
	if !keyRE.MatchString(key) {
		return "", fmt.Errorf("blobfs: malformed key %q", key)
	}
	return filepath.Join(s.root, key[:2], key), nil
}

// Create implements ports.BlobStore.
func (s *Store) Create(ctx context.Context) (ports.BlobWriter, error) {
	f, err := os.CreateTemp(s.root, tempPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("blobfs: %w", err)
	}
	return &writer{s: s, f: f}, nil
}

type writer struct {
	s    *Store
	f    *os.File
	done bool
}

func (w *writer) Write(p []byte) (int, error) { return w.f.Write(p) }

// Commit fsyncs the file, renames it to a new key and fsyncs the directory
// so the name survives a crash too.
func (w *writer) Commit() (string, error) {
	if w.done {
		return "", errors.New("blobfs: blob already finished")
	}
	w.done = true
	tmp := w.f.Name()
	fail := func(err error) (string, error) {
		_ = w.f.Close()
		_ = os.Remove(tmp)
		return "", fmt.Errorf("blobfs: %w", err)
	}
	if err := w.f.Sync(); err != nil {
		return fail(err)
	}
	if err := w.f.Close(); err != nil {
		return fail(err)
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	key := hex.EncodeToString(b[:])
	dst, _ := w.s.path(key)
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fail(err)
	}
	if err := syncDir(dir); err != nil {
		_ = os.Remove(dst)
		return "", fmt.Errorf("blobfs: %w", err)
	}
	return key, nil
}

// Abort removes the temporary file.
func (w *writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	_ = w.f.Close()
	if err := os.Remove(w.f.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobfs: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Open implements ports.BlobStore; a missing blob is ErrAttachmentNotFound.
func (s *Store) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, domain.ErrAttachmentNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blobfs: %w", err)
	}
	return f, nil
}

// Delete implements ports.BlobStore; a missing blob is fine.
func (s *Store) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobfs: %w", err)
	}
	return nil
}

package blobfs_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"tasktracker/internal/collaboration/adapters/blobfs"
	"tasktracker/internal/collaboration/domain"
)

func entries(t *testing.T, dir string) (files []string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files
}

func TestCommitAbortOpenDelete(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "attachments")
	s, err := blobfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries(t, dir)) != 1 {
		t.Fatal("the temporary file lives in the root while writing")
	}
	_, _ = w.Write([]byte("hello"))
	key, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if files := entries(t, dir); len(files) != 1 || filepath.Base(files[0]) != key {
		t.Fatalf("after commit: %v", files)
	}
	f, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}

	aborted, _ := s.Create(ctx)
	_, _ = aborted.Write([]byte("discard me"))
	if err := aborted.Abort(); err != nil {
		t.Fatal(err)
	}
	if len(entries(t, dir)) != 1 {
		t.Fatal("an aborted blob left a file")
	}

	for i := 0; i < 2; i++ { // deleting twice (or a missing blob) is fine
		if err := s.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, domain.ErrAttachmentNotFound) {
		t.Fatalf("open deleted: %v", err)
	}
	for _, bad := range []string{"../../etc/passwd", "", "ABCDEF0123456789ABCDEF0123456789"} {
		if _, err := s.Open(ctx, bad); err == nil || errors.Is(err, domain.ErrAttachmentNotFound) {
			t.Errorf("key %q was not refused: %v", bad, err)
		}
		if err := s.Delete(ctx, bad); err == nil {
			t.Errorf("delete of key %q was not refused", bad)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"tasktracker/internal/platform/apitest"
	"tasktracker/internal/platform/config"
	"tasktracker/internal/platform/wait"
)

// End to end through the whole application: tasks come from the tasking
// context, users from identity, and deletions travel as events.

func (a *testApp) newTask(t *testing.T, u testUser, title string) string {
	t.Helper()
	res := a.Request(http.MethodPost, "/tasks", u.Token, map[string]any{"title": title})
	res.Expect(t, http.StatusCreated)
	return res.Map(t)["id"].(string)
}

// uploadFile posts a multipart form (fields in order, then the file).
func (a *testApp) uploadFile(path, token, filename string, data []byte, fields ...string) *apitest.Response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	w, _ := mw.CreateFormFile("file", filename)
	_, _ = w.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return a.Do(req)
}

func (a *testApp) attachmentFiles(t *testing.T) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(a.cfg.AttachmentsDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func (a *testApp) collaborationRows(t *testing.T, taskID string) (comments, attachments, timeLogs int) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []struct {
		table string
		n     *int
	}{{"comment", &comments}, {"attachment", &attachments}, {"time_log", &timeLogs}} {
		if err := a.pool.QueryRow(ctx, "SELECT count(*) FROM collaboration."+q.table+" WHERE task_id = $1", taskID).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	return
}

func TestCollaborationOnATaskAndItsDeletion(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, func(c *config.Config) { c.AttachmentMaxBytes = 3 << 20 })
	admin := a.signUp(t, "admin")
	alice, bob := a.signUp(t, "alice"), a.signUp(t, "bob")
	task := a.newTask(t, alice, "Write the report")

	res := a.Request(http.MethodPost, "/tasks/"+task+"/comments", alice.Token, map[string]any{"body": fmt.Sprintf("@%s please review", bob.Username)})
	res.Expect(t, http.StatusCreated)
	if ids := res.Map(t)["mentioned_user_ids"].([]any); len(ids) != 1 || ids[0] != bob.ID {
		t.Fatalf("mentions %v, want [%s]", ids, bob.ID)
	}

	// 2 MiB: over the 1 MiB JSON body limit, under the attachment limit.
	data := bytes.Repeat([]byte("0123456789abcdef"), 2<<20/16)
	res = a.uploadFile("/attachments", bob.Token, "report.txt", data, "task_id", task)
	res.Expect(t, http.StatusCreated)
	att := res.Map(t)
	sum := sha256.Sum256(data)
	if att["sha256"] != hex.EncodeToString(sum[:]) || att["size"] != float64(len(data)) {
		t.Fatalf("attachment %v", att)
	}
	dl := a.Request(http.MethodGet, att["content_url"].(string), alice.Token, nil, "Range", "bytes=16-31")
	dl.Expect(t, http.StatusPartialContent)
	if string(dl.Body) != "0123456789abcdef" {
		t.Fatalf("range body %q", dl.Body)
	}

	a.Request(http.MethodPost, "/tasks/"+task+"/time-logs", bob.Token, map[string]any{
		"started_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "duration_seconds": 900}).Expect(t, http.StatusCreated)
	a.Request(http.MethodPost, "/tasks/"+task+"/timer/start", alice.Token, nil).Expect(t, http.StatusCreated)
	a.Request(http.MethodPost, "/tasks/"+task+"/timer/start", alice.Token, nil).Expect(t, http.StatusConflict)

	// Attachment deletion rights: not another member, but the admin.
	other := a.uploadFile("/tasks/"+task+"/attachments", bob.Token, "x.bin", []byte{1, 2, 3}).Map(t)
	a.Request(http.MethodDelete, "/attachments/"+other["id"].(string), admin.Token, nil).Expect(t, http.StatusNoContent)
	wait.For(t, 10*time.Second, "the deleted attachment's file to go", func() bool { return a.attachmentFiles(t) == 1 })

	if c, at, tl := a.collaborationRows(t, task); c != 1 || at != 1 || tl != 2 {
		t.Fatalf("before deletion: %d comments, %d attachments, %d time logs (timer included)", c, at, tl)
	}
	a.Request(http.MethodDelete, "/tasks/"+task, alice.Token, nil).Expect(t, http.StatusNoContent)
	for _, p := range []string{"/comments", "/attachments", "/time-logs", "/time-summary"} {
		a.Request(http.MethodGet, "/tasks/"+task+p, bob.Token, nil).Expect(t, http.StatusNotFound)
	}
	a.Request(http.MethodGet, "/attachments/"+att["id"].(string), bob.Token, nil).Expect(t, http.StatusNotFound)
	wait.For(t, 10*time.Second, "the task's comments, attachments, files and time logs to go", func() bool {
		c, at, tl := a.collaborationRows(t, task)
		return c+at+tl == 0 && a.attachmentFiles(t) == 0
	})
	a.Request(http.MethodGet, "/timer", alice.Token, nil).Expect(t, http.StatusNotFound)
	a.Request(http.MethodPost, "/tasks/"+a.newTask(t, alice, "next")+"/timer/start", alice.Token, nil).Expect(t, http.StatusCreated)
}

func TestUploadLimitThroughTheApplication(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, func(c *config.Config) { c.AttachmentMaxBytes = 4096 })
	u := a.signUp(t, "uploader")
	task := a.newTask(t, u, "limits")
	a.uploadFile("/tasks/"+task+"/attachments", u.Token, "exact.bin", make([]byte, 4096)).Expect(t, http.StatusCreated)
	a.uploadFile("/tasks/"+task+"/attachments", u.Token, "empty.bin", nil).Expect(t, http.StatusCreated)
	a.uploadFile("/tasks/"+task+"/attachments", u.Token, "big.bin", make([]byte, 4097)).Expect(t, http.StatusRequestEntityTooLarge)
	if _, at, _ := a.collaborationRows(t, task); at != 2 || a.attachmentFiles(t) != 2 {
		t.Fatalf("after the 413: %d rows, %d files; want 2 and 2", at, a.attachmentFiles(t))
	}
}

func TestDeletedUsersCollaborationStays(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.signUp(t, "admin")
	bob := a.signUp(t, "bob")
	task := a.newTask(t, admin, "shared")
	a.Request(http.MethodPost, "/tasks/"+task+"/comments", bob.Token, map[string]any{"body": "hello"}).Expect(t, http.StatusCreated)
	a.Request(http.MethodPost, "/tasks/"+task+"/time-logs", bob.Token, map[string]any{
		"started_at": "2026-01-05T10:00:00Z", "duration_seconds": 600}).Expect(t, http.StatusCreated)
	a.Request(http.MethodPost, "/tasks/"+task+"/timer/start", bob.Token, nil).Expect(t, http.StatusCreated)

	a.Request(http.MethodDelete, "/users/"+bob.ID, admin.Token, nil).Expect(t, http.StatusNoContent)
	wait.For(t, 10*time.Second, "the deleted user's running timer to go", func() bool {
		_, _, tl := a.collaborationRows(t, task)
		return tl == 1
	})
	var comments struct {
		Items []struct {
			AuthorID string `json:"author_id"`
		} `json:"items"`
	}
	a.Request(http.MethodGet, "/tasks/"+task+"/comments", admin.Token, nil).Decode(t, &comments)
	if len(comments.Items) != 1 || comments.Items[0].AuthorID != bob.ID {
		t.Fatalf("comments %+v", comments.Items)
	}
	sum := a.Request(http.MethodGet, "/tasks/"+task+"/time-summary", admin.Token, nil).Map(t)
	if sum["total_seconds"] != float64(600) {
		t.Fatalf("summary %v", sum)
	}
	a.Request(http.MethodGet, "/users/"+bob.ID+"/time-logs", admin.Token, nil).Expect(t, http.StatusNotFound)
}

package collaboration_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

type attachment struct {
	ID                 string  `json:"id"`
	TaskID             string  `json:"task_id"`
	Filename           string  `json:"filename"`
	ContentType        string  `json:"content_type"`
	ClaimedContentType *string `json:"claimed_content_type"`
	Size               int64   `json:"size"`
	SHA256             string  `json:"sha256"`
	UploadedBy         string  `json:"uploaded_by"`
	ContentURL         string  `json:"content_url"`
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestUploadSizesAndLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.w.newTask("alice")
	for _, size := range []int64{0, e.max} { // empty, and exactly the limit
		data := bytes.Repeat([]byte("a"), int(size))
		res := e.upload(task, "bob", "f.txt", data)
		res.Expect(t, http.StatusCreated)
		var a attachment
		res.Decode(t, &a)
		if a.Size != size || a.SHA256 != hexSum(data) || a.TaskID != task || a.UploadedBy != e.id("bob") {
			t.Fatalf("%d bytes: %+v", size, a)
		}
		dl := e.get(a.ContentURL, "bob")
		dl.Expect(t, http.StatusOK)
		if !bytes.Equal(dl.Body, data) {
			t.Fatalf("%d bytes: downloaded %d", size, len(dl.Body))
		}
	}
	p := e.upload(task, "bob", "big.bin", bytes.Repeat([]byte("a"), int(e.max)+1)).Expect(t, http.StatusRequestEntityTooLarge)
	if p.Code != "attachment_too_large" {
		t.Fatalf("code %q", p.Code)
	}
	if n, f := e.rows(t, "attachment"), len(e.files(t)); n != 2 || f != 2 {
		t.Fatalf("after the 413: %d rows and %d files, want 2 and 2 (no row, no file, no temporary file)", n, f)
	}
}

func TestUploadFormRulesAndDigests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.w.newTask("alice")
	data := []byte("hello, world\n")

	// POST /attachments: task_id then file.
	body, ct := form(part{name: "task_id", data: []byte(task)}, part{name: "file", filename: "hello.txt", contentType: "text/plain", data: data})
	res := e.post("/attachments", "alice", body, ct, "Content-Digest", digest(body))
	res.Expect(t, http.StatusCreated)
	var a attachment
	res.Decode(t, &a)
	if a.Filename != "hello.txt" || !strings.HasPrefix(a.ContentType, "text/plain") || a.ClaimedContentType == nil || *a.ClaimedContentType != "text/plain" {
		t.Fatalf("uploaded %+v", a)
	}
	if res.Header.Get("Location") != "/attachments/"+a.ID {
		t.Fatalf("Location %q", res.Header.Get("Location"))
	}

	// The file part's own Content-Digest covers the file.
	body, ct = form(part{name: "file", filename: "x", data: data, digest: digest(data)})
	e.post("/tasks/"+task+"/attachments", "alice", body, ct).Expect(t, http.StatusCreated)

	// So may the request's Content-Digest, for a client that hashes the file it sends.
	body, ct = form(part{name: "file", filename: "y", data: data})
	e.post("/tasks/"+task+"/attachments", "alice", body, ct, "Content-Digest", digest(data)).Expect(t, http.StatusCreated)

	before := len(e.files(t))
	rejected := []struct {
		name   string
		body   []byte
		ct     string
		path   string
		header []string
		status int
	}{}
	add := func(name, path string, status int, header []string, parts ...part) {
		b, c := form(parts...)
		rejected = append(rejected, struct {
			name   string
			body   []byte
			ct     string
			path   string
			header []string
			status int
		}{name, b, c, path, header, status})
	}
	file := part{name: "file", filename: "f", data: data}
	add("request digest mismatch", "/tasks/"+task+"/attachments", 400, []string{"Content-Digest", digest([]byte("other"))}, file)
	add("file digest mismatch", "/tasks/"+task+"/attachments", 400, nil, part{name: "file", filename: "f", data: data, digest: digest([]byte("other"))})
	add("malformed digest", "/tasks/"+task+"/attachments", 400, []string{"Content-Digest", "sha-256=abc"}, file)
	add("file before task_id", "/attachments", 400, nil, file, part{name: "task_id", data: []byte(task)})
	add("no task_id", "/attachments", 400, nil, file)
	add("bad task_id", "/attachments", 400, nil, part{name: "task_id", data: []byte("nope")}, file)
	add("missing task", "/attachments", 404, nil, part{name: "task_id", data: []byte(e.id("bob"))}, file)
	add("no file", "/tasks/"+task+"/attachments", 400, nil)
	add("unknown field", "/tasks/"+task+"/attachments", 400, nil, part{name: "colour", data: []byte("red")}, file)
	add("task_id on the task route", "/tasks/"+task+"/attachments", 400, nil, part{name: "task_id", data: []byte(task)}, file)
	add("part after the file", "/tasks/"+task+"/attachments", 400, nil, file, part{name: "extra", data: []byte("x")})
	for _, r := range rejected {
		if res := e.post(r.path, "alice", r.body, r.ct, r.header...); res.StatusCode != r.status {
			t.Errorf("%s: status %d, want %d: %s", r.name, res.StatusCode, r.status, res.Body)
		}
	}
	e.post("/tasks/"+task+"/attachments", "alice", []byte(`{"file":"x"}`), "application/json").Expect(t, http.StatusUnsupportedMediaType)
	if n, f := e.rows(t, "attachment"), len(e.files(t)); n != 3 || f != before {
		t.Fatalf("after rejected uploads: %d rows, %d files; want 3 and %d", n, f, before)
	}
}

func TestDownloadIsSafeAndSupportsRanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.w.newTask("alice")
	data := []byte("0123456789abcdefghij")
	res := e.upload(task, "alice", "../../etc/pass\r\nw\x00d\u202Etxt.exe", data)
	res.Expect(t, http.StatusCreated)
	var a attachment
	res.Decode(t, &a)
	if a.Filename != "passwdtxt.exe" {
		t.Fatalf("filename %q", a.Filename)
	}
	meta := e.get("/attachments/"+a.ID, "bob")
	meta.Expect(t, http.StatusOK)

	dl := e.get(a.ContentURL, "bob")
	dl.Expect(t, http.StatusOK)
	etag := `"` + hexSum(data) + `"`
	if h := dl.Header; h.Get("ETag") != etag || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Disposition") != `attachment; filename="passwdtxt.exe"; filename*=UTF-8''passwdtxt.exe` {
		t.Fatalf("headers %v", h)
	}
	part := e.get(a.ContentURL, "bob", "Range", "bytes=5-9")
	part.Expect(t, http.StatusPartialContent)
	if string(part.Body) != "56789" || part.Header.Get("Content-Range") != "bytes 5-9/20" {
		t.Fatalf("range: %q %q", part.Body, part.Header.Get("Content-Range"))
	}
	e.get(a.ContentURL, "bob", "If-None-Match", etag).Expect(t, http.StatusNotModified)
	// HEAD: GET's headers, no body; 304 and 404 as GET.
	head := e.Request(http.MethodHead, a.ContentURL, "bob", nil)
	head.Expect(t, http.StatusOK)
	if h := head.Header; len(head.Body) != 0 || h.Get("Content-Length") != "20" || h.Get("ETag") != etag ||
		h.Get("Content-Disposition") != dl.Header.Get("Content-Disposition") || h.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("HEAD: %v %q", h, head.Body)
	}
	e.Request(http.MethodHead, a.ContentURL, "bob", nil, "If-None-Match", etag).Expect(t, http.StatusNotModified)
	e.Request(http.MethodHead, "/attachments/"+uuid.NewString()+"/content", "bob", nil).Expect(t, http.StatusNotFound)
	beyond := e.get(a.ContentURL, "bob", "Range", "bytes=20-29")
	beyond.Expect(t, http.StatusRequestedRangeNotSatisfiable)
	if beyond.Header.Get("Content-Type") != "application/problem+json" || beyond.Header.Get("Content-Range") != "bytes */20" ||
		!strings.Contains(string(beyond.Body), `"code":"range_not_satisfiable"`) {
		t.Fatalf("a range beyond the file: %v %s", beyond.Header, beyond.Body)
	}

	// A non-ASCII name: exact in filename*, ASCII fallback in filename.
	res = e.upload(task, "alice", "Ünïcödé \"quoted\" 文件.txt", data)
	res.Decode(t, &a)
	cd := e.get(a.ContentURL, "alice").Header.Get("Content-Disposition")
	if cd != `attachment; filename="_n_c_d_ _quoted_ __.txt"; filename*=UTF-8''%C3%9Cn%C3%AFc%C3%B6d%C3%A9%20%22quoted%22%20%E6%96%87%E4%BB%B6.txt` {
		t.Fatalf("Content-Disposition %s", cd)
	}

	// HTML and SVG are never served as such.
	for name, body := range map[string]string{
		"page.html": "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
		"pic.svg":   `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
	} {
		res := e.upload(task, "alice", name, []byte(body))
		res.Expect(t, http.StatusCreated)
		res.Decode(t, &a)
		dl := e.get(a.ContentURL, "alice")
		dl.Expect(t, http.StatusOK)
		if ct := dl.Header.Get("Content-Type"); ct != "application/octet-stream" || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("%s (sniffed %s) served as %q", name, a.ContentType, ct)
		}
	}
}

func TestConcurrentUploadsAndDeletion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := e.w.newTask("alice")
	var wg sync.WaitGroup
	results := make([]int, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.upload(task, "bob", "same-name.txt", bytes.Repeat([]byte{byte('a' + i)}, 1000)).StatusCode
		}()
	}
	wg.Wait()
	if results[0] != 201 || results[1] != 201 {
		t.Fatalf("statuses %v", results)
	}
	var list struct {
		Items []attachment `json:"items"`
	}
	e.get("/tasks/"+task+"/attachments", "alice").Decode(t, &list)
	if len(list.Items) != 2 || list.Items[0].SHA256 == list.Items[1].SHA256 || len(e.files(t)) != 2 {
		t.Fatalf("two uploads: %+v, %d files", list.Items, len(e.files(t)))
	}
	for i, it := range list.Items {
		dl := e.get(it.ContentURL, "alice")
		if hexSum(dl.Body) != it.SHA256 {
			t.Fatalf("upload %d: content does not match its digest", i)
		}
	}

	// Uploader, task creator or admin may delete; the file goes after the row.
	first, second := list.Items[0], list.Items[1]
	e.Request(http.MethodDelete, "/attachments/"+first.ID, "admin", nil).Expect(t, http.StatusNoContent)
	e.Request(http.MethodDelete, "/attachments/"+second.ID, "alice", nil).Expect(t, http.StatusNoContent) // task creator
	e.get("/attachments/"+first.ID, "alice").Expect(t, http.StatusNotFound)
	e.get(first.ContentURL, "alice").Expect(t, http.StatusNotFound)
	deadline := time.Now().Add(10 * time.Second)
	for len(e.files(t)) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("files left: %v", e.files(t))
		}
		time.Sleep(20 * time.Millisecond)
	}

	other := e.w.newTask("alice")
	res := e.upload(other, "alice", "x", []byte("x"))
	var x attachment
	res.Decode(t, &x)
	e.Request(http.MethodDelete, "/attachments/"+x.ID, "bob", nil).Expect(t, http.StatusForbidden) // neither uploader nor creator
	var own attachment
	e.upload(other, "bob", "y", []byte("y")).Decode(t, &own)
	e.Request(http.MethodDelete, "/attachments/"+own.ID, "bob", nil).Expect(t, http.StatusNoContent) // the uploader
	e.w.deleteTask(other)
	e.get("/attachments/"+x.ID, "alice").Expect(t, http.StatusNotFound)
	e.get("/tasks/"+other+"/attachments", "alice").Expect(t, http.StatusNotFound)
	e.upload(other, "alice", "x", []byte("x")).Expect(t, http.StatusNotFound)
}

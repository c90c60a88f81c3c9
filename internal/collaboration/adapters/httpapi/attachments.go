package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"tasktracker/internal/collaboration/domain"
	"tasktracker/internal/collaboration/ports"
	"tasktracker/internal/platform/httpserver"
	"tasktracker/internal/platform/kernel"
)

type attachmentDTO struct {
	ID                 uuid.UUID `json:"id"`
	TaskID             uuid.UUID `json:"task_id"`
	Filename           string    `json:"filename"`
	ContentType        string    `json:"content_type"`
	ClaimedContentType *string   `json:"claimed_content_type"`
	Size               int64     `json:"size"`
	SHA256             string    `json:"sha256"`
	UploadedBy         uuid.UUID `json:"uploaded_by"`
	CreatedAt          time.Time `json:"created_at"`
	ContentURL         string    `json:"content_url"`
}

func toAttachment(a *domain.Attachment) attachmentDTO {
	d := attachmentDTO{ID: a.ID(), TaskID: a.TaskID(), Filename: a.Filename(), ContentType: a.ContentType(),
		Size: a.Size(), SHA256: a.SHA256Hex(), UploadedBy: a.UploadedBy(), CreatedAt: a.CreatedAt(),
		ContentURL: "/attachments/" + a.ID().String() + "/content"}
	if ct := a.ClaimedType(); ct != "" {
		d.ClaimedContentType = &ct
	}
	return d
}

// formOverhead is what a multipart body may carry beyond the file: the
// task_id part, part headers and boundaries.
const formOverhead = 64 << 10

var (
	errMalformedForm = kernel.Invalid("body", "malformed multipart/form-data body")
	errFileNotLast   = kernel.Invalid("file", "the file must be the last part of the form")
	errTaskIDInPath  = kernel.Invalid("task_id", "is given by the path; do not send it in the form")
)

// uploadForm serves POST /attachments (task_id and file in the form).
func (h *Handlers) uploadForm(c echo.Context) error { return h.upload(c, nil) }

// uploadToTask serves POST /tasks/{id}/attachments.
func (h *Handlers) uploadToTask(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.Attachments.CheckTask(c.Request().Context(), id); err != nil {
		return err
	}
	return h.upload(c, &id)
}

// upload streams the file part of a multipart/form-data body straight to
// the blob store: the form is read part by part (never parsed whole), so
// memory use does not grow with the file.
func (h *Handlers) upload(c echo.Context, pathTask *uuid.UUID) error {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != "multipart/form-data" {
		return kernel.New(kernel.KindUnsupportedMedia, "unsupported_media_type", "the body must be multipart/form-data")
	}
	wantBody, err := contentDigest(req.Header.Get("Content-Digest"), "Content-Digest")
	if err != nil {
		return err
	}
	var body io.Reader = http.MaxBytesReader(c.Response(), req.Body, h.MaxBytes+formOverhead)
	var bodyHash hash.Hash
	if wantBody != nil {
		bodyHash = sha256.New()
		body = io.TeeReader(body, bodyHash)
	}
	req.Body = io.NopCloser(body)
	mr, err := req.MultipartReader()
	if err != nil {
		return errMalformedForm
	}
	ctx := req.Context()
	taskID := pathTask
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return domain.ErrFileRequired
		}
		if err != nil {
			return readError(err)
		}
		switch name := part.FormName(); name {
		case "task_id":
			if pathTask != nil {
				return errTaskIDInPath
			}
			raw, err := io.ReadAll(io.LimitReader(part, 100))
			if err != nil {
				return readError(err)
			}
			id, err := uuid.Parse(strings.TrimSpace(string(raw)))
			if err != nil {
				return kernel.Invalid("task_id", "must be a UUID")
			}
			taskID = &id
		case "file":
			if taskID == nil {
				return domain.ErrTaskIDRequired
			}
			wantFile, err := contentDigest(part.Header.Get("Content-Digest"), "file")
			if err != nil {
				return err
			}
			a, err := h.Attachments.Upload(ctx, httpserver.Actor(c), ports.Upload{
				TaskID: *taskID, Filename: rawFilename(part), ClaimedType: claimedType(part),
				Body: partReader{part}, WantSHA256: wantFile,
				BeforeCommit: func(fileSHA []byte) error { return finishForm(mr, body, bodyHash, wantBody, fileSHA) },
			})
			if err != nil {
				return err
			}
			return httpserver.Created(c, "/attachments/"+a.ID().String(), toAttachment(a))
		default:
			return kernel.Invalid(name, "unknown form field (expected task_id and file)")
		}
	}
}

// finishForm reads the rest of the body after the file part: nothing but
// the closing boundary may follow. A request Content-Digest must match
// either the whole body (RFC 9530's reading) or the file itself (what most
// clients mean when they upload one file).
func finishForm(mr *multipart.Reader, body io.Reader, bodyHash hash.Hash, want, fileSHA []byte) error {
	if _, err := mr.NextPart(); !errors.Is(err, io.EOF) {
		if err != nil {
			return readError(err)
		}
		return errFileNotLast
	}
	if bodyHash == nil {
		return nil
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return readError(err)
	}
	if !bytes.Equal(bodyHash.Sum(nil), want) && !bytes.Equal(fileSHA, want) {
		return domain.ErrDigestMismatch
	}
	return nil
}

// partReader turns read failures of the request into client errors.
type partReader struct{ p *multipart.Part }

func (r partReader) Read(b []byte) (int, error) {
	n, err := r.p.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		err = readError(err)
	}
	return n, err
}

func readError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return domain.ErrAttachmentTooBig
	}
	var ke *kernel.Error
	if errors.As(err, &ke) {
		return ke
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return kernel.Invalid("body", "the upload ended early")
	}
	return errMalformedForm
}

// rawFilename is the file name the client sent, before any cleaning (the
// domain sanitizes it; multipart.Part.FileName would already apply
// filepath.Base, which misses backslashes).
func rawFilename(p *multipart.Part) string {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return p.FileName()
	}
	return params["filename"]
}

func claimedType(p *multipart.Part) string {
	ct := p.Header.Get("Content-Type")
	if mt, params, err := mime.ParseMediaType(ct); err == nil && len(ct) <= 255 {
		return mime.FormatMediaType(mt, params)
	}
	return ""
}

// contentDigest parses an RFC 9530 Content-Digest field (a structured
// dictionary such as `sha-256=:base64:, sha-512=:…:`) and returns the
// SHA-256 digest, or nil when the field is absent or names only other
// algorithms.
func contentDigest(field, name string) ([]byte, error) {
	if strings.TrimSpace(field) == "" {
		return nil, nil
	}
	bad := kernel.Invalid(name, "Content-Digest must look like sha-256=:<base64 of the SHA-256 digest>:")
	for _, member := range strings.Split(field, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(member), "=")
		if !ok {
			return nil, bad
		}
		if strings.ToLower(strings.TrimSpace(key)) != "sha-256" {
			continue
		}
		value, _, _ = strings.Cut(strings.TrimSpace(value), ";") // parameters are ignored
		if len(value) < 2 || value[0] != ':' || value[len(value)-1] != ':' {
			return nil, bad
		}
		sum, err := base64.StdEncoding.DecodeString(value[1 : len(value)-1])
		if err != nil || len(sum) != sha256.Size {
			return nil, bad
		}
		return sum, nil
	}
	return nil, nil
}

func (h *Handlers) getAttachment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := h.Attachments.GetAttachment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAttachment(a))
}

// download serves the bytes, always as an attachment (never rendered
// inline), with the sniffed type (active types such as HTML and SVG as
// application/octet-stream), nosniff, a strong ETag of the SHA-256, and
// Range / If-None-Match / If-Range handled by http.ServeContent.
func (h *Handlers) download(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, f, err := h.Attachments.OpenAttachment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	defer f.Close()
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, servedType(a.ContentType()))
	hd.Set(echo.HeaderContentDisposition, ContentDisposition(a.Filename()))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-cache")
	hd.Set("ETag", `"`+a.SHA256Hex()+`"`)
	http.ServeContent(&rangeProblemWriter{ResponseWriter: c.Response(), instance: c.Request().URL.Path},
		c.Request(), "", a.CreatedAt(), f)
	return nil
}

// rangeProblemWriter answers http.ServeContent's 416 (a Range beyond the
// file) with a problem+json body instead of its plain text; ServeContent's
// Content-Range ("bytes */size") stays.
type rangeProblemWriter struct {
	http.ResponseWriter
	instance string
	rejected bool
}

func (w *rangeProblemWriter) WriteHeader(code int) {
	if code != http.StatusRequestedRangeNotSatisfiable {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.rejected = true
	p := httpserver.ProblemFor(echo.NewHTTPError(code, "the Range lies outside the file; Content-Range gives its size"))
	p.Instance = w.instance
	body, _ := p.MarshalJSON()
	h := w.Header()
	h.Del(echo.HeaderContentDisposition)
	h.Set(echo.HeaderContentType, "application/problem+json")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	w.ResponseWriter.WriteHeader(code)
	_, _ = w.ResponseWriter.Write(body)
}

func (w *rangeProblemWriter) Write(b []byte) (int, error) {
	if w.rejected {
		return len(b), nil // ServeContent's plain-text message: replaced by the problem
	}
	return w.ResponseWriter.Write(b)
}

// servedType is the Content-Type a stored type is served with: types a
// browser could execute (HTML, XML including SVG, scripts) become
// application/octet-stream.
func servedType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "application/octet-stream"
	}
	switch {
	case mt == "text/html", mt == "application/xhtml+xml", mt == "image/svg+xml", mt == "text/xml",
		mt == "application/xml", strings.HasSuffix(mt, "+xml"), strings.Contains(mt, "javascript"),
		strings.Contains(mt, "ecmascript"), mt == "text/css":
		return "application/octet-stream"
	}
	return ct
}

// ContentDisposition builds `attachment` with an ASCII filename fallback
// and the exact name as RFC 6266 / RFC 8187 filename* (UTF-8,
// percent-encoded).
func ContentDisposition(name string) string {
	var ascii, ext strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(name); i++ {
		b := name[i]
		if isAttrChar(b) {
			ext.WriteByte(b)
		} else {
			ext.WriteByte('%')
			ext.WriteByte(hex[b>>4])
			ext.WriteByte(hex[b&15])
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

// isAttrChar reports RFC 8187 attr-char.
func isAttrChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}

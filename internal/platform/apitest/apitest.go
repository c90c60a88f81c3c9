// Package apitest is the HTTP test client of the integration suites: every
// request it sends and every response it receives is checked against
// docs/openapi.yaml (kin-openapi), so the contract cannot drift from the
// code.
//
// The rule: a response must always match the document (its status code
// included). A request must match too, unless the server rejected it (status
// 4xx) — tests send invalid input on purpose, and the server must refuse
// whatever the contract calls invalid.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"tasktracker/docs"
)

var (
	loadOnce sync.Once
	router   routers.Router
	loadErr  error
)

func init() {
	for _, ct := range []string{"application/octet-stream", "text/event-stream", "application/yaml", "image/png", "text/html", "image/svg+xml"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// Router returns the router of docs/openapi.yaml, validated once.
func Router() (routers.Router, error) {
	loadOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(docs.OpenAPI)
		if err != nil {
			loadErr = err
			return
		}
		if err = doc.Validate(context.Background()); err != nil {
			loadErr = err
			return
		}
		doc.Servers = nil // match any host: tests run on random ports
		router, loadErr = gorillamux.NewRouter(doc)
	})
	return router, loadErr
}

// Client sends requests to a test server and validates them.
type Client struct {
	T       testing.TB
	BaseURL string
	HTTP    *http.Client
}

// New returns a client for the server at baseURL.
func New(t testing.TB, baseURL string) *Client {
	t.Helper()
	if _, err := Router(); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	return &Client{T: t, BaseURL: strings.TrimSuffix(baseURL, "/"), HTTP: &http.Client{}}
}

// Response is a received response with its whole body.
type Response struct {
	*http.Response
	Body []byte
}

// Do sends req (whose URL may be a bare path) and validates both sides.
func (c *Client) Do(req *http.Request) *Response {
	c.T.Helper()
	if req.URL.Host == "" {
		u, err := url.Parse(c.BaseURL + req.URL.String())
		if err != nil {
			c.T.Fatal(err)
		}
		req.URL = u
		req.Host = u.Host
	}
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		c.T.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	resp := &Response{Response: res, Body: body}
	c.validate(req, reqBody, resp)
	return resp
}

func (c *Client) validate(req *http.Request, reqBody []byte, res *Response) {
	c.T.Helper()
	r, _ := Router()
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	if p := vreq.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		// The server treats /x/ as /x (RemoveTrailingSlash); so does the check.
		u := *vreq.URL
		u.Path = strings.TrimSuffix(p, "/")
		u.RawPath = ""
		vreq.URL = &u
	}
	route, params, err := r.FindRoute(vreq)
	if err != nil {
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			c.checkProblem(req, res)
			return // an unknown route, answered as one
		}
		c.T.Errorf("contract: %s %s is not in docs/openapi.yaml (answered %d)", req.Method, req.URL.Path, res.StatusCode)
		return
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && res.StatusCode < 400 {
		c.T.Errorf("contract: the server accepted (%d) a request the document calls invalid: %s %s: %v",
			res.StatusCode, req.Method, req.URL.Path, err)
	}
	if res.StatusCode == http.StatusServiceUnavailable {
		// Any operation may answer 503 while the database is down (see the
		// document's description); it must still be a problem.
		c.checkProblem(req, res)
		return
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode,
		Header: res.Header, Body: io.NopCloser(bytes.NewReader(res.Body)), Options: opts}
	if res.StatusCode == http.StatusNotModified || req.Method == http.MethodHead {
		out.Options = &openapi3filter.Options{ExcludeResponseBody: true, IncludeResponseStatus: true, MultiError: true}
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.T.Errorf("contract: response of %s %s (%d) does not match docs/openapi.yaml: %v\nbody: %s",
			req.Method, req.URL.Path, res.StatusCode, err, truncate(res.Body))
	}
	if res.StatusCode >= 400 {
		c.checkProblem(req, res)
	}
}

func (c *Client) checkProblem(req *http.Request, res *Response) {
	c.T.Helper()
	if req.Method == http.MethodHead {
		return
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		c.T.Errorf("%s %s answered %d with Content-Type %q, want application/problem+json", req.Method, req.URL.Path, res.StatusCode, ct)
	}
}

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// Request builds a request; body, when not nil, is sent as JSON (a
// json.RawMessage or string is sent verbatim). headers are name, value
// pairs; token, when not empty, becomes the bearer token.
func (c *Client) Request(method, path, token string, body any, headers ...string) *Response {
	c.T.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		case json.RawMessage:
			rd = bytes.NewReader(b)
		case []byte:
			rd = bytes.NewReader(b)
		default:
			raw, err := json.Marshal(body)
			if err != nil {
				c.T.Fatal(err)
			}
			rd = bytes.NewReader(raw)
		}
	}
	req, err := http.NewRequest(method, c.BaseURL+path, rd)
	if err != nil {
		c.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.Do(req)
}

// Decode unmarshals the body into v, failing the test on error.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %d body %q: %v", r.StatusCode, truncate(r.Body), err)
	}
}

// Map decodes a JSON object body.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.Decode(t, &m)
	return m
}

// Problem is the decoded problem+json body of an error response.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// Fields lists the fields the problem names.
func (p Problem) Fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// Expect fails the test unless the response has the given status; for an
// error status it returns the decoded problem (none for HEAD: no body).
func (r *Response) Expect(t testing.TB, status int) Problem {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, truncate(r.Body))
	}
	var p Problem
	if status >= 400 && r.Request.Method != http.MethodHead {
		r.Decode(t, &p)
	}
	return p
}

package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"tasktracker/docs"
)

var echoParam = regexp.MustCompile(`:([a-z_]+)`)

// TestEveryRouteIsDocumented keeps docs/openapi.yaml complete: every route
// the application serves (but Echo's internal catch-alls) has an operation
// in the document, and every operation in the document is served.
func TestEveryRouteIsDocumented(t *testing.T) {
	a := newTestApp(t)
	doc, err := openapi3.NewLoader().LoadFromData(docs.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, r := range a.app.echo.Routes() {
		if strings.Contains(r.Path, "*") || r.Method == "echo_route_any" || r.Method == "echo_route_not_found" {
			continue
		}
		path := echoParam.ReplaceAllString(r.Path, "{$1}")
		key := r.Method + " " + path
		served[key] = true
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s is served but not in docs/openapi.yaml", key)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !served[method+" "+path] {
				t.Errorf("docs/openapi.yaml documents %s %s, which is not served", method, path)
			}
		}
	}
	if len(served) < 40 {
		t.Fatalf("only %d routes found", len(served))
	}
	t.Logf("%d routes, all documented", len(served))
}

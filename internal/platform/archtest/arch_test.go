// Package archtest enforces the import rules of docs/architecture.md on the
// real package graph (go list).
package archtest

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const mod = "tasktracker/"

var contexts = []string{"identity", "tasking", "collaboration", "notification"}

type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

func loadPackages(t *testing.T) []pkg {
	t.Helper()
	touchSources(t)
	out, err := exec.Command("go", "list", "-json", "tasktracker/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// contextOf returns the bounded context and the layer (the folder below the
// context: domain, ports, app, adapters/…, events, or "" for its root).
func contextOf(path string) (ctx, layer string) {
	rest, ok := strings.CutPrefix(path, mod+"internal/")
	if !ok {
		return "", ""
	}
	for _, c := range contexts {
		if rest == c {
			return c, ""
		}
		if l, ok := strings.CutPrefix(rest, c+"/"); ok {
			return c, l
		}
	}
	return "", ""
}

func isThirdParty(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return strings.Contains(first, ".")
}

// violation returns why from may not import imp, or "".
func violation(from, imp string) string {
	fromCtx, fromLayer := contextOf(from)
	impCtx, impLayer := contextOf(imp)
	own := strings.HasPrefix(imp, mod)
	switch {
	case strings.HasPrefix(from, mod+"internal/platform") && impCtx != "":
		return "platform imports no context"
	case fromCtx == "":
		return ""
	case impCtx != "" && impCtx != fromCtx && impLayer != "events":
		return "a context may import another one only through its events package"
	}
	top, _, _ := strings.Cut(fromLayer, "/")
	switch top {
	case "domain":
		if own && !strings.HasPrefix(imp, mod+"internal/platform/kernel") && !(impCtx == fromCtx && strings.HasPrefix(impLayer, "domain")) {
			return "domain imports only the standard library, uuid and platform/kernel"
		}
		if !own && isThirdParty(imp) && imp != "github.com/google/uuid" {
			return "domain imports only the standard library, uuid and platform/kernel"
		}
	case "ports", "app":
		if impCtx == fromCtx && (strings.HasPrefix(impLayer, "adapters") || impLayer == "") {
			return top + " must not import adapters or the module root"
		}
		for _, banned := range []string{"github.com/labstack/echo", "github.com/jackc/pgx", "github.com/riverqueue"} {
			if strings.HasPrefix(imp, banned) {
				return top + " must not import " + banned
			}
		}
		if own && strings.HasPrefix(imp, mod+"internal/platform/") {
			for _, p := range []string{"httpserver", "postgres", "pgtest", "apitest"} {
				if strings.HasPrefix(imp, mod+"internal/platform/"+p) {
					return top + " must not import platform/" + p
				}
			}
		}
	case "events":
		if own && impCtx == "" && !strings.HasPrefix(imp, mod+"internal/platform/kernel") {
			return "events (the published language) imports no project package"
		}
		if impCtx == fromCtx && impLayer != "events" {
			return "events (the published language) imports nothing of its context"
		}
	}
	if strings.HasPrefix(fromLayer, "adapters") && impCtx == fromCtx && impLayer == "" {
		return "adapters must not import the module root"
	}
	return ""
}

func TestImportRules(t *testing.T) {
	for _, p := range loadPackages(t) {
		for _, imp := range p.Imports {
			if why := violation(p.ImportPath, imp); why != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, why)
			}
		}
		if strings.HasPrefix(p.ImportPath, mod+"cmd/") {
			for _, imp := range p.Imports {
				if _, layer := contextOf(imp); strings.HasPrefix(imp, mod+"internal/") && layer != "" && !strings.HasSuffix(imp, "/events") {
					if c, _ := contextOf(imp); c != "" {
						t.Errorf("%s imports %s: the composition root imports only context root packages", p.ImportPath, imp)
					}
				}
			}
		}
	}
}

// TestRulesCatchViolations checks the checker itself on made-up imports.
func TestRulesCatchViolations(t *testing.T) {
	bad := [][2]string{
		{"tasktracker/internal/tasking/domain", "tasktracker/internal/platform/postgres"},
		{"tasktracker/internal/tasking/domain", "github.com/labstack/echo/v4"},
		{"tasktracker/internal/tasking/app", "github.com/jackc/pgx/v5"},
		{"tasktracker/internal/tasking/app", "tasktracker/internal/tasking/adapters/postgres"},
		{"tasktracker/internal/collaboration/app", "tasktracker/internal/tasking/domain"},
		{"tasktracker/internal/collaboration", "tasktracker/internal/tasking"},
		{"tasktracker/internal/platform/events", "tasktracker/internal/identity/events"},
		{"tasktracker/internal/tasking/events", "tasktracker/internal/tasking/domain"},
	}
	for _, b := range bad {
		if violation(b[0], b[1]) == "" {
			t.Errorf("%s → %s should break the rules", b[0], b[1])
		}
	}
	good := [][2]string{
		{"tasktracker/internal/tasking/domain", "github.com/google/uuid"},
		{"tasktracker/internal/tasking/domain", "tasktracker/internal/platform/kernel"},
		{"tasktracker/internal/tasking/app", "tasktracker/internal/tasking/ports"},
		{"tasktracker/internal/notification/adapters/postgres", "tasktracker/internal/tasking/events"},
		{"tasktracker/internal/tasking/adapters/httpapi", "github.com/labstack/echo/v4"},
	}
	for _, g := range good {
		if why := violation(g[0], g[1]); why != "" {
			t.Errorf("%s → %s should be allowed, got %q", g[0], g[1], why)
		}
	}
}

// touchSources reads every Go file of the module so that go test's cache
// knows this test depends on them (it cannot see what go list reads).
func touchSources(t *testing.T) {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"cmd", "internal", "db", "docs"} {
		_ = filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
				_, _ = os.ReadFile(p)
			}
			return nil
		})
	}
}

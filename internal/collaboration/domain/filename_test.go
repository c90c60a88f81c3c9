package domain_test

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"tasktracker/internal/collaboration/domain"
)

func TestSanitizeFilename(t *testing.T) {
	long := strings.Repeat("é", 200) + ".pdf" // 404 bytes
	cases := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`..\..\windows\system32\cmd.exe`, "cmd.exe"},
		{"/etc/shadow", "shadow"},
		{"evil\x00.txt", "evil.txt"},
		{"line\r\nbreak.txt", "linebreak.txt"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"a\u2066b\u2069\u200E\u200F.txt", "ab.txt"},
		{"  spaced  ", "spaced"},
		{"", "file"},
		{"..", "file"},
		{".", "file"},
		{"dir/", "file"},
		{"\x00\x01\x02", "file"},
		{"\xff\xfe.txt", ".txt"},
		{"Ünïcödé 文件.txt", "Ünïcödé 文件.txt"},
		{long, strings.Repeat("é", 125) + ".pdf"},
		{strings.Repeat("a", 300), strings.Repeat("a", 255)},
	}
	for _, c := range cases {
		if got := domain.SanitizeFilename(c.in); got != c.want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzSanitizeFilename checks the sanitizer's promises on any input. Plain
// `go test` runs the seeds; fuzz with
// go test ./internal/collaboration/domain -run '^$' -fuzz FuzzSanitizeFilename -fuzztime 60s
func FuzzSanitizeFilename(f *testing.F) {
	for _, s := range []string{"report.pdf", "../../etc/passwd", `C:\x\y.txt`, "a\x00b", "x\r\ny", "\u202Eexe.txt",
		strings.Repeat("ü", 300), "..", ".", "/", "", " . ", "\xff", "a/..", "..\\..", strings.Repeat("a", 250) + ".verylongextension"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := domain.SanitizeFilename(in)
		if !filepath.IsLocal(out) {
			t.Fatalf("%q → %q is not local", in, out)
		}
		if out == "" || len(out) > domain.MaxFilenameBytes || !utf8.ValidString(out) {
			t.Fatalf("%q → %q: empty, too long or invalid UTF-8", in, out)
		}
		if strings.ContainsAny(out, `/\`) || strings.TrimSpace(out) != out {
			t.Fatalf("%q → %q: separator or surrounding space", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F {
				t.Fatalf("%q → %q: contains %U", in, out, r)
			}
		}
		if again := domain.SanitizeFilename(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
		}
	})
}

package domain

import (
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFilenameBytes is the longest stored file name, in bytes.
const MaxFilenameBytes = 255

// SanitizeFilename makes a client's file name safe to store and show: it
// keeps only the last path component (either slash), drops invalid UTF-8,
// control characters (NUL, CR, LF …) and bidirectional formatting marks
// (which can disguise an extension), trims white space, and caps the
// length at 255 bytes on a character boundary, keeping a short extension.
// A name with nothing left becomes "file". The result always satisfies
// filepath.IsLocal, though it is never used as a path: blobs are stored
// under server-generated names.
func SanitizeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if len(name) > MaxFilenameBytes {
		ext := filepath.Ext(name)
		if len(ext) > 16 || len(ext) == len(name) {
			ext = ""
		}
		name = strings.TrimSpace(truncateUTF8(name[:len(name)-len(ext)], MaxFilenameBytes-len(ext))) + ext
	}
	if name == "" || name == "." || name == ".." || !filepath.IsLocal(name) {
		return "file"
	}
	return name
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F ||
		r == 0x061C || r == 0xFEFF
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

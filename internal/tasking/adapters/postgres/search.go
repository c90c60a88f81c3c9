package postgres

import (
	"strings"
	"unicode"
)

// maxSearchWords bounds the work one search does.
const maxSearchWords = 8

// TSQuery turns free user text into a tsquery for the 'simple'
// configuration: every run of letters and digits (any script) becomes a
// prefix term, and the terms are ANDed ("fix лог" → 'fix':* & 'лог':*).
// Everything else — quotes, operators, punctuation — only separates words,
// so no input can make an invalid tsquery. It returns "" when the text has
// no word.
func TSQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) })
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = "'" + strings.ToLower(w) + "':*"
	}
	return strings.Join(terms, " & ")
}

// Package pagination parses the list parameters every list endpoint shares
// (limit, cursor) and encodes keyset cursors as opaque strings.
package pagination

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"tasktracker/internal/platform/kernel"
)

const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Limit parses ?limit= (default 50, 1..200).
func Limit(raw string) (int, error) {
	if raw == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, kernel.Invalid("limit", "must be an integer from 1 to 200")
	}
	return n, nil
}

// Encode makes an opaque cursor of a keyset position.
func Encode(position any) string {
	b, _ := json.Marshal(position)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor made by Encode into position; a cursor that is not
// one is a validation error on the "cursor" field. An empty cursor leaves
// position untouched and returns false.
func Decode(cursor string, position any) (bool, error) {
	if cursor == "" {
		return false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || json.Unmarshal(b, position) != nil {
		return false, kernel.Invalid("cursor", "is not a cursor returned by this list")
	}
	return true, nil
}

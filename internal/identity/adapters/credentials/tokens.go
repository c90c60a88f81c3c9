package credentials

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Tokens makes opaque session tokens: 32 random bytes, base64url; only
// their SHA-256 is stored.
type Tokens struct{}

// New returns a token and its digest.
func (Tokens) New() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	t := base64.RawURLEncoding.EncodeToString(b)
	return t, Tokens{}.Hash(t), nil
}

// Hash is the stored digest of a token.
func (Tokens) Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

package kernel

import (
	"errors"
	"strings"
	"time"
)

// Kind classifies an error by what the caller can do about it. The HTTP
// adapter turns each kind into one status code.
type Kind uint8

const (
	KindInternal         Kind = iota // 500
	KindValidation                   // 400: bad input or a reference to a missing row
	KindUnauthenticated              // 401
	KindForbidden                    // 403
	KindNotFound                     // 404
	KindConflict                     // 409
	KindPrecondition                 // 412
	KindTooLarge                     // 413
	KindUnsupportedMedia             // 415
	KindRateLimited                  // 429
	KindUnavailable                  // 503
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a typed, domain-neutral error. Code is stable and machine-readable
// ("task_not_found"); Message is for humans.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration  // KindRateLimited only
	Extra      map[string]any // extra problem members, e.g. current_version
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Is makes errors.Is match two errors of the same kind and code, so a copy of
// a sentinel with more detail (fields, extra members) still matches it.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Kind == e.Kind && t.Code == e.Code
}

// With returns a copy of e carrying extra problem members.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Extra = make(map[string]any, len(e.Extra)+1)
	for k, v := range e.Extra {
		c.Extra[k] = v
	}
	c.Extra[key] = value
	return &c
}

// New builds an error of the given kind.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// NotFound, Conflict, Forbidden … are shorthands for New.
func NotFound(code, message string) *Error  { return New(KindNotFound, code, message) }
func Conflict(code, message string) *Error  { return New(KindConflict, code, message) }
func Forbidden(code, message string) *Error { return New(KindForbidden, code, message) }

// Invalid is a validation error about one field.
func Invalid(field, message string) *Error {
	return &Error{Kind: KindValidation, Code: "validation_failed", Message: "the request is not valid",
		Fields: []FieldError{{Field: field, Message: message}}}
}

// Validation collects field errors; Err returns nil when there are none.
type Validation struct{ fields []FieldError }

// Add records that field is invalid.
func (v *Validation) Add(field, message string) {
	v.fields = append(v.fields, FieldError{field, message})
}

// Check records message for field unless ok.
func (v *Validation) Check(ok bool, field, message string) {
	if !ok {
		v.Add(field, message)
	}
}

// Merge adds the field errors of err when it is a validation error and
// reports whether it was one.
func (v *Validation) Merge(err error) bool {
	var e *Error
	if errors.As(err, &e) && e.Kind == KindValidation {
		v.fields = append(v.fields, e.Fields...)
		return true
	}
	return false
}

// Err returns the collected validation error, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: KindValidation, Code: "validation_failed", Message: "the request is not valid", Fields: v.fields}
}

// KindOf returns the kind of err (KindInternal for foreign errors).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

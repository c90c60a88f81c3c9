package domain

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
)

// TagRef is a tag as a task shows it.
type TagRef struct {
	ID    uuid.UUID
	Name  string
	Color *string
}

// Tag is a label tasks can carry; its name is unique regardless of case.
type Tag struct {
	id        uuid.UUID
	name      string
	color     *string
	createdBy uuid.UUID
	createdAt time.Time
}

var colorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// NewTag validates name (trimmed, 1..50 characters) and color (#rrggbb,
// stored lower-case).
func NewTag(id uuid.UUID, name string, color *string, by uuid.UUID, now time.Time) (*Tag, error) {
	var v kernel.Validation
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	v.Check(n >= 1 && n <= MaxTagName && Storable(name), "name", "must be 1 to 50 characters, without NUL")
	if color != nil {
		if colorRe.MatchString(*color) {
			c := strings.ToLower(*color)
			color = &c
		} else {
			v.Add("color", "must be a colour such as #1a2b3c")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &Tag{id: id, name: name, color: color, createdBy: by, createdAt: now}, nil
}

// RehydrateTag rebuilds a stored tag.
func RehydrateTag(id uuid.UUID, name string, color *string, createdBy uuid.UUID, createdAt time.Time) *Tag {
	return &Tag{id: id, name: name, color: color, createdBy: createdBy, createdAt: createdAt}
}

func (t *Tag) ID() uuid.UUID        { return t.id }
func (t *Tag) Name() string         { return t.name }
func (t *Tag) Color() *string       { return t.color }
func (t *Tag) CreatedBy() uuid.UUID { return t.createdBy }
func (t *Tag) CreatedAt() time.Time { return t.createdAt }
func (t *Tag) Ref() TagRef          { return TagRef{ID: t.id, Name: t.name, Color: t.color} }

// CheckDelete allows the tag's creator and admins.
func (t *Tag) CheckDelete(actor kernel.Actor) error {
	if actor.Admin || actor.UserID == t.createdBy {
		return nil
	}
	return ErrTagDenied
}

package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
)

// MaxCommentRunes is the longest comment body.
const MaxCommentRunes = 10_000

// Comment is a message on a task.
type Comment struct {
	recorder
	id, taskID, authorID uuid.UUID
	body                 string
	mentions             []uuid.UUID
	version              int64
	createdAt, updatedAt time.Time
	editedAt             *time.Time
}

// CommentBody validates a comment body: 1 to 10 000 characters after
// trimming surrounding white space, no NUL.
func CommentBody(raw string) (string, error) {
	b := strings.TrimSpace(raw)
	switch n := utf8.RuneCountInString(b); {
	case n == 0:
		return "", kernel.Invalid("body", "must not be empty")
	case n > MaxCommentRunes:
		return "", kernel.Invalid("body", "must be at most 10000 characters")
	case strings.ContainsRune(b, 0):
		return "", kernel.Invalid("body", "must not contain NUL characters")
	}
	return b, nil
}

var mentionRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,63})`)

// MentionedUsernames returns the distinct lower-case user names mentioned
// as @username in body, in order of first appearance. Trailing dots and
// dashes (sentence punctuation) are not part of a name; e-mail addresses
// (a@b) are not mentions.
func MentionedUsernames(body string) []string {
	var out []string
	for _, m := range mentionRE.FindAllStringSubmatch(body, -1) {
		name := strings.ToLower(strings.TrimRight(m[1], ".-"))
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// excerpt is the first 140 characters of s.
func excerpt(s string) string {
	n := 0
	for i := range s {
		if n == 140 {
			return s[:i]
		}
		n++
	}
	return s
}

// NewComment builds a new comment and records CommentAdded. mentions are
// the resolved ids of the users its body mentions.
func NewComment(id, taskID, authorID uuid.UUID, body string, mentions []uuid.UUID, now time.Time) (*Comment, error) {
	b, err := CommentBody(body)
	if err != nil {
		return nil, err
	}
	c := &Comment{id: id, taskID: taskID, authorID: authorID, body: b, mentions: dedupe(mentions),
		version: 1, createdAt: now, updatedAt: now}
	c.record(CommentAdded{TaskID: taskID, CommentID: id, AuthorID: authorID, Mentioned: c.Mentions(),
		Excerpt: excerpt(b), At: now})
	return c, nil
}

// RehydrateComment rebuilds a stored comment without recording events.
func RehydrateComment(id, taskID, authorID uuid.UUID, body string, mentions []uuid.UUID, version int64,
	createdAt, updatedAt time.Time, editedAt *time.Time) *Comment {
	return &Comment{id: id, taskID: taskID, authorID: authorID, body: body, mentions: mentions,
		version: version, createdAt: createdAt, updatedAt: updatedAt, editedAt: editedAt}
}

// Edit replaces the body (author only) and records CommentEdited with the
// users mentioned now and not before.
func (c *Comment) Edit(by kernel.Actor, body string, mentions []uuid.UUID, expectedVersion *int64, now time.Time) error {
	if by.UserID != c.authorID {
		return ErrNotCommentAuthor
	}
	if err := checkVersion(expectedVersion, c.version); err != nil {
		return err
	}
	b, err := CommentBody(body)
	if err != nil {
		return err
	}
	mentions = dedupe(mentions)
	var newly []uuid.UUID
	for _, m := range mentions {
		if !slices.Contains(c.mentions, m) {
			newly = append(newly, m)
		}
	}
	c.body, c.mentions = b, mentions
	c.version++
	c.updatedAt = now
	c.editedAt = &now
	c.record(CommentEdited{TaskID: c.taskID, CommentID: c.id, AuthorID: c.authorID, EditedBy: by.UserID,
		Mentioned: c.Mentions(), NewlyMentioned: nonNil(newly), Excerpt: excerpt(b), At: now})
	return nil
}

// CheckDelete allows the author or an administrator.
func (c *Comment) CheckDelete(by kernel.Actor) error {
	if by.UserID != c.authorID && !by.Admin {
		return ErrCannotDeleteComm
	}
	return nil
}

func (c *Comment) ID() uuid.UUID         { return c.id }
func (c *Comment) TaskID() uuid.UUID     { return c.taskID }
func (c *Comment) AuthorID() uuid.UUID   { return c.authorID }
func (c *Comment) Body() string          { return c.body }
func (c *Comment) Mentions() []uuid.UUID { return nonNil(slices.Clone(c.mentions)) }
func (c *Comment) Version() int64        { return c.version }
func (c *Comment) CreatedAt() time.Time  { return c.createdAt }
func (c *Comment) UpdatedAt() time.Time  { return c.updatedAt }
func (c *Comment) EditedAt() *time.Time  { return c.editedAt }

func dedupe(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func nonNil(ids []uuid.UUID) []uuid.UUID {
	if ids == nil {
		return []uuid.UUID{}
	}
	return ids
}

// Package events is the identity context's published language: the events
// other contexts may subscribe to. Plain structs, no logic.
package events

import "github.com/google/uuid"

// Event types (the Envelope.Type of each payload below).
const (
	TypeUserRegistered = "identity.user_registered"
	TypeUserUpdated    = "identity.user_updated"
	TypeUserDeleted    = "identity.user_deleted"
)

// UserRegistered: a user signed up or was created by an administrator.
type UserRegistered struct {
	UserID      uuid.UUID `json:"user_id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
}

// UserUpdated: a user's profile or role changed.
type UserUpdated struct {
	UserID        uuid.UUID `json:"user_id"`
	Username      string    `json:"username"`
	DisplayName   string    `json:"display_name"`
	ChangedFields []string  `json:"changed_fields"`
}

// UserDeleted: a user was deleted; other contexts drop what belongs to them.
type UserDeleted struct {
	UserID   uuid.UUID `json:"user_id"`
	Username string    `json:"username"`
}

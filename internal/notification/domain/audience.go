package domain

import "github.com/google/uuid"

// Audience collects who an event concerns and why: one entry per user, the
// stronger reason winning, the actor never included.
type Audience struct {
	actor uuid.UUID
	types map[uuid.UUID]Type
	order []uuid.UUID
}

// NewAudience starts an empty audience for an event done by actor.
func NewAudience(actor uuid.UUID) *Audience {
	return &Audience{actor: actor, types: map[uuid.UUID]Type{}}
}

// Add adds users for the reason typ; a user already present keeps the
// stronger of the two reasons. The actor and nil ids are skipped.
func (a *Audience) Add(typ Type, users ...uuid.UUID) {
	for _, u := range users {
		if u == uuid.Nil || u == a.actor {
			continue
		}
		old, ok := a.types[u]
		if !ok {
			a.order = append(a.order, u)
		}
		if !ok || typ.rank() > old.rank() {
			a.types[u] = typ
		}
	}
}

// Recipient is one member of an audience.
type Recipient struct {
	UserID uuid.UUID
	Type   Type
}

// Recipients lists the audience in the order users were first added.
func (a *Audience) Recipients() []Recipient {
	out := make([]Recipient, 0, len(a.order))
	for _, u := range a.order {
		out = append(out, Recipient{UserID: u, Type: a.types[u]})
	}
	return out
}

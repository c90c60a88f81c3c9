package domain

// Status is one workflow state of a task (reference data, seeded by the
// schema migration).
type Status struct {
	ID       int
	Code     string
	Name     string
	Position int
	IsFinal  bool
}

// Status ids as seeded.
const StatusTodo = 1

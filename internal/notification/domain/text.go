package domain

import "fmt"

// Subject is what a text names: who acted, on which task, and the detail
// the type needs (statuses "todo → done", a file name).
type Subject struct {
	Actor  string // a username; empty when unknown
	Task   string // the task's title; empty when unknown
	Detail string
}

// Text is the short human-readable sentence of a notification.
func Text(t Type, s Subject) string {
	actor, task := s.Actor, "a task"
	if actor == "" {
		actor = "someone"
	}
	if s.Task != "" {
		task = "“" + s.Task + "”"
	}
	switch t {
	case TypeAssigned:
		return fmt.Sprintf("%s assigned you to %s", actor, task)
	case TypeUnassigned:
		return fmt.Sprintf("%s unassigned you from %s", actor, task)
	case TypeStatusChanged:
		if s.Detail != "" {
			return fmt.Sprintf("%s moved %s to %s", actor, task, s.Detail)
		}
		return fmt.Sprintf("%s changed the status of %s", actor, task)
	case TypeCommentAdded:
		return fmt.Sprintf("%s commented on %s", actor, task)
	case TypeMentioned:
		return fmt.Sprintf("%s mentioned you in a comment on %s", actor, task)
	case TypeAttachmentAdded:
		if s.Detail != "" {
			return fmt.Sprintf("%s attached %s to %s", actor, s.Detail, task)
		}
		return fmt.Sprintf("%s attached a file to %s", actor, task)
	case TypeTaskDeleted:
		return fmt.Sprintf("%s deleted %s", actor, task)
	}
	return fmt.Sprintf("%s changed %s", actor, task)
}

package postgres

import (
	"context"
	"fmt"

	"tasktracker/internal/platform/events"
	"tasktracker/internal/tasking/domain"
	evts "tasktracker/internal/tasking/events"
)

// publish translates recorded domain events into the published language and
// publishes them in the transaction that ctx carries.
func publish(ctx context.Context, bus events.Publisher, recorded []domain.Event) error {
	if len(recorded) == 0 || bus == nil {
		return nil
	}
	envs := make([]events.Envelope, 0, len(recorded))
	for _, e := range recorded {
		typ, payload := translate(e.Payload)
		if typ == "" {
			return fmt.Errorf("tasking: no published event for %T", e.Payload)
		}
		env, err := events.New(typ, e.Actor, e.At, payload)
		if err != nil {
			return err
		}
		envs = append(envs, env)
	}
	return bus.Publish(ctx, envs...)
}

func translate(p any) (string, any) {
	switch e := p.(type) {
	case domain.TaskCreated:
		return evts.TypeTaskCreated, evts.TaskCreated{TaskID: e.TaskID, Title: e.Title, CreatedBy: e.CreatedBy,
			StatusID: e.StatusID, AssigneeIDs: e.AssigneeIDs}
	case domain.TaskUpdated:
		return evts.TypeTaskUpdated, evts.TaskUpdated{TaskID: e.TaskID, Title: e.Title,
			ChangedFields: e.ChangedFields, Version: e.Version}
	case domain.TaskStatusChanged:
		return evts.TypeTaskStatusChanged, evts.TaskStatusChanged{TaskID: e.TaskID, Title: e.Title,
			FromStatusID: e.From.ID, ToStatusID: e.To.ID, FromStatus: e.From.Code, ToStatus: e.To.Code}
	case domain.TaskAssigned:
		return evts.TypeTaskAssigned, evts.TaskAssigned{TaskID: e.TaskID, Title: e.Title, UserID: e.UserID}
	case domain.TaskUnassigned:
		return evts.TypeTaskUnassigned, evts.TaskUnassigned{TaskID: e.TaskID, Title: e.Title, UserID: e.UserID}
	case domain.TaskDeleted:
		return evts.TypeTaskDeleted, evts.TaskDeleted{TaskID: e.TaskID, Title: e.Title, CreatedBy: e.CreatedBy}
	}
	return "", nil
}

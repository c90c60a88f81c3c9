// Package app implements the tasking use cases on the domain and the
// driven ports. Authorization decisions are made here and in the domain.
package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"tasktracker/internal/platform/kernel"
	"tasktracker/internal/tasking/domain"
	"tasktracker/internal/tasking/ports"
)

// Service implements ports.Tasks and ports.Tags.
type Service struct {
	Tasks    ports.TaskRepository
	TagRepo  ports.TagRepository
	Statuses ports.StatusCatalog
	Users    ports.UserDirectory
	Clock    kernel.Clock
	IDs      kernel.IDs
}

var (
	_ ports.Tasks = TaskService{}
	_ ports.Tags  = TagService{}
)

// TaskService is the task half of Service.
type TaskService struct{ *Service }

// TagService is the tag half of Service.
type TagService struct{ *Service }

// Statuses lists the task statuses by position.
func (s TaskService) Statuses(ctx context.Context) ([]domain.Status, error) {
	return s.Service.Statuses.All(ctx)
}

// Create creates a task owned by the actor.
func (s TaskService) Create(ctx context.Context, a kernel.Actor, in ports.CreateTask) (*domain.Task, error) {
	var v kernel.Validation
	statusID := domain.StatusTodo
	if in.StatusID != nil {
		statusID = *in.StatusID
	}
	status, err := s.status(ctx, statusID)
	if err != nil && !v.Merge(err) {
		return nil, err
	}
	if err := s.checkUsers(ctx, in.AssigneeIDs, "assignee_ids"); err != nil && !v.Merge(err) {
		return nil, err
	}
	tags, err := s.tags(ctx, in.TagIDs, "tag_ids")
	if err != nil && !v.Merge(err) {
		return nil, err
	}
	t, err := domain.CreateTask(domain.NewTask{ID: s.IDs.New(), Title: in.Title, Description: in.Description,
		Status: status, Priority: in.Priority, DueAt: in.DueAt, CreatedBy: a.UserID,
		AssigneeIDs: in.AssigneeIDs, Tags: tags}, s.Clock.Now())
	if err != nil && !v.Merge(err) {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.Tasks.Create(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Get reads a task (every user may).
func (s TaskService) Get(ctx context.Context, _ kernel.Actor, id uuid.UUID) (*domain.Task, error) {
	return s.Tasks.Get(ctx, id)
}

// Update applies a partial update for the creator, an assignee or an admin.
func (s TaskService) Update(ctx context.Context, a kernel.Actor, id uuid.UUID, in ports.UpdateTask) (*domain.Task, error) {
	p := domain.Patch{Title: in.Title, Description: in.Description, Priority: in.Priority, DueAt: in.DueAt,
		AssigneeIDs: in.AssigneeIDs}
	var v kernel.Validation
	if in.StatusID.Set {
		if in.StatusID.Null {
			v.Add("status_id", "must not be null")
		} else if st, err := s.status(ctx, in.StatusID.Value); err != nil {
			if !v.Merge(err) {
				return nil, err
			}
		} else {
			p.Status = &st
		}
	}
	if in.AssigneeIDs.Set {
		if err := s.checkUsers(ctx, in.AssigneeIDs.Value, "assignee_ids"); err != nil && !v.Merge(err) {
			return nil, err
		}
	}
	if in.TagIDs.Set {
		tags, err := s.tags(ctx, in.TagIDs.Value, "tag_ids")
		if err != nil && !v.Merge(err) {
			return nil, err
		}
		p.Tags = &tags
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if p.Empty() {
		return nil, domain.ErrNoChangeGiven
	}
	return s.Tasks.Update(ctx, id, func(t *domain.Task) error {
		if err := t.CheckEdit(a); err != nil {
			return err
		}
		if err := t.CheckVersion(in.IfMatch); err != nil {
			return err
		}
		return t.Apply(p, a.UserID, s.Clock.Now())
	})
}

// Delete deletes a task for its creator or an admin.
func (s TaskService) Delete(ctx context.Context, a kernel.Actor, id uuid.UUID, ifMatch *int64) error {
	return s.Tasks.Delete(ctx, id, func(t *domain.Task) error {
		if err := t.CheckDelete(a); err != nil {
			return err
		}
		if err := t.CheckVersion(ifMatch); err != nil {
			return err
		}
		t.MarkDeleted(a.UserID, s.Clock.Now())
		return nil
	})
}

// List returns one page of tasks.
func (s TaskService) List(ctx context.Context, _ kernel.Actor, in ports.ListTasks) (ports.TaskPage, error) {
	if in.Filter.StatusID != nil {
		if _, err := s.status(ctx, *in.Filter.StatusID); err != nil {
			return ports.TaskPage{}, err
		}
	}
	items, err := s.Tasks.List(ctx, in)
	if err != nil {
		return ports.TaskPage{}, err
	}
	page := ports.TaskPage{Items: items}
	if len(items) > in.Limit {
		page.Items = items[:in.Limit]
		last := page.Items[in.Limit-1]
		page.Next = PositionOf(in.Sort, last)
	}
	return page, nil
}

// PositionOf is the keyset position of t in a list sorted by sort.
func PositionOf(sort ports.Sort, t *domain.Task) *ports.Position {
	p := &ports.Position{ID: t.ID()}
	switch sort {
	case ports.SortUpdatedAsc, ports.SortUpdatedDesc:
		u := t.UpdatedAt()
		p.Time = &u
	case ports.SortDueAt:
		p.Time = t.DueAt()
	case ports.SortPriority:
		p.Rank = t.Priority().Rank()
	default:
		c := t.CreatedAt()
		p.Time = &c
	}
	return p
}

// Assign makes user an assignee (idempotent).
func (s TaskService) Assign(ctx context.Context, a kernel.Actor, id, user uuid.UUID, ifMatch *int64) (*domain.Task, error) {
	if err := s.checkUsers(ctx, []uuid.UUID{user}, "user_id"); err != nil {
		return nil, err
	}
	return s.edit(ctx, a, id, ifMatch, func(t *domain.Task) error {
		_, err := t.Assign(user, a.UserID, s.Clock.Now())
		return err
	})
}

// Unassign removes user from the assignees (idempotent).
func (s TaskService) Unassign(ctx context.Context, a kernel.Actor, id, user uuid.UUID, ifMatch *int64) (*domain.Task, error) {
	return s.edit(ctx, a, id, ifMatch, func(t *domain.Task) error {
		t.Unassign(user, a.UserID, s.Clock.Now())
		return nil
	})
}

// AddTag puts a tag on a task (idempotent).
func (s TaskService) AddTag(ctx context.Context, a kernel.Actor, id, tag uuid.UUID, ifMatch *int64) (*domain.Task, error) {
	tags, err := s.tags(ctx, []uuid.UUID{tag}, "tag_id")
	if err != nil {
		return nil, err
	}
	return s.edit(ctx, a, id, ifMatch, func(t *domain.Task) error {
		_, err := t.AddTag(tags[0], a.UserID, s.Clock.Now())
		return err
	})
}

// RemoveTag takes a tag off a task (idempotent).
func (s TaskService) RemoveTag(ctx context.Context, a kernel.Actor, id, tag uuid.UUID, ifMatch *int64) (*domain.Task, error) {
	return s.edit(ctx, a, id, ifMatch, func(t *domain.Task) error {
		t.RemoveTag(tag, a.UserID, s.Clock.Now())
		return nil
	})
}

func (s TaskService) edit(ctx context.Context, a kernel.Actor, id uuid.UUID, ifMatch *int64, fn func(*domain.Task) error) (*domain.Task, error) {
	return s.Tasks.Update(ctx, id, func(t *domain.Task) error {
		if err := t.CheckEdit(a); err != nil {
			return err
		}
		if err := t.CheckVersion(ifMatch); err != nil {
			return err
		}
		return fn(t)
	})
}

// UserDeleted removes a deleted user's assignments.
func (s TaskService) UserDeleted(ctx context.Context, user uuid.UUID) error {
	return s.Tasks.UnassignUser(ctx, user, s.Clock.Now())
}

// Creator tells whether a task exists and who created it.
func (s TaskService) Creator(ctx context.Context, id uuid.UUID) (uuid.UUID, bool, error) {
	return s.Tasks.Creator(ctx, id)
}

// Title tells whether a task exists and its title.
func (s TaskService) Title(ctx context.Context, id uuid.UUID) (string, bool, error) {
	return s.Tasks.Title(ctx, id)
}

func (s *Service) status(ctx context.Context, id int) (domain.Status, error) {
	st, ok, err := s.Statuses.Get(ctx, id)
	if err != nil {
		return domain.Status{}, err
	}
	if !ok {
		return domain.Status{}, kernel.Invalid("status_id", fmt.Sprintf("no status with id %d (see GET /statuses)", id))
	}
	return st, nil
}

func (s *Service) checkUsers(ctx context.Context, ids []uuid.UUID, field string) error {
	if len(ids) == 0 || len(ids) > domain.MaxAssignees*2 {
		return nil // none to check, or so many that the domain refuses them anyway
	}
	missing, err := s.Users.MissingUsers(ctx, ids)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return kernel.Invalid(field, "no user with id "+joinIDs(missing))
	}
	return nil
}

func (s *Service) tags(ctx context.Context, ids []uuid.UUID, field string) ([]domain.TagRef, error) {
	if len(ids) == 0 || len(ids) > domain.MaxTags*2 {
		return nil, nil
	}
	found, err := s.TagRepo.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]*domain.Tag, len(found))
	for _, t := range found {
		byID[t.ID()] = t
	}
	refs := make([]domain.TagRef, 0, len(ids))
	var missing []uuid.UUID
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			refs = append(refs, t.Ref())
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, kernel.Invalid(field, "no tag with id "+joinIDs(missing))
	}
	return refs, nil
}

func joinIDs(ids []uuid.UUID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, ", ")
}

// Create creates a tag; its name must be new regardless of case.
func (s TagService) Create(ctx context.Context, a kernel.Actor, name string, color *string) (*domain.Tag, error) {
	t, err := domain.NewTag(s.IDs.New(), name, color, a.UserID, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	if err := s.TagRepo.Create(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// List returns a page of tags by name.
func (s TagService) List(ctx context.Context, after string, limit int) (ports.TagPage, error) {
	items, err := s.TagRepo.List(ctx, after, limit)
	if err != nil {
		return ports.TagPage{}, err
	}
	page := ports.TagPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.Next = page.Items[limit-1].Name()
	}
	return page, nil
}

// Delete deletes a tag for its creator or an admin.
func (s TagService) Delete(ctx context.Context, a kernel.Actor, id uuid.UUID) error {
	return s.TagRepo.Delete(ctx, id, func(t *domain.Tag) error { return t.CheckDelete(a) }, s.Clock.Now())
}

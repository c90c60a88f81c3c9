// Package postgres is the tasking context's driven adapter: pgx
// repositories of tasks, tags and statuses, and the translation of domain
// events into the published language.
package postgres

import (
	"context"
	"sync"

	"tasktracker/internal/platform/postgres"
	"tasktracker/internal/tasking/domain"
)

// Statuses reads tasking.task_status once and serves it from memory: the
// table is reference data that only migrations change.
type Statuses struct {
	Runner postgres.TxRunner

	mu   sync.Mutex
	all  []domain.Status
	byID map[int]domain.Status
}

// All returns the statuses by position.
func (s *Statuses) All(ctx context.Context) ([]domain.Status, error) {
	if err := s.load(ctx, -1); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.all, nil
}

// Get returns the status with id. An id it does not know makes it read
// the table again (a status added since), once per call.
func (s *Statuses) Get(ctx context.Context, id int) (domain.Status, bool, error) {
	if err := s.load(ctx, -1); err != nil {
		return domain.Status{}, false, err
	}
	s.mu.Lock()
	st, ok := s.byID[id]
	s.mu.Unlock()
	if ok {
		return st, true, nil
	}
	if err := s.load(ctx, id); err != nil {
		return domain.Status{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok = s.byID[id]
	return st, ok, nil
}

// load reads the table when nothing is loaded yet, or when missing (not -1)
// is still unknown.
func (s *Statuses) load(ctx context.Context, missing int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, known := s.byID[missing]; s.byID != nil && (missing == -1 || known) {
		return nil
	}
	rows, err := s.Runner.Conn(ctx).Query(ctx,
		`SELECT id, code, name, position, is_final FROM tasking.task_status ORDER BY position, id`)
	if err != nil {
		return postgres.MapError(err)
	}
	defer rows.Close()
	var all []domain.Status
	byID := map[int]domain.Status{}
	for rows.Next() {
		var st domain.Status
		var id, pos int16
		if err := rows.Scan(&id, &st.Code, &st.Name, &pos, &st.IsFinal); err != nil {
			return err
		}
		st.ID, st.Position = int(id), int(pos)
		all = append(all, st)
		byID[st.ID] = st
	}
	if err := rows.Err(); err != nil {
		return postgres.MapError(err)
	}
	s.all, s.byID = all, byID
	return nil
}

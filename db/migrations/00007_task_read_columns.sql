-- +goose Up
-- A task row carries its assignees and tags, so that reading a task or a
-- page of tasks is a plain row read instead of two correlated subqueries
-- per row (they were most of PostgreSQL's cost of a page: docs/adr/tasking-002).
-- task_assignee and task_tag stay the source of truth for filtering,
-- foreign keys and reactions; the repository writes both in one statement.
-- tags holds [{id, name, color}] ordered by lower(name), id: tags cannot be
-- renamed, and deleting one rewrites the tasks that carry it.

-- +goose StatementBegin
CREATE FUNCTION tasking.tag_refs(ids uuid[]) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(json_agg(json_build_object('id', g.id, 'name', g.name, 'color', g.color)
                    ORDER BY lower(g.name), g.id), '[]')
      FROM tasking.tag g
     WHERE g.id = ANY(ids)
$$;
-- +goose StatementEnd

ALTER TABLE tasking.task
    ADD COLUMN assignee_ids uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN tags         json   NOT NULL DEFAULT '[]';

UPDATE tasking.task t
   SET assignee_ids = ARRAY(SELECT a.user_id FROM tasking.task_assignee a WHERE a.task_id = t.id ORDER BY a.user_id)
 WHERE EXISTS (SELECT 1 FROM tasking.task_assignee a WHERE a.task_id = t.id);

UPDATE tasking.task t
   SET tags = tasking.tag_refs(ARRAY(SELECT x.tag_id FROM tasking.task_tag x WHERE x.task_id = t.id))
 WHERE EXISTS (SELECT 1 FROM tasking.task_tag x WHERE x.task_id = t.id);

-- +goose Down
ALTER TABLE tasking.task DROP COLUMN assignee_ids, DROP COLUMN tags;
DROP FUNCTION tasking.tag_refs(uuid[]);

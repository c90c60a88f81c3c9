-- +goose Up
CREATE SCHEMA IF NOT EXISTS tasking;

-- Reference data: the workflow states a task can be in.
CREATE TABLE tasking.task_status (
    id       smallint PRIMARY KEY,
    code     text     NOT NULL UNIQUE,
    name     text     NOT NULL,
    position smallint NOT NULL,
    is_final boolean  NOT NULL DEFAULT false
);

INSERT INTO tasking.task_status (id, code, name, position, is_final) VALUES
    (1, 'todo',        'To do',       1, false),
    (2, 'in_progress', 'In progress', 2, false),
    (3, 'in_review',   'In review',   3, false),
    (4, 'done',        'Done',        4, true),
    (5, 'cancelled',   'Cancelled',   5, true);

CREATE TABLE tasking.task (
    id          uuid        PRIMARY KEY,
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description text        CHECK (char_length(description) <= 20000),
    status_id   smallint    NOT NULL REFERENCES tasking.task_status (id),
    priority    text        NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    due_at      timestamptz,
    created_by  uuid        NOT NULL,
    version     bigint      NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    -- Sort keys as plain columns so that every sort is one b-tree range scan
    -- with a (key, id) keyset: urgent first, and tasks without a due date last.
    priority_rank smallint GENERATED ALWAYS AS (
        CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END) STORED,
    due_key     timestamptz GENERATED ALWAYS AS (coalesce(due_at, 'infinity'::timestamptz)) STORED,
    -- Full-text search over title and description ('simple': no stemming, so
    -- English and Russian words both match by prefix; see docs/adr/tasking-001).
    search      tsvector    GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, title || ' ' || coalesce(description, ''))) STORED
);

CREATE INDEX task_created_at_idx    ON tasking.task (created_at, id);
CREATE INDEX task_updated_at_idx    ON tasking.task (updated_at, id);
CREATE INDEX task_due_key_idx       ON tasking.task (due_key, id);
CREATE INDEX task_priority_rank_idx ON tasking.task (priority_rank, id);
CREATE INDEX task_status_idx        ON tasking.task (status_id, created_at, id);
CREATE INDEX task_created_by_idx    ON tasking.task (created_by, created_at, id);
CREATE INDEX task_search_idx        ON tasking.task USING gin (search);

CREATE TABLE tasking.task_assignee (
    task_id uuid NOT NULL REFERENCES tasking.task (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    PRIMARY KEY (task_id, user_id)
);
CREATE INDEX task_assignee_user_idx ON tasking.task_assignee (user_id, task_id);

CREATE TABLE tasking.tag (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    color      text        CHECK (color ~ '^#[0-9a-f]{6}$'),
    created_by uuid        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX tag_name_key ON tasking.tag (lower(name));

CREATE TABLE tasking.task_tag (
    task_id uuid NOT NULL REFERENCES tasking.task (id) ON DELETE CASCADE,
    tag_id  uuid NOT NULL REFERENCES tasking.tag (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, tag_id)
);
CREATE INDEX task_tag_tag_idx ON tasking.task_tag (tag_id, task_id);

-- +goose Down
DROP SCHEMA tasking CASCADE;

-- +goose Up
CREATE SCHEMA IF NOT EXISTS collaboration;

-- task_id, author_id, uploaded_by and user_id name rows of other contexts
-- (tasking.task, identity.user): ids only, no foreign keys; events keep
-- them consistent (TaskDeleted removes a task's rows here).

CREATE TABLE collaboration.comment (
    id                 uuid        PRIMARY KEY,
    task_id            uuid        NOT NULL,
    author_id          uuid        NOT NULL,
    body               text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
    mentioned_user_ids uuid[]      NOT NULL DEFAULT '{}',
    version            bigint      NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    edited_at          timestamptz
);
CREATE INDEX comment_task_idx ON collaboration.comment (task_id, created_at, id);

CREATE TABLE collaboration.attachment (
    id                   uuid        PRIMARY KEY,
    task_id              uuid        NOT NULL,
    uploaded_by          uuid        NOT NULL,
    filename             text        NOT NULL CHECK (octet_length(filename) BETWEEN 1 AND 255),
    content_type         text        NOT NULL,
    claimed_content_type text,
    size_bytes           bigint      NOT NULL CHECK (size_bytes >= 0),
    sha256               bytea       NOT NULL CHECK (octet_length(sha256) = 32),
    blob_key             text        NOT NULL CONSTRAINT attachment_blob_key_key UNIQUE,
    created_at           timestamptz NOT NULL
);
CREATE INDEX attachment_task_idx ON collaboration.attachment (task_id, created_at, id);

-- A time log without an end is a running timer; the partial unique index
-- allows one per user.
CREATE TABLE collaboration.time_log (
    id               uuid        PRIMARY KEY,
    task_id          uuid        NOT NULL,
    user_id          uuid        NOT NULL,
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    duration_seconds integer     CHECK (duration_seconds BETWEEN 1 AND 86400),
    note             text        CHECK (char_length(note) BETWEEN 1 AND 1000),
    version          bigint      NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT time_log_span_check CHECK (
        (ended_at IS NULL AND duration_seconds IS NULL)
        OR ended_at = started_at + make_interval(secs => duration_seconds))
);
CREATE UNIQUE INDEX time_log_running_timer_key ON collaboration.time_log (user_id) WHERE ended_at IS NULL;
CREATE INDEX time_log_task_idx ON collaboration.time_log (task_id, started_at, id) WHERE ended_at IS NOT NULL;
CREATE INDEX time_log_user_idx ON collaboration.time_log (user_id, started_at) WHERE ended_at IS NOT NULL;

-- +goose Down
DROP SCHEMA collaboration CASCADE;

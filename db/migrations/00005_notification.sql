-- +goose Up
CREATE SCHEMA IF NOT EXISTS notification;

-- Who watches which task. Rows come from events (creator, assignee,
-- commenter; created_at is then the event's time) or from
-- PUT /tasks/{id}/watchers/me (manual). DELETE …/watchers/me keeps the row
-- with unwatched_at set: an automatic watch from an event older than that
-- (delivered late) does not undo the unwatch. Task and user ids belong to
-- other contexts: kept consistent by TaskDeleted / UserDeleted.
CREATE TABLE notification.watcher (
    task_id      uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    source       text        NOT NULL CHECK (source IN ('creator', 'assignee', 'commenter', 'manual')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    unwatched_at timestamptz,
    PRIMARY KEY (task_id, user_id)
);
CREATE INDEX watcher_user_idx ON notification.watcher (user_id);

-- One notification per (event, recipient): redelivery cannot duplicate.
CREATE TABLE notification.notification (
    id           uuid        PRIMARY KEY,
    recipient_id uuid        NOT NULL,
    event_id     uuid        NOT NULL,
    type         text        NOT NULL,
    task_id      uuid        NOT NULL,
    actor_id     uuid,
    text         text        NOT NULL,
    read_at      timestamptz,
    created_at   timestamptz NOT NULL,
    CONSTRAINT notification_event_recipient_key UNIQUE (event_id, recipient_id)
);
-- The inbox (newest first, keyset on id) and the unread count.
CREATE INDEX notification_inbox_idx ON notification.notification (recipient_id, id DESC);
CREATE INDEX notification_unread_idx ON notification.notification (recipient_id, id DESC) WHERE read_at IS NULL;

-- Small local projections of other contexts, fed by their events, so texts
-- can name the task and the actor without asking them.
-- deleted_at is a tombstone: an event about the task delivered after its
-- TaskDeleted (delivery is unordered) adds no watcher.
CREATE TABLE notification.task_ref (
    task_id    uuid PRIMARY KEY,
    title      text NOT NULL,
    deleted_at timestamptz
);

-- The watcher-facing form of each event that notifies a task's watchers.
-- Deliveries run concurrently and unordered, so a watch can be stored after
-- an event it should have heard of (a comment processed before the task's
-- creation): the late watch then catches up from this log.
CREATE TABLE notification.task_event (
    task_id     uuid        NOT NULL,
    event_id    uuid        NOT NULL,
    type        text        NOT NULL,
    actor_id    uuid,
    text        text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (task_id, event_id)
);
CREATE TABLE notification.user_ref (
    user_id      uuid PRIMARY KEY,
    username     text NOT NULL,
    display_name text NOT NULL DEFAULT ''
);

-- +goose Down
DROP SCHEMA notification CASCADE;

-- +goose Up
CREATE SCHEMA IF NOT EXISTS platform;

-- One row per (subscriber, event) whose effect has committed: event delivery
-- is at least once, and this table makes its effect happen once.
CREATE TABLE platform.processed_event (
    subscriber   text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber, event_id)
);

-- +goose Down
DROP SCHEMA platform CASCADE;

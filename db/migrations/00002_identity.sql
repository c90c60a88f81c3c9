-- +goose Up
CREATE SCHEMA IF NOT EXISTS identity;

CREATE TABLE identity."user" (
    id              uuid PRIMARY KEY,
    email           text        NOT NULL,
    username        text        NOT NULL,
    display_name    text        NOT NULL,
    role            text        NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    password_hash   text        NOT NULL,
    failed_logins   integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT user_email_key UNIQUE (email),
    CONSTRAINT user_username_key UNIQUE (username),
    CONSTRAINT user_email_lower CHECK (email = lower(email)),
    CONSTRAINT user_username_lower CHECK (username = lower(username))
);

CREATE TABLE identity.auth_session (
    id                  uuid PRIMARY KEY,
    user_id             uuid        NOT NULL REFERENCES identity."user" (id) ON DELETE CASCADE,
    token_hash          bytea       NOT NULL,
    created_at          timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz,
    user_agent          text        NOT NULL DEFAULT '',
    ip                  text        NOT NULL DEFAULT '',
    CONSTRAINT auth_session_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX auth_session_user_idx ON identity.auth_session (user_id) WHERE revoked_at IS NULL;

-- +goose Down
DROP SCHEMA identity CASCADE;

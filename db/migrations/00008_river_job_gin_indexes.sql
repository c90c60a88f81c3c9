-- +goose Up
-- River indexes every job's args and metadata with GIN so that its web UI
-- can search jobs by their contents. Nothing here searches jobs, and an
-- event delivery's args are its events (about 2 kB of JSON): every job row
-- is written three times (available, running, completed), and each write
-- added every key and value of the args to the GIN index. Dropping the two
-- indexes made a create 22-29% cheaper (docs/adr/0007). The event bus
-- leaves them out of River's periodic reindexing.
DROP INDEX IF EXISTS river_job_args_index;
DROP INDEX IF EXISTS river_job_metadata_index;

-- +goose Down
CREATE INDEX IF NOT EXISTS river_job_args_index ON river_job USING GIN (args);
CREATE INDEX IF NOT EXISTS river_job_metadata_index ON river_job USING GIN (metadata);

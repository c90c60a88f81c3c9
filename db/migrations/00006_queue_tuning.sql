-- +goose Up
-- River's job table churns: every event delivery updates its row twice.
-- Vacuum it far sooner than the default 20% of dead rows, so that fetching
-- the next job never walks long runs of dead index entries. (The event bus
-- also vacuums it every 30 s, for servers where autovacuum is off or busy.)
ALTER TABLE river_job SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.05,
    autovacuum_vacuum_cost_delay = 0
);

-- +goose Down
ALTER TABLE river_job RESET (
    autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
    autovacuum_analyze_scale_factor, autovacuum_vacuum_cost_delay
);

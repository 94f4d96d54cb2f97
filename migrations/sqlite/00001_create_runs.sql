-- The SQLite ledger's schema mirrors PostgreSQL's (../0000*.sql) as it is
-- after all of its migrations, with the same table names and constraints.
-- SQLite has no timestamptz, interval or jsonb: times are UTC text in one
-- fixed form (so text order is time order, which the checks enforce),
-- durations integer microseconds, JSON text checked with json_type. STRICT
-- makes SQLite refuse a value of the wrong type, as PostgreSQL would.

-- +goose Up
CREATE TABLE parchment_sync_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id TEXT    NOT NULL CHECK (organization_id <> ''),
    mode            TEXT    NOT NULL CHECK (mode IN ('plan', 'apply')),
    -- A file name or "database"; never a connection string.
    source          TEXT    NOT NULL,
    started_at      TEXT    NOT NULL CHECK (started_at GLOB
        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    finished_at     TEXT    CHECK (finished_at GLOB
        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    outcome         TEXT    NOT NULL DEFAULT 'running'
        CHECK (outcome IN ('running', 'done', 'partial', 'held', 'aborted', 'interrupted', 'abandoned')),
    counts          TEXT    NOT NULL DEFAULT '{}' CHECK (json_type(counts) = 'object'),
    -- The run's report, for run history: ids, fields' names and masked
    -- messages, never a field's value.
    changes         TEXT    NOT NULL DEFAULT '[]' CHECK (json_type(changes) = 'array'),
    failures        TEXT    NOT NULL DEFAULT '[]' CHECK (json_type(failures) = 'array'),
    -- NULL unless the run was aborted or held.
    error           TEXT    CHECK (error <> ''),
    -- Target of the attempts' composite foreign key, which keeps an attempt in
    -- its run's organisation.
    UNIQUE (id, organization_id)
) STRICT;

-- Latest runs of an organisation first.
CREATE INDEX parchment_sync_runs_organization_started_idx
    ON parchment_sync_runs (organization_id, started_at DESC);

-- +goose Down
DROP TABLE parchment_sync_runs;

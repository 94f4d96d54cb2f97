-- +goose Up
CREATE TABLE parchment_sync_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id text        NOT NULL CHECK (organization_id <> ''),
    mode            text        NOT NULL CHECK (mode IN ('plan', 'apply')),
    -- A file name or "database"; never a connection string.
    source          text        NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    outcome         text        NOT NULL DEFAULT 'running'
        CHECK (outcome IN ('running', 'done', 'partial', 'aborted', 'interrupted')),
    counts          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(counts) = 'object'),
    -- Target of the attempts' composite foreign key, which keeps an attempt in
    -- its run's organisation.
    UNIQUE (id, organization_id)
);

-- Latest runs of an organisation first.
CREATE INDEX parchment_sync_runs_organization_started_idx
    ON parchment_sync_runs (organization_id, started_at DESC);

-- +goose Down
DROP TABLE parchment_sync_runs;

-- +goose Up
CREATE TABLE parchment_sync_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id           INTEGER NOT NULL,
    organization_id  TEXT    NOT NULL,
    operation        TEXT    NOT NULL
        CHECK (operation IN ('create', 'update', 'list', 'get', 'roles', 'disable', 'enable')),
    -- NULL for exchanges about no one person, such as a list.
    external_user_id TEXT    CHECK (external_user_id <> ''),
    -- 0 when no response arrived.
    http_status      INTEGER NOT NULL CHECK (http_status = 0 OR http_status BETWEEN 100 AND 599),
    request_id       TEXT    CHECK (request_id <> ''),
    -- NULL on success; never holds a secret.
    error            TEXT    CHECK (error <> ''),
    duration_us      INTEGER NOT NULL CHECK (duration_us >= 0),
    attempted_at     TEXT    NOT NULL CHECK (attempted_at GLOB
        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    FOREIGN KEY (run_id, organization_id)
        REFERENCES parchment_sync_runs (id, organization_id) ON DELETE CASCADE
) STRICT;

-- Serves the foreign key and reading a run's exchanges in order.
CREATE INDEX parchment_sync_attempts_run_idx
    ON parchment_sync_attempts (run_id, id);

-- One person's history across runs.
CREATE INDEX parchment_sync_attempts_person_idx
    ON parchment_sync_attempts (organization_id, external_user_id, attempted_at)
    WHERE external_user_id IS NOT NULL;

-- +goose Down
DROP TABLE parchment_sync_attempts;

-- +goose Up
CREATE TABLE parchment_sync_attempts (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id           bigint      NOT NULL,
    organization_id  text        NOT NULL,
    operation        text        NOT NULL CHECK (operation IN ('create', 'update', 'list')),
    -- NULL for exchanges about no one person, such as a list.
    external_user_id text        CHECK (external_user_id <> ''),
    -- 0 when no response arrived.
    http_status      integer     NOT NULL CHECK (http_status = 0 OR http_status BETWEEN 100 AND 599),
    request_id       text        CHECK (request_id <> ''),
    -- NULL on success; never holds a secret.
    error            text        CHECK (error <> ''),
    duration         interval    NOT NULL CHECK (duration >= interval '0'),
    attempted_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (run_id, organization_id)
        REFERENCES parchment_sync_runs (id, organization_id) ON DELETE CASCADE
);

-- Serves the foreign key and reading a run's exchanges in order.
CREATE INDEX parchment_sync_attempts_run_idx
    ON parchment_sync_attempts (run_id, id);

-- One person's history across runs.
CREATE INDEX parchment_sync_attempts_person_idx
    ON parchment_sync_attempts (organization_id, external_user_id, attempted_at)
    WHERE external_user_id IS NOT NULL;

-- +goose Down
DROP TABLE parchment_sync_attempts;

-- +goose Up
CREATE TABLE parchment_sync_entries (
    organization_id   TEXT    NOT NULL CHECK (organization_id <> ''),
    external_user_id  TEXT    NOT NULL CHECK (external_user_id <> ''),
    -- NULL while pending: the create's outcome is not known yet.
    parchment_user_id TEXT,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'synced')),
    email             TEXT    NOT NULL DEFAULT '',
    -- Last values Parchment accepted (synced) or the values the create
    -- carries (pending), by canonical field name.
    fields            TEXT    NOT NULL DEFAULT '{}' CHECK (json_type(fields) = 'object'),
    -- The run that disabled the person; NULL while they are active.
    disabled_run_id   INTEGER,
    -- Consecutive applies whose source lacked the person.
    absent_runs       INTEGER NOT NULL DEFAULT 0 CHECK (absent_runs >= 0),
    created_at        TEXT    NOT NULL CHECK (created_at GLOB
        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    updated_at        TEXT    NOT NULL CHECK (updated_at GLOB
        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    PRIMARY KEY (organization_id, external_user_id),
    -- One Parchment user maps to at most one person; pending entries (NULL)
    -- don't collide, as SQLite's unique constraints let NULLs repeat.
    CONSTRAINT parchment_sync_entries_parchment_user_key
        UNIQUE (organization_id, parchment_user_id),
    CONSTRAINT parchment_sync_entries_parchment_user_check CHECK (
        (state = 'pending' AND parchment_user_id IS NULL)
        OR (state = 'synced' AND parchment_user_id <> '')
    ),
    CONSTRAINT parchment_sync_entries_disabled_check
        CHECK (disabled_run_id IS NULL OR state = 'synced')
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE parchment_sync_entries;

-- +goose Up
CREATE TABLE parchment_sync_entries (
    organization_id   text        NOT NULL CHECK (organization_id <> ''),
    external_user_id  text        NOT NULL CHECK (external_user_id <> ''),
    -- NULL while pending: the create's outcome is not known yet.
    parchment_user_id text,
    state             text        NOT NULL CHECK (state IN ('pending', 'synced')),
    email             text        NOT NULL DEFAULT '',
    -- Last values Parchment accepted (synced) or the values the create
    -- carries (pending), by canonical field name.
    fields            jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(fields) = 'object'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, external_user_id),
    -- One Parchment user maps to at most one person; pending entries (NULL)
    -- don't collide.
    CONSTRAINT parchment_sync_entries_parchment_user_key
        UNIQUE (organization_id, parchment_user_id),
    CONSTRAINT parchment_sync_entries_parchment_user_check CHECK (
        (state = 'pending' AND parchment_user_id IS NULL)
        OR (state = 'synced' AND parchment_user_id <> '')
    )
);

-- +goose Down
DROP TABLE parchment_sync_entries;

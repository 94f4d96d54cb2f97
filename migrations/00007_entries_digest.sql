-- Each entry keeps a digest of its fields, written with them, so an idle run
-- recognises unchanged people without reading every entry's fields. Entries
-- written before this have none; the ledger computes theirs when read.

-- +goose Up
ALTER TABLE parchment_sync_entries ADD COLUMN digest text
    CONSTRAINT parchment_sync_entries_digest_check CHECK (digest <> '');

-- +goose Down
ALTER TABLE parchment_sync_entries DROP COLUMN digest;

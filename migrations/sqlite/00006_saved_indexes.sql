-- An idle run reads every entry's summary to build its index of the
-- organisation; the index is kept here between runs instead. Every write
-- to an organisation's entries moves its version, in a trigger so that no
-- writer can forget to, and a saved index is read only while it is of the
-- current version. Versions only grow: an index saved at a version that
-- has since moved is never read again.

-- +goose Up
CREATE TABLE parchment_sync_entry_versions (
    organization_id TEXT    NOT NULL PRIMARY KEY,
    version         INTEGER NOT NULL CHECK (version > 0)
) STRICT, WITHOUT ROWID;

-- A rowid table: a saved index is far larger than a page.
CREATE TABLE parchment_sync_saved_indexes (
    organization_id TEXT    NOT NULL PRIMARY KEY,
    version         INTEGER NOT NULL CHECK (version >= 0),
    data            BLOB    NOT NULL
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER parchment_sync_entries_inserted AFTER INSERT ON parchment_sync_entries
BEGIN
    INSERT INTO parchment_sync_entry_versions (organization_id, version) VALUES (NEW.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER parchment_sync_entries_updated AFTER UPDATE ON parchment_sync_entries
BEGIN
    INSERT INTO parchment_sync_entry_versions (organization_id, version) VALUES (OLD.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
    INSERT INTO parchment_sync_entry_versions (organization_id, version) VALUES (NEW.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER parchment_sync_entries_deleted AFTER DELETE ON parchment_sync_entries
BEGIN
    INSERT INTO parchment_sync_entry_versions (organization_id, version) VALUES (OLD.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER parchment_sync_entries_deleted;
DROP TRIGGER parchment_sync_entries_updated;
DROP TRIGGER parchment_sync_entries_inserted;
DROP TABLE parchment_sync_saved_indexes;
DROP TABLE parchment_sync_entry_versions;

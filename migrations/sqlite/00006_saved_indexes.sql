-- An idle run reads every entry's summary to build its index of the
-- organisation; the index is kept here between runs instead. Every write
-- to an organisation's entries deletes its saved index and moves its
-- version, in triggers so that no writer can forget to. An index is saved
-- at the version read before the entries it was made of, and read only
-- while that is the current version: one saved after a write it did not
-- see is never read.

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
    DELETE FROM parchment_sync_saved_indexes WHERE organization_id = NEW.organization_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER parchment_sync_entries_updated AFTER UPDATE ON parchment_sync_entries
BEGIN
    INSERT INTO parchment_sync_entry_versions (organization_id, version) VALUES (OLD.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
    DELETE FROM parchment_sync_saved_indexes WHERE organization_id = OLD.organization_id;
    INSERT INTO parchment_sync_entry_versions (organization_id, version) VALUES (NEW.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
    DELETE FROM parchment_sync_saved_indexes WHERE organization_id = NEW.organization_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER parchment_sync_entries_deleted AFTER DELETE ON parchment_sync_entries
BEGIN
    INSERT INTO parchment_sync_entry_versions (organization_id, version) VALUES (OLD.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
    DELETE FROM parchment_sync_saved_indexes WHERE organization_id = OLD.organization_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER parchment_sync_entries_deleted;
DROP TRIGGER parchment_sync_entries_updated;
DROP TRIGGER parchment_sync_entries_inserted;
DROP TABLE parchment_sync_saved_indexes;
DROP TABLE parchment_sync_entry_versions;

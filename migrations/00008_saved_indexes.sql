-- An idle run reads every entry's summary to build its index of the
-- organisation; the index is kept here between runs instead. Every write
-- to an organisation's entries deletes its saved index and moves its
-- version, in triggers so that no writer can forget to. An index is saved
-- at the version read before the entries it was made of, and read only
-- while that is the current version: one saved after a write it did not
-- see is never read. Names are unqualified, as the tables': the functions
-- find them in the writer's search_path.

-- +goose Up
CREATE TABLE parchment_sync_entry_versions (
    organization_id text   NOT NULL PRIMARY KEY,
    version         bigint NOT NULL CHECK (version > 0)
);

CREATE TABLE parchment_sync_saved_indexes (
    organization_id text   NOT NULL PRIMARY KEY,
    version         bigint NOT NULL CHECK (version >= 0),
    data            bytea  NOT NULL
);
-- Ids and digests hardly compress; reading one back should not have to
-- decompress it.
ALTER TABLE parchment_sync_saved_indexes ALTER COLUMN data SET STORAGE EXTERNAL;

-- +goose StatementBegin
CREATE FUNCTION parchment_sync_entries_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO parchment_sync_entry_versions AS v (organization_id, version) VALUES (OLD.organization_id, 1)
            ON CONFLICT (organization_id) DO UPDATE SET version = v.version + 1;
        DELETE FROM parchment_sync_saved_indexes WHERE organization_id = OLD.organization_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO parchment_sync_entry_versions AS v (organization_id, version) VALUES (NEW.organization_id, 1)
            ON CONFLICT (organization_id) DO UPDATE SET version = v.version + 1;
        DELETE FROM parchment_sync_saved_indexes WHERE organization_id = NEW.organization_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER parchment_sync_entries_written AFTER INSERT OR UPDATE OR DELETE ON parchment_sync_entries
    FOR EACH ROW EXECUTE FUNCTION parchment_sync_entries_written();

-- TRUNCATE fires no row trigger: forget every saved index instead.
-- +goose StatementBegin
CREATE FUNCTION parchment_sync_entries_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM parchment_sync_saved_indexes;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER parchment_sync_entries_truncated AFTER TRUNCATE ON parchment_sync_entries
    FOR EACH STATEMENT EXECUTE FUNCTION parchment_sync_entries_truncated();

-- +goose Down
DROP TRIGGER parchment_sync_entries_truncated ON parchment_sync_entries;
DROP FUNCTION parchment_sync_entries_truncated();
DROP TRIGGER parchment_sync_entries_written ON parchment_sync_entries;
DROP FUNCTION parchment_sync_entries_written();
DROP TABLE parchment_sync_saved_indexes;
DROP TABLE parchment_sync_entry_versions;

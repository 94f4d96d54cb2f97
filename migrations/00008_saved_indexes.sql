-- An idle run reads every entry's summary to build its index of the
-- organisation; the index is kept here between runs instead. Every write
-- to an organisation's entries deletes its saved index and moves its
-- version, in triggers so that no writer can forget to. An index is saved
-- at the version read before the entries it was made of, and read only
-- while that is the current version: one saved after a write it did not
-- see is never read.
--
-- The tables are unqualified, so they land in the search_path's schema
-- as the others do; the trigger functions name them with that schema,
-- fixed when the migration runs, so a write made from a session with
-- another search_path still moves this ledger's version.

-- +goose Up
CREATE TABLE parchment_sync_entry_versions (
    organization_id text   NOT NULL PRIMARY KEY,
    version         bigint NOT NULL CHECK (version > 0),
    -- The transaction that last moved the version. A transaction moves it
    -- once, however many entries it writes: a row updated again and again
    -- in one transaction leaves a chain of versions PostgreSQL cannot
    -- prune until it ends, and each update walks the whole chain.
    moved_by        xid8   NOT NULL
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
DO $migration$
BEGIN
    EXECUTE format($function$
        CREATE FUNCTION %1$I.parchment_sync_entries_written() RETURNS trigger LANGUAGE plpgsql AS $body$
        DECLARE
            org text;
        BEGIN
            FOR org IN
                SELECT o FROM unnest(CASE TG_OP
                    WHEN 'INSERT' THEN ARRAY[NEW.organization_id]
                    WHEN 'DELETE' THEN ARRAY[OLD.organization_id]
                    ELSE ARRAY[OLD.organization_id, NEW.organization_id] END) AS o
            LOOP
                INSERT INTO %1$I.parchment_sync_entry_versions AS v (organization_id, version, moved_by)
                    VALUES (org, 1, pg_current_xact_id())
                    ON CONFLICT (organization_id) DO UPDATE
                        SET version = v.version + 1, moved_by = excluded.moved_by
                        WHERE v.moved_by <> excluded.moved_by;
                DELETE FROM %1$I.parchment_sync_saved_indexes WHERE organization_id = org;
            END LOOP;
            RETURN NULL;
        END
        $body$;

        -- TRUNCATE fires no row trigger: move every version and forget every
        -- saved index instead.
        CREATE FUNCTION %1$I.parchment_sync_entries_truncated() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            DELETE FROM %1$I.parchment_sync_saved_indexes;
            UPDATE %1$I.parchment_sync_entry_versions
                SET version = version + 1, moved_by = pg_current_xact_id();
            RETURN NULL;
        END
        $body$;
    $function$, current_schema());
END
$migration$;
-- +goose StatementEnd

CREATE TRIGGER parchment_sync_entries_written AFTER INSERT OR UPDATE OR DELETE ON parchment_sync_entries
    FOR EACH ROW EXECUTE FUNCTION parchment_sync_entries_written();

CREATE TRIGGER parchment_sync_entries_truncated AFTER TRUNCATE ON parchment_sync_entries
    FOR EACH STATEMENT EXECUTE FUNCTION parchment_sync_entries_truncated();

-- +goose Down
DROP TRIGGER parchment_sync_entries_truncated ON parchment_sync_entries;
DROP FUNCTION parchment_sync_entries_truncated();
DROP TRIGGER parchment_sync_entries_written ON parchment_sync_entries;
DROP FUNCTION parchment_sync_entries_written();
DROP TABLE parchment_sync_saved_indexes;
DROP TABLE parchment_sync_entry_versions;

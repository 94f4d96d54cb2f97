package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
)

// The engine keeps its index of an organisation's entries between runs
// (migration saved_indexes): the ledger stores it as bytes it does not
// read, beside the entries' version. Triggers delete the saved index and
// move the version on every write to the entries, so an index saved at
// the version read before its entries describes them for as long as that
// is the current version.

// entriesVersion is the organisation ($1)'s entries' version as a one-row
// table v: 0 before any write since the migration.
const entriesVersion = `(SELECT COALESCE(MAX(version), 0) AS version
	FROM parchment_sync_entry_versions WHERE organization_id = $1) v`

// SavedIndex calls read with the version of the organisation's entries and
// the index saved at that version, nil when none is. The index is the
// driver's own buffer, valid only until read returns: a million people's
// index is 19 MB, which a scan into a []byte would copy once more.
func (s *Store) SavedIndex(ctx context.Context, organizationID string, read func(version int64, index []byte) error) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	// One statement, so the version and the index are read together.
	rows, err := s.reader.query(ctx, `
		SELECT v.version, i.data
		FROM `+entriesVersion+`
		LEFT JOIN parchment_sync_saved_indexes i ON i.organization_id = $1 AND i.version = v.version`,
		organizationID)
	if err != nil {
		return fmt.Errorf("ledger: read the saved index: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return fmt.Errorf("ledger: read the saved index: %w", cmp.Or(rows.Err(), sql.ErrNoRows))
	}
	var (
		version int64
		index   sql.RawBytes
	)
	if err := rows.Scan(&version, &index); err != nil {
		return fmt.Errorf("ledger: read the saved index: %w", err)
	}
	return read(version, index)
}

// IndexSaved reports the version of the organisation's entries and
// whether an index is saved at it, without reading the index.
func (s *Store) IndexSaved(ctx context.Context, organizationID string) (version int64, saved bool, err error) {
	if organizationID == "" {
		return 0, false, errEmptyOrganization
	}
	err = s.reader.queryRow(ctx, `
		SELECT v.version, EXISTS (SELECT 1 FROM parchment_sync_saved_indexes i
			WHERE i.organization_id = $1 AND i.version = v.version)
		FROM `+entriesVersion,
		organizationID).Scan(&version, &saved)
	if err != nil {
		return 0, false, fmt.Errorf("ledger: read the entries' version: %w", err)
	}
	return version, saved, nil
}

// SaveIndex keeps index as the organisation's at version, which the caller
// read before reading the entries the index was made of: had anything
// written them since, their version has moved on and the index is never
// read. A read-only ledger keeps nothing.
func (s *Store) SaveIndex(ctx context.Context, organizationID string, version int64, index []byte) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	if s.readOnly {
		return nil
	}
	_, err := s.writer.exec(ctx, `
		INSERT INTO parchment_sync_saved_indexes (organization_id, version, data) VALUES ($1, $2, $3)
		ON CONFLICT (organization_id) DO UPDATE SET version = excluded.version, data = excluded.data`,
		organizationID, version, index)
	if err != nil {
		return fmt.Errorf("ledger: save the index: %w", err)
	}
	return nil
}

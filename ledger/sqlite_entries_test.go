package ledger

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Every run's first read walks the covering index, not the entries' rows:
// a schema change that loses it makes idle runs several times slower.
func TestSQLiteScanWalksTheSummaryIndex(t *testing.T) {
	t.Parallel()
	s, _ := openSQLiteTest(t)
	rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+sqliteSummaryQuery, "o")
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	require.Contains(t, strings.Join(plan, "\n"), "SEARCH e USING COVERING INDEX parchment_sync_entries_summary_idx")
}

// An entry written before digests were kept has none: the scan reads its
// fields, only its, and gives their digest.
func TestSQLiteScanDigestsEntriesWithoutOne(t *testing.T) {
	t.Parallel()
	s, _ := openSQLiteTest(t)
	const at = "2026-01-02T03:04:05.000000Z"
	_, err := s.write.ExecContext(t.Context(), `
		INSERT INTO parchment_sync_entries
			(organization_id, external_user_id, parchment_user_id, state, fields, digest, created_at, updated_at)
		VALUES ('o', 'old', 'P-old', 'synced', '{"given_name":"Al","email":"al@example.com"}', NULL, ?, ?),
			('o', 'new', 'P-new', 'synced', '{}', ?, ?, ?)`,
		at, at, psync.FieldsDigest(map[string]string{"title": "Dr"}), at, at)
	require.NoError(t, err)

	var got []psync.EntrySummary
	require.NoError(t, s.ScanEntries(t.Context(), "o", func(e psync.EntrySummary) error {
		got = append(got, e)
		return nil
	}))
	require.Equal(t, []psync.EntrySummary{
		// The kept digest is taken as it is, even where the fields say otherwise.
		{ExternalUserID: "new", State: psync.StateSynced, Digest: psync.FieldsDigest(map[string]string{"title": "Dr"})},
		{ExternalUserID: "old", State: psync.StateSynced, Digest: psync.FieldsDigest(map[string]string{"given_name": "Al", "email": "al@example.com"})},
	}, got)
}

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
// fields, only its, and gives their digest. Each entry comes as one text
// column; ids and digests that look like the column's own separators and
// lengths still come back as they were.
func TestSQLiteScanGivesEntriesAsWritten(t *testing.T) {
	t.Parallel()
	s, _ := openSQLiteTest(t)
	const at = "2026-01-02T03:04:05.000000Z"
	kept := psync.FieldsDigest(map[string]string{"title": "Dr"})
	_, err := s.write.ExecContext(t.Context(), `
		INSERT INTO parchment_sync_entries
			(organization_id, external_user_id, parchment_user_id, state, fields, digest, disabled_run_id, absent_runs, created_at, updated_at)
		VALUES ('o', 'old', 'P-old', 'synced', '{"given_name":"Al","email":"al@example.com"}', NULL, NULL, 0, $1, $1),
			('o', 'new', 'P-new', 'synced', '{}', $2, NULL, 0, $1, $1),
			('o', 'x1,2,3:', 'P-1', 'synced', '{}', 'f1:abc', NULL, 0, $1, $1),
			('o', '12:ab', 'P-2', 'synced', '{}', 'odd:digest,x', 7, 3, $1, $1),
			('o', 'ç,9', NULL, 'pending', '{}', 'f1:1', NULL, 0, $1, $1),
			('o', ':', 'P-4', 'synced', '{}', '7:', NULL, 0, $1, $1)`,
		at, kept)
	require.NoError(t, err)

	require.Equal(t, []psync.EntrySummary{
		{ExternalUserID: "12:ab", State: psync.StateSynced, Digest: "odd:digest,x", DisabledRunID: 7, AbsentRuns: 3},
		{ExternalUserID: ":", State: psync.StateSynced, Digest: "7:"},
		// The kept digest is taken as it is, even where the fields say otherwise.
		{ExternalUserID: "new", State: psync.StateSynced, Digest: kept},
		{ExternalUserID: "old", State: psync.StateSynced, Digest: psync.FieldsDigest(map[string]string{"given_name": "Al", "email": "al@example.com"})},
		{ExternalUserID: "x1,2,3:", State: psync.StateSynced, Digest: "f1:abc"},
		{ExternalUserID: "ç,9", State: psync.StatePending, Digest: "f1:1"},
	}, scanAll(t, s, "o"))
}

func TestParseSQLiteSummaryRejectsMalformedRows(t *testing.T) {
	t.Parallel()
	for _, row := range []string{"", "x", "xs", "3:abc", "5:ab", "-1:ab", "xs0,0,1,a", "xs0,0,2,a", "xs0,0,1,aq", "xs0,,1,ad1", "zz:ab"} {
		_, err := parseSQLiteSummary(row)
		require.Error(t, err, "%q", row)
	}
	e, err := parseSQLiteSummary("xs7,2,1,ad1")
	require.NoError(t, err)
	require.Equal(t, psync.EntrySummary{ExternalUserID: "a", State: psync.StateSynced, Digest: "1", DisabledRunID: 7, AbsentRuns: 2}, e)
}

// scanAll is every summary ScanEntries gives for the organisation.
func scanAll(t *testing.T, s *Store, organizationID string) []psync.EntrySummary {
	t.Helper()
	var got []psync.EntrySummary
	require.NoError(t, s.ScanEntries(t.Context(), organizationID, func(e psync.EntrySummary) error {
		got = append(got, e)
		return nil
	}))
	return got
}

package cli

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/dirtest"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestHistoryRefusesALedgerThatDoesNotExist(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	typo := filepath.Join(f.dir, "typo.db")
	for _, args := range [][]string{{"runs", "--ledger", "sqlite:" + typo}, {"show", "1", "--ledger", "sqlite:" + typo}} {
		res := f.run(args...)
		require.Equal(t, ExitUsage, res.code, res.stderr)
		require.Contains(t, res.stderr, "does not exist yet")
		require.Contains(t, res.stderr, "--ledger")
	}
	_, err := os.Stat(typo)
	require.ErrorIs(t, err, os.ErrNotExist, "nothing was created")
}

func TestPlanWritesNoLedger(t *testing.T) {
	t.Parallel()
	f, path := setupSQLite(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(3))

	res := f.run("plan", "--csv", csv, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.EqualValues(t, 3, decodeReport(t, res.stdout)["counts"].(map[string]any)["create"], "onboarding: every row a create")
	require.NotContains(t, decodeReport(t, res.stdout), "run_id", "a plan records no run")
	_, err := os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist, "plan created no ledger")

	res = f.run("apply", "--csv", csv, "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	res = f.run("plan", "--csv", csv)
	require.Equal(t, ExitOK, res.code, res.stderr)
	res = f.run("runs", "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	var runs struct{ Runs []struct{ Mode string } }
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &runs))
	require.Len(t, runs.Runs, 1, "only the apply is in the history")
	require.Equal(t, "apply", runs.Runs[0].Mode)
}

func TestPlanRunsAndShowReadAReadOnlyCopy(t *testing.T) {
	t.Parallel()
	f, path := setupSQLite(t, parchmenttest.Config{})
	people := rostertest.Staff(3)
	res := f.run("apply", "--csv", f.roster("roster.csv", people), "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	dirtest.ReadOnly(t, filepath.Dir(path))

	res = f.run("runs")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, f.org)
	res = f.run("show", "1")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "run 1: apply")
	people[0].Family = "Renamed"
	res = f.run("plan", "--csv", f.roster("edited.csv", people), "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.EqualValues(t, 1, decodeReport(t, res.stdout)["counts"].(map[string]any)["update"])
}

func TestPlanRefusesALedgerApplyHasYetToMigrate(t *testing.T) {
	t.Parallel()
	f, path := setupSQLite(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(2))
	res := f.run("apply", "--csv", csv, "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`DELETE FROM parchment_sync_schema_migrations WHERE version_id = 6`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	res = f.run("plan", "--csv", csv)
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "apply or ledger migrate will run 00006_saved_indexes.sql")
}

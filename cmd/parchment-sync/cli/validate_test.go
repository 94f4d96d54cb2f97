package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
)

// runValidate needs no ledger and no network: no fixture, no environment.
func runValidate(t *testing.T, args ...string) result {
	t.Helper()
	return (&fixture{t: t}).runWith(map[string]string{}, append([]string{"validate"}, args...)...)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestValidateSamples(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		csv, mapping        string
		code                int
		rows, invalid, line float64 // line of the one error, if any
		errorOn             string  // its field
	}{
		{"roster.csv", "", ExitOK, 12, 0, 0, ""},
		{"roster-edited.csv", "", ExitOK, 12, 0, 0, ""},
		// Leavers carry an end date and are read, not skipped.
		{"employment-hero.csv", "employment-hero.yaml", ExitOK, 6, 0, 0, ""},
		{"deputy.csv", "deputy.yaml", ExitFailures, 9, 1, 10, "hpii_number"}, // carries one bad HPI-I on purpose
	} {
		args := []string{"--csv", filepath.Join("..", "..", "..", "samples", tc.csv), "--output", "json"}
		if tc.mapping != "" {
			args = append(args, "--mapping", filepath.Join("..", "..", "..", "samples", tc.mapping))
		}
		res := runValidate(t, args...)
		require.Equal(t, tc.code, res.code, "%s: %s", tc.csv, res.stderr)
		report := decodeReport(t, res.stdout)
		for _, key := range []string{"rows", "valid", "invalid", "skipped", "errors", "warnings"} {
			require.Contains(t, report, key, tc.csv)
		}
		require.Equal(t, tc.rows, report["rows"], tc.csv)
		require.Equal(t, tc.invalid, report["invalid"], tc.csv)
		require.Equal(t, 0.0, report["skipped"], tc.csv)
		errs := report["errors"].([]any)
		if tc.errorOn == "" {
			require.Empty(t, errs, tc.csv)
			continue
		}
		require.Len(t, errs, 1, tc.csv)
		require.Equal(t, tc.errorOn, errs[0].(map[string]any)["field"], tc.csv)
		require.Equal(t, tc.line, errs[0].(map[string]any)["line"], tc.csv)
	}
}

func TestValidateEndDates(t *testing.T) {
	t.Parallel()
	people := rostertest.Staff(4)
	people[0].EndDate = "2024-06-30" // gone
	people[1].EndDate = "2099-01-31" // notice given
	people[3].EndDate = "31/12/2024" // not YYYY-MM-DD
	res := runValidate(t, "--csv", writeFile(t, "r.csv", rostertest.CSV(people)), "--output", "json")
	require.Equal(t, ExitFailures, res.code, res.stderr)
	report := decodeReport(t, res.stdout)
	require.Equal(t, 3.0, report["valid"])
	require.Equal(t, 1.0, report["invalid"])
	require.Equal(t, 0.0, report["skipped"])
	errs := report["errors"].([]any)
	require.Len(t, errs, 1)
	first := errs[0].(map[string]any)
	require.Equal(t, "end_date", first["field"])
	require.Equal(t, 5.0, first["line"])
	require.Equal(t, people[3].ID, first["external_user_id"])
	require.Contains(t, first["message"], "YYYY-MM-DD")
	require.Empty(t, report["warnings"])
}

func TestValidateReportsLineAndField(t *testing.T) {
	t.Parallel()
	people := rostertest.Staff(3)
	people[2].Email = "=SUM(A1:A9)"
	people[2].ID = "=cmd|calc"
	errorsCSV := filepath.Join(t.TempDir(), "errors.csv")
	res := runValidate(t, "--csv", writeFile(t, "r.csv", rostertest.CSV(people)), "--output", "json", "--errors-csv", errorsCSV)
	require.Equal(t, ExitFailures, res.code, res.stderr)

	report := decodeReport(t, res.stdout)
	require.Equal(t, 1.0, report["invalid"])
	first := report["errors"].([]any)[0].(map[string]any)
	require.Equal(t, 4.0, first["line"])
	require.Equal(t, "email", first["field"])

	written, err := os.ReadFile(errorsCSV)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(written), "severity,line,external_user_id,field,message\n"))
	require.Contains(t, string(written), "'=cmd|calc", "cells a spreadsheet would run are defused")
	require.NotContains(t, string(written), ",=cmd")
}

func TestValidateUnusableSourceExitsTwo(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"empty":              "",
		"missing columns":    "given_name,family_name\nA,B\n",
		"unterminated quote": rostertest.Header + "E1,\"Ann,Lee,a@b.example,,,,admin,,,,,,,,\n",
		"binary":             "\x00\x01\x02\xff\xfe",
	} {
		res := runValidate(t, "--csv", writeFile(t, "r.csv", content))
		require.Equal(t, ExitUsage, res.code, "%s: %s", name, res.stderr)
		require.Contains(t, res.stderr, "r.csv", "%s: the error names the file", name)
	}
	res := runValidate(t, "--csv", writeFile(t, "r.csv", rostertest.Header+"E1,\"Ann,Lee,a@b.example,,,,admin,,,,,,,,\n"))
	require.Contains(t, res.stderr, "line 2")
}

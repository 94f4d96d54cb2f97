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
		csv, mapping string
		code         int
	}{
		{"roster.csv", "", ExitOK},
		{"roster-edited.csv", "", ExitOK},
		{"employment-hero.csv", "employment-hero.yaml", ExitOK},
		{"deputy.csv", "deputy.yaml", ExitFailures}, // carries one bad HPI-I on purpose
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
	}
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

package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/redact"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/mapping"
)

// Every rostertest row has this phone; without its leading 0, as Excel
// leaves it, the row stays valid with one warning.
const (
	fullPhone = ",0412345678,"
	lostZero  = ",412345678,"
)

// warnedRoster is rostertest's roster of n rows, each with a warning.
func warnedRoster(n int) string {
	return strings.ReplaceAll(rostertest.CSV(rostertest.Staff(n)), fullPhone, lostZero)
}

// mixedRoster has errors, warnings, both on one line, duplicates, a
// skipped row and values JSON escapes.
func mixedRoster() string {
	people := rostertest.Staff(8)
	people[1].ID, people[1].Email = "<b>&x", "not-an-email"
	people[4].Email = people[3].Email
	people[5].EndDate = "31/12/2024"
	people[6].Roles = "skipme"
	csv := rostertest.CSV(people)
	// Warnings on the lines of two of those errors and on a clean one.
	for _, id := range []string{people[1].ID, people[5].ID, people[7].ID} {
		at := strings.Index(csv, "\n"+id+",") + 1
		end := at + strings.IndexByte(csv[at:], '\n')
		csv = csv[:at] + strings.Replace(csv[at:end], fullPhone, lostZero, 1) + csv[end:]
	}
	return csv
}

// The report as validate wrote it before it streamed: every problem held,
// then one json.Encoder (and, for text, one stable sort by line).
// Operators' scripts parse it, so the streamed reports must match it byte
// for byte. The problems are the ones validate finds; in what order they
// come back is TestValidateStreamsEveryWarningInOrder's to show.
type heldValidation struct {
	Rows     int                `json:"rows"`
	Valid    int                `json:"valid"`
	Invalid  int                `json:"invalid"`
	Skipped  int                `json:"skipped"`
	Errors   []fleet.RowProblem `json:"errors"`
	Warnings []fleet.RowProblem `json:"warnings"`
}

func heldReports(t *testing.T, csvPath, mappingPath string) (jsonOut, textOut string) {
	t.Helper()
	var m *mapping.Mapping
	if mappingPath != "" {
		var err error
		m, err = mapping.LoadMapping(mappingPath)
		require.NoError(t, err)
	}
	_ = m // the mapping must load, as validate loads it
	app := &fleet.App{Getenv: func(string) string { return "" }, Redactor: redact.New()}
	found, err := app.Validate(context.Background(), fleet.Source{CSV: csvPath, Mapping: mappingPath}, "", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer found.Close()
	v := heldValidation{Rows: found.Rows, Valid: found.Valid, Invalid: found.Invalid, Skipped: found.Skipped,
		Errors: []fleet.RowProblem{}, Warnings: []fleet.RowProblem{}}
	require.NoError(t, found.EachError(func(p fleet.RowProblem) error { v.Errors = append(v.Errors, p); return nil }))
	require.NoError(t, found.EachWarning(func(p fleet.RowProblem) error { v.Warnings = append(v.Warnings, p); return nil }))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(v))

	var lines []fleet.ProblemLine
	for _, p := range v.Errors {
		lines = append(lines, fleet.ProblemLine{Severity: "error", RowProblem: p})
	}
	for _, p := range v.Warnings {
		lines = append(lines, fleet.ProblemLine{Severity: "warning", RowProblem: p})
	}
	slices.SortStableFunc(lines, func(a, b fleet.ProblemLine) int { return cmp.Compare(a.Line, b.Line) })
	var text strings.Builder
	for _, p := range lines {
		fmt.Fprintf(&text, "line %d %s [%s] %s: %s\n", p.Line, p.ExternalUserID, p.Field, p.Severity, p.Message)
	}
	fmt.Fprintf(&text, "%d rows: %d valid, %d invalid, %d skipped; %d errors, %d warnings\n",
		v.Rows, v.Valid, v.Invalid, v.Skipped, len(v.Errors), len(v.Warnings))
	return b.String(), text.String()
}

func TestValidateStreamedReportsMatchHeldOnes(t *testing.T) {
	t.Parallel()
	samples := filepath.Join("..", "..", "..", "samples")
	skipRule := writeFile(t, "skip.yaml", "skip: {column: access_roles, equals: skipme}\n")
	for name, tc := range map[string]struct{ csv, mapping string }{
		"mixed":  {writeFile(t, "mixed.csv", mixedRoster()), skipRule},
		"deputy": {filepath.Join(samples, "deputy.csv"), filepath.Join(samples, "deputy.yaml")},
		"clean":  {filepath.Join(samples, "roster.csv"), ""},
		// Past fleet.ProblemsHeld, so most come back from the file.
		"spilled": {writeFile(t, "warned.csv", warnedRoster(fleet.ProblemsHeld*2+5)), ""},
	} {
		wantJSON, wantText := heldReports(t, tc.csv, tc.mapping)
		args := []string{"--csv", tc.csv}
		if tc.mapping != "" {
			args = append(args, "--mapping", tc.mapping)
		}
		got := runValidate(t, append(args, "--output", "json")...)
		require.Contains(t, []int{ExitOK, ExitFailures}, got.code, "%s: %s", name, got.stderr)
		require.Equal(t, wantJSON, got.stdout, name)
		got = runValidate(t, append(args, "--output", "text")...)
		require.Equal(t, wantText, got.stdout, name)
	}
}

func TestValidateMixedRosterFindsEachKind(t *testing.T) {
	t.Parallel()
	skipRule := writeFile(t, "skip.yaml", "skip: {column: access_roles, equals: skipme}\n")
	res := runValidate(t, "--csv", writeFile(t, "mixed.csv", mixedRoster()), "--mapping", skipRule, "--output", "json")
	require.Equal(t, ExitFailures, res.code, res.stderr)
	report := decodeReport(t, res.stdout)
	require.Equal(t, 1.0, report["skipped"])
	require.NotEmpty(t, report["errors"])
	require.Len(t, report["warnings"], 3)
	require.Contains(t, res.stdout, `\u003cb\u003e\u0026x`, "escaped as json.Encoder escapes")
}

// A million warnings must not be held; here enough to spill several times,
// every one present and in line order, in the JSON, the text and the CSV.
func TestValidateStreamsEveryWarningInOrder(t *testing.T) {
	t.Parallel()
	const n = 20_000
	errorsCSV := filepath.Join(t.TempDir(), "problems.csv")
	roster := writeFile(t, "warned.csv", warnedRoster(n))
	res := runValidate(t, "--csv", roster, "--output", "json", "--errors-csv", errorsCSV)
	require.Equal(t, ExitOK, res.code, res.stderr)
	var v heldValidation
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &v))
	require.Equal(t, n, v.Rows)
	require.Equal(t, n, v.Valid)
	require.Empty(t, v.Errors)
	require.Len(t, v.Warnings, n)
	people := rostertest.Staff(n)
	for i, w := range v.Warnings {
		require.Equal(t, fleet.RowProblem{Line: i + 2, ExternalUserID: people[i].ID, Field: mapping.FieldPhone, Message: w.Message}, w, "warning %d", i)
		require.Contains(t, w.Message, "leading 0")
	}

	written := readFile(t, errorsCSV)
	csvLines := strings.Split(strings.TrimSuffix(written, "\n"), "\n")
	require.Len(t, csvLines, n+1)
	for i, l := range csvLines[1:] {
		require.True(t, strings.HasPrefix(l, fmt.Sprintf("warning,%d,%s,phone,", i+2, people[i].ID)), "CSV line %d: %s", i+2, l)
	}

	text := runValidate(t, "--csv", roster)
	textLines := strings.Split(strings.TrimSuffix(text.stdout, "\n"), "\n")
	require.Len(t, textLines, n+1)
	for i, l := range textLines[:n] {
		require.True(t, strings.HasPrefix(l, fmt.Sprintf("line %d %s [phone] warning: ", i+2, people[i].ID)), l)
	}
	require.Equal(t, fmt.Sprintf("%d rows: %d valid, 0 invalid, 0 skipped; 0 errors, %d warnings", n, n, n), textLines[n])
}

// Scripts read stdout whatever the exit code: a roster that cannot be
// validated still gives one JSON object, with the error and empty lists.
func TestValidateJSONWhenUnusable(t *testing.T) {
	t.Parallel()
	missingColumn := writeFile(t, "m.yaml", "external_user_id: Payroll ID\ngiven_name: First\nfamily_name: Last\nemail: Email\n")
	roster := writeFile(t, "r.csv", rostertest.CSV(rostertest.Staff(3)))
	for name, tc := range map[string]struct {
		args []string
		says string
	}{
		"missing mapping column": {[]string{"--csv", roster, "--mapping", missingColumn}, "Payroll ID"},
		"no such file":           {[]string{"--csv", filepath.Join(t.TempDir(), "absent.csv")}, "absent.csv"},
		"a folder":               {[]string{"--csv", t.TempDir()}, ""},
		"unterminated quote":     {[]string{"--csv", writeFile(t, "q.csv", rostertest.Header+"E1,\"Ann,Lee,a@b.example,,,,admin,,,,,,,,\n")}, "line 2"},
		"no source":              {nil, "--csv"},
		"unwritable errors CSV":  {[]string{"--csv", roster, "--errors-csv", t.TempDir()}, "--errors-csv"},
	} {
		res := runValidate(t, append(tc.args, "--output", "json")...)
		require.Equal(t, ExitUsage, res.code, "%s: %s", name, res.stderr)
		report := decodeReport(t, res.stdout)
		require.NotEmpty(t, report["error"], name)
		require.Contains(t, report["error"], tc.says, name)
		require.Contains(t, res.stderr, tc.says, "%s: stderr says it too", name)
		require.Equal(t, 0.0, report["rows"], name)
		require.Equal(t, []any{}, report["errors"], name)
		require.Equal(t, []any{}, report["warnings"], name)
	}
}

func TestValidateJSONListsAreNeverNull(t *testing.T) {
	t.Parallel()
	res := runValidate(t, "--csv", writeFile(t, "r.csv", rostertest.CSV(rostertest.Staff(2))), "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "\"errors\": [],\n  \"warnings\": []\n}")
	require.NotContains(t, res.stdout, "error\":", "no error key when validate could read the roster")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

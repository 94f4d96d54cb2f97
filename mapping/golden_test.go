package mapping

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// updateGoldenEnv, set to 1, rewrites testdata/*/expected.json from the
// current output.
const updateGoldenEnv = "UPDATE_GOLDEN"

// golden is what a case's expected.json holds: either the source error or
// every row.
type golden struct {
	Error *SourceError `json:"error,omitempty"`
	Rows  []goldenRow  `json:"rows,omitempty"`
}

type goldenRow struct {
	Line     int               `json:"line"`
	Skipped  bool              `json:"skipped,omitempty"`
	Valid    bool              `json:"valid"`
	Record   map[string]string `json:"record"`
	Problems []goldenProblem   `json:"problems,omitempty"`
}

type goldenProblem struct {
	Field    string   `json:"field"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// TestGolden reads testdata/<case>/input.csv, with mapping.yaml when the case
// has one, and compares the outcome with expected.json.
func TestGolden(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "input.csv"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, input := range dirs {
		dir := filepath.Dir(input)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			got := runGolden(t, dir)
			want := filepath.Join(dir, "expected.json")
			if os.Getenv(updateGoldenEnv) == "1" {
				data, err := json.MarshalIndent(got, "", "  ")
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(want, append(data, '\n'), 0o644))
				return
			}
			data, err := os.ReadFile(want)
			require.NoError(t, err, "run UPDATE_GOLDEN=1 go test ./mapping -run TestGolden to create it")
			var exp golden
			require.NoError(t, json.Unmarshal(data, &exp))
			require.Equal(t, exp, got)
		})
	}
}

func runGolden(t *testing.T, dir string) golden {
	t.Helper()
	var m *Mapping
	if _, err := os.Stat(filepath.Join(dir, "mapping.yaml")); err == nil {
		var err error
		m, err = LoadMapping(filepath.Join(dir, "mapping.yaml"))
		require.NoError(t, err)
	}
	f, err := os.Open(filepath.Join(dir, "input.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := readCSV(f, m)
	var se *SourceError
	if errors.As(err, &se) {
		return golden{Error: se}
	}
	require.NoError(t, err)
	var out golden
	for _, r := range rows {
		for _, p := range r.Problems {
			require.Equal(t, r.Line, p.Line, "problems carry their row's line")
		}
		out.Rows = append(out.Rows, toGoldenRow(r))
	}
	return out
}

func readCSV(f *os.File, m *Mapping) ([]Row, error) {
	r, err := OpenCSV(f, "input.csv", m)
	if err != nil {
		return nil, err
	}
	return ReadAll(r)
}

func toGoldenRow(r Row) goldenRow {
	g := goldenRow{Line: r.Line, Skipped: r.Skipped, Valid: r.Valid(), Record: map[string]string{}}
	fields := r.Record.Fields()
	fields[FieldExternalUserID] = r.Record.ExternalUserID
	fields[FieldEndDate] = r.Record.EndDate
	for k, v := range fields {
		if v != "" {
			g.Record[k] = v
		}
	}
	for _, p := range r.Problems {
		g.Problems = append(g.Problems, goldenProblem{Field: p.Field, Severity: p.Severity, Message: p.Message})
	}
	return g
}

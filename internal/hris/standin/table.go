package standin

import (
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// RecordsCSV writes records as a CSV whose header is every key any of
// them has, sorted: a source's rows as a mapping reads them.
func RecordsCSV(records []map[string]string) string {
	keys := map[string]bool{}
	for _, r := range records {
		for k := range r {
			keys[k] = true
		}
	}
	header := slices.Sorted(maps.Keys(keys))
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	for _, r := range records {
		row := make([]string, len(header))
		for i, k := range header {
			row[i] = r[k]
		}
		_ = w.Write(row)
	}
	w.Flush()
	return b.String()
}

// Mapped reads records through a mapping file, as a sync would, and
// returns each row's record; a row with problems is an error.
func Mapped(records []map[string]string, mappingFile string) ([]mapping.Record, error) {
	m, err := mapping.LoadMapping(mappingFile)
	if err != nil {
		return nil, err
	}
	r, err := mapping.OpenCSV(strings.NewReader(RecordsCSV(records)), "api", m)
	if err != nil {
		return nil, err
	}
	rows, err := mapping.ReadAll(r)
	if err != nil {
		return nil, err
	}
	out := make([]mapping.Record, len(rows))
	for i, row := range rows {
		if !row.Valid() {
			return nil, fmt.Errorf("row %d: %v", row.Line, row.Problems)
		}
		out[i] = row.Record
	}
	return out, nil
}

// DiffFields lists the fields (canonical names) where got differs from
// want, for the fields an HR system holds as the roster does.
func DiffFields(want, got mapping.Record) []string {
	w, g := want.Fields(), got.Fields()
	w[mapping.FieldEndDate], g[mapping.FieldEndDate] = want.EndDate, got.EndDate
	var diff []string
	for _, f := range []string{
		mapping.FieldGivenName, mapping.FieldFamilyName, mapping.FieldEmail, mapping.FieldPhone, mapping.FieldDateOfBirth,
		mapping.FieldAHPRANumber, mapping.FieldPrescriberNumber, mapping.FieldProviderNumber, mapping.FieldHPIINumber,
		mapping.FieldQualifications, mapping.FieldEndDate,
	} {
		if w[f] != g[f] {
			diff = append(diff, fmt.Sprintf("%s: %q, want %q", f, g[f], w[f]))
		}
	}
	return diff
}

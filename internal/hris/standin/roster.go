package standin

import (
	"fmt"
	"io"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// Roster reads a canonical roster CSV (as samples/roster.csv), normalised
// as a sync would read it; an end_date column, when present, marks leavers.
func Roster(r io.Reader, name string) ([]mapping.Record, error) {
	rd, err := mapping.OpenCSV(r, name, nil)
	if err != nil {
		return nil, err
	}
	rows, err := mapping.ReadAll(rd)
	if err != nil {
		return nil, err
	}
	out := make([]mapping.Record, 0, len(rows))
	for _, row := range rows {
		if !row.Valid() {
			return nil, fmt.Errorf("%s line %d: %v", name, row.Line, row.Problems)
		}
		out = append(out, row.Record)
	}
	return out, nil
}

package standin

import (
	"fmt"
	"io"
	"slices"

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

var jobTitles = map[string]string{
	"provider": "General Practitioner", "admin": "Practice Manager",
	"receptionist": "Receptionist", "rx_reader": "Practice Nurse",
}

// JobTitle is the job title an HR system would hold for a canonical
// roster's access roles, the most senior role first.
func JobTitle(roles []string) string {
	for _, r := range []string{"provider", "admin", "rx_reader", "receptionist"} {
		if slices.Contains(roles, r) {
			return jobTitles[r]
		}
	}
	return ""
}

// OrNil is s, or nil (JSON null) for "".
func OrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Registration is what an HR system keeps in custom fields: AHPRA,
// prescriber, provider and HPI-I numbers and qualifications, in that order.
func Registration(rec mapping.Record) []string {
	return []string{rec.AHPRANumber, rec.PrescriberNumber, rec.ProviderNumber, rec.HPIINumber, rec.Qualifications}
}

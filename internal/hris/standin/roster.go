package standin

import (
	"cmp"
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
	"admin": "Practice Manager", "receptionist": "Receptionist", "rx_reader": "Practice Nurse",
}

// prescriberTitles are providers' job titles by prescriber type.
var prescriberTitles = map[string]string{"M": "General Practitioner", "U": "Nurse Practitioner", "T": "Podiatrist"}

// JobTitle is the job title an HR system would hold for a canonical
// roster's person: a provider's says what they prescribe as, anyone
// else's their most senior role.
func JobTitle(rec mapping.Record) string {
	if rec.IsProvider() {
		return cmp.Or(prescriberTitles[rec.PrescriberType], "Medical Practitioner")
	}
	for _, r := range []string{"admin", "rx_reader", "receptionist"} {
		if slices.Contains(rec.AccessRoles, r) {
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

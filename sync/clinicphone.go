package sync

import (
	"context"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// clinicPhoneRows fills the clinic's number into the phone of every
// provider's row that has none. Parchment's phone is the number it shows
// for a prescriber at this practice ("Clinic's Number" on create), not a
// personal mobile; other roles have no provider record to show it on, so
// their rows are left alone. The filled row is what the run compares,
// sends and fingerprints, as if the roster had carried the number.
type clinicPhoneRows struct {
	rows  Rows
	phone string
}

func withClinicPhone(rows Rows, phone string) Rows {
	if phone == "" {
		return rows
	}
	return clinicPhoneRows{rows: rows, phone: phone}
}

func (c clinicPhoneRows) Each(ctx context.Context, fn func(*mapping.Row) error) error {
	return c.rows.Each(ctx, func(r *mapping.Row) error {
		if r.Skipped || r.Record.Phone != "" || !r.Record.IsProvider() {
			return fn(r)
		}
		// A copy: the source's row (a caller's slice) stays as read.
		filled := *r
		filled.Record.Phone = c.phone
		return fn(&filled)
	})
}

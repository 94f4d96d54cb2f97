package sync

import (
	"context"
	"time"
)

// foreseeAdopt turns a planned create into an adopt when a refreshing plan
// finds the person in Parchment already, by external_user_id or a single
// email match: apply's create would be answered "already exists" and adopt
// that user. Without --refresh the plan reads nothing from Parchment, so a
// create stays a create; a failed look-up leaves it one too.
func (x *executor) foreseeAdopt(ctx context.Context, d decision) decision {
	if !x.cfg.Refresh || x.cfg.API == nil || d.action != ActionCreate || d.row == nil || d.entry != nil {
		return d
	}
	rec := d.row.Record
	got, err := x.dir.find(ctx, rec.ExternalUserID, rec.Email, time.Time{})
	if err != nil || !got.found {
		return d
	}
	d.action = ActionAdopt
	d.note = "Parchment already has this person (user " + got.user.UserID + "): apply adopts that user instead of creating one"
	return d
}

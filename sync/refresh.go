package sync

import (
	"context"
	"fmt"
	"net/http"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// refreshed is what reading one synced user live found.
type refreshed struct {
	drift   []string
	failure *Failure
}

// read gets one user live and records the attempts.
func (x *executor) read(ctx context.Context, e Entry) (refreshed, map[string]string) {
	u, err := x.api.GetUser(ctx, e.ParchmentUserID)
	if err != nil {
		c := Change{ExternalUserID: e.ExternalUserID, ParchmentUserID: e.ParchmentUserID}
		if pe, ok := parchment.AsError(err); ok && pe.Status == http.StatusNotFound {
			err = fmt.Errorf("Parchment user %s, mapped to this person, no longer exists (HTTP 404): it was deleted in Parchment; nothing is sent for them: %w", e.ParchmentUserID, err)
		}
		f := x.rec.failure(refusal{op: "get", c: c, err: err})
		return refreshed{failure: &f}, nil
	}
	x.rec.reads("get", e.ExternalUserID, u.Attempts)
	live := liveFields(u, e.Fields)
	drift := drifted(e.Fields, live)
	if len(drift) > 0 {
		x.cfg.Logger.Debug("drift: changed in Parchment by hand", "external_user_id", e.ExternalUserID,
			"parchment_user_id", e.ParchmentUserID, "fields", drift)
	}
	return refreshed{drift: drift}, live
}

package sync

import (
	"context"
	"fmt"
	"net/http"
	gosync "sync"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// refreshed is what reading one synced user live found.
type refreshed struct {
	drift   []string
	failure *Failure
}

// refresh reads every synced user that is on the roster or still active
// and replaces the ledger's values in entries with the live ones, so the
// march diffs the roster against what Parchment holds now. In an apply the
// live values are recorded with the person's next commit.
func (x *executor) refresh(ctx, calls context.Context, rows []mapping.Row, entries map[string]Entry) map[string]refreshed {
	onRoster := make(map[string]bool, len(rows))
	for _, r := range rows {
		onRoster[r.Record.ExternalUserID] = true
	}
	var todo []Entry
	for _, e := range entries {
		if e.State == StateSynced && (onRoster[e.ExternalUserID] || !e.Disabled()) {
			todo = append(todo, e)
		}
	}
	var mu gosync.Mutex
	out := make(map[string]refreshed, len(todo))
	each(x, ctx, todo, func(e Entry) {
		r, live := x.read(calls, e)
		mu.Lock()
		defer mu.Unlock()
		out[e.ExternalUserID] = r
		if live != nil {
			e.Fields = live
			entries[e.ExternalUserID] = e
		}
	})
	return out
}

// read gets one user live and records the attempts.
func (x *executor) read(ctx context.Context, e Entry) (refreshed, map[string]string) {
	u, err := x.cfg.API.GetUser(ctx, e.ParchmentUserID)
	if err != nil {
		c := Change{ExternalUserID: e.ExternalUserID, ParchmentUserID: e.ParchmentUserID}
		if pe, ok := parchment.AsError(err); ok && pe.Status == http.StatusNotFound {
			err = fmt.Errorf("Parchment user %s, mapped to this person, no longer exists (HTTP 404): it was deleted in Parchment; nothing is sent for them: %w", e.ParchmentUserID, err)
		}
		f := x.refused("get", c, err, Commit{})
		return refreshed{failure: &f}, nil
	}
	x.recordReads("get", e.ExternalUserID, u.Attempts)
	live := liveFields(u, e.Fields)
	drift := drifted(e.Fields, live)
	if len(drift) > 0 {
		x.cfg.Logger.Info("drift: changed in Parchment by hand", "external_user_id", e.ExternalUserID,
			"parchment_user_id", e.ParchmentUserID, "fields", drift)
	}
	return refreshed{drift: drift}, live
}

package sync

import (
	"context"
	"strings"
	gosync "sync"
	"time"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// directory is a run's cached listing of the organisation's users, used to
// find a person Parchment says exists when its answer carried no id. The
// API has no filter, so one listing serves every lookup that it is fresh
// enough for.
type directory struct {
	api API

	mu        gosync.Mutex
	users     []parchment.ListedUser
	fetchedAt time.Time
}

// find looks a person up by external_user_id, else by email
// (case-insensitive). A listing taken before since may predate the user, so
// a miss in it is retried once on a fresh listing; concurrent callers share
// that listing.
func (d *directory) find(ctx context.Context, externalID, email string, since time.Time) (u parchment.ListedUser, byExternalID, found bool, attempts []parchment.Attempt, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.fetchedAt.IsZero() {
		if u, byExternalID, found = match(d.users, externalID, email); found || !d.fetchedAt.Before(since) {
			return u, byExternalID, found, nil, nil
		}
	}
	fetchedAt := time.Now()
	list, err := d.api.ListUsers(ctx)
	if err != nil {
		if pe, ok := parchment.AsError(err); ok {
			attempts = pe.Attempts
		}
		return u, false, false, attempts, err
	}
	d.users, d.fetchedAt = list.Users, fetchedAt
	u, byExternalID, found = match(list.Users, externalID, email)
	return u, byExternalID, found, list.Attempts, nil
}

func match(users []parchment.ListedUser, externalID, email string) (parchment.ListedUser, bool, bool) {
	for _, u := range users {
		if u.ExternalUserID != "" && u.ExternalUserID == externalID {
			return u, true, true
		}
	}
	if email == "" {
		return parchment.ListedUser{}, false, false
	}
	for _, u := range users {
		// A user listed under another external id belongs to someone else's
		// record, whatever its email: linking it is a person's decision.
		if strings.EqualFold(strings.TrimSpace(u.Email), email) && (u.ExternalUserID == "" || u.ExternalUserID == externalID) {
			return u, false, true
		}
	}
	return parchment.ListedUser{}, false, false
}

package sync

import (
	"context"
	"fmt"
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
	// recordReads keeps the attempts of users read to learn their email.
	recordReads func(op, externalID string, as []parchment.Attempt)

	mu        gosync.Mutex
	users     []parchment.ListedUser
	fetchedAt time.Time
}

// find looks a person up by external_user_id, else by a single
// case-insensitive email match. A listing taken before since may predate
// the user, so a miss in it is retried once on a fresh listing; concurrent
// callers share that listing. Two users with the email is an error: which
// one is this person is a person's call.
func (d *directory) find(ctx context.Context, externalID, email string, since time.Time) (u parchment.ListedUser, byExternalID, found bool, attempts []parchment.Attempt, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.fetchedAt.IsZero() {
		if u, byExternalID, found, err = d.match(ctx, externalID, email); found || err != nil || !d.fetchedAt.Before(since) {
			return u, byExternalID, found, nil, err
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
	u, byExternalID, found, err = d.match(ctx, externalID, email)
	return u, byExternalID, found, list.Attempts, err
}

// match needs d.mu held. Listings of some API versions carry no email; the
// users that could be this person are then read one by one, once a run.
func (d *directory) match(ctx context.Context, externalID, email string) (parchment.ListedUser, bool, bool, error) {
	for _, u := range d.users {
		if u.ExternalUserID != "" && u.ExternalUserID == externalID {
			return u, true, true, nil
		}
	}
	if email == "" {
		return parchment.ListedUser{}, false, false, nil
	}
	var hits []parchment.ListedUser
	for i := range d.users {
		u := &d.users[i]
		// A user listed under another external id belongs to someone else's
		// record, whatever its email: linking it is a person's decision.
		if u.ExternalUserID != "" && u.ExternalUserID != externalID {
			continue
		}
		if u.Email == "" {
			got, err := d.api.GetUser(ctx, u.UserID)
			if err != nil {
				return parchment.ListedUser{}, false, false, fmt.Errorf("read Parchment user %s to learn its email: %w", u.UserID, err)
			}
			d.recordReads("get", externalID, got.Attempts)
			u.Email, u.ExternalUserID = got.Email, got.ExternalUserID
			if u.ExternalUserID != "" && u.ExternalUserID != externalID {
				continue
			}
		}
		if strings.EqualFold(strings.TrimSpace(u.Email), email) {
			hits = append(hits, *u)
		}
	}
	switch len(hits) {
	case 0:
		return parchment.ListedUser{}, false, false, nil
	case 1:
		return hits[0], false, true, nil
	}
	return parchment.ListedUser{}, false, false, fmt.Errorf("%d Parchment users (%s, %s, …) share this email: a person must say which one is this person", len(hits), hits[0].UserID, hits[1].UserID)
}

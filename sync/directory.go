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
// enough for, and look-ups that need a new one share it: they run with the
// run's concurrency, never one at a time behind a lock held over the call.
type directory struct {
	api API
	// recordReads keeps the attempts of users read to learn their email.
	recordReads func(op, externalID string, as []parchment.Attempt)

	mu      gosync.Mutex
	current *listing // the newest complete listing
	flight  *listing // a listing under way
}

// listing is one listing of the organisation's users.
type listing struct {
	started time.Time
	done    chan struct{}
	users   []parchment.ListedUser
	err     error

	// learnt guards users' emails read one by one, for listings of API
	// versions that carry none.
	learnt gosync.Mutex
}

// find looks a person up by external_user_id, else by a single
// case-insensitive email match. A listing begun before since may predate
// the user, so a miss in it is retried once on a newer listing. Two users
// with the email is an error: which one is this person is a person's call.
// attempts are the listing's when this call made it.
func (d *directory) find(ctx context.Context, externalID, email string, since time.Time) (u parchment.ListedUser, byExternalID, found bool, attempts []parchment.Attempt, err error) {
	d.mu.Lock()
	cur := d.current
	d.mu.Unlock()
	if cur != nil {
		if u, byExternalID, found, err = d.match(ctx, cur, externalID, email); found || err != nil || !cur.started.Before(since) {
			return u, byExternalID, found, nil, err
		}
	}
	l, attempts, err := d.list(ctx, since)
	if err != nil {
		return u, false, false, attempts, err
	}
	u, byExternalID, found, err = d.match(ctx, l, externalID, email)
	return u, byExternalID, found, attempts, err
}

// list returns a listing begun no earlier than since: one under way, or a
// new one this call makes (and then returns the attempts of).
func (d *directory) list(ctx context.Context, since time.Time) (*listing, []parchment.Attempt, error) {
	d.mu.Lock()
	if f := d.flight; f != nil && !f.started.Before(since) {
		d.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		if f.err != nil {
			// The look-up that made the listing records its attempts.
			return nil, nil, fmt.Errorf("list users (a listing shared with other look-ups failed): %s", f.err)
		}
		return f, nil, nil
	}
	f := &listing{started: time.Now(), done: make(chan struct{})}
	d.flight = f
	d.mu.Unlock()

	list, err := d.api.ListUsers(ctx)
	var attempts []parchment.Attempt
	if err != nil {
		if pe, ok := parchment.AsError(err); ok {
			attempts = pe.Attempts
		}
		f.err = err
	} else {
		f.users, attempts = list.Users, list.Attempts
	}
	d.mu.Lock()
	if d.flight == f {
		d.flight = nil
	}
	if err == nil && (d.current == nil || d.current.started.Before(f.started)) {
		d.current = f
	}
	d.mu.Unlock()
	close(f.done)
	return f, attempts, err
}

// match finds the person in l. Listings of some API versions carry no
// email; the users that could be this person are then read one by one,
// once a listing.
func (d *directory) match(ctx context.Context, l *listing, externalID, email string) (parchment.ListedUser, bool, bool, error) {
	// learnt guards every read too: another match may be filling in a
	// user's email and external id.
	l.learnt.Lock()
	defer l.learnt.Unlock()
	for _, u := range l.users {
		if u.ExternalUserID != "" && u.ExternalUserID == externalID {
			return u, true, true, nil
		}
	}
	if email == "" {
		return parchment.ListedUser{}, false, false, nil
	}
	var hits []parchment.ListedUser
	for i := range l.users {
		u := &l.users[i]
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

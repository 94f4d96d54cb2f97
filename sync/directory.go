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

	// mu guards which listings the directory holds, not their contents.
	mu      gosync.Mutex
	current *listing // the newest complete listing
	flight  *listing // a listing under way
}

// listing is one listing of the organisation's users. Its users are
// written only while it is made and while learnt is held; every reader
// first passes through learn.
type listing struct {
	started time.Time
	done    chan struct{}
	users   []parchment.ListedUser
	err     error

	// learnt guards the emails of users read one by one, for listings of
	// API versions that carry none; learned says it was done.
	learnt  gosync.Mutex
	learned bool
}

// lookup is what a find learnt: the person's user, when found, and the
// attempts of the listing when this find made it.
type lookup struct {
	user  parchment.ListedUser
	found bool
	// byExternalID marks a user found by external_user_id, not by email.
	byExternalID bool
	attempts     []parchment.Attempt
}

// find looks a person up by external_user_id, else by a single
// case-insensitive email match. A listing begun before since may predate
// the user, so a miss in it is retried once on a newer listing. Two users
// with the email is an error: which one is this person is a person's call.
func (d *directory) find(ctx context.Context, externalID, email string, since time.Time) (lookup, error) {
	d.mu.Lock()
	cur := d.current
	d.mu.Unlock()
	if cur != nil {
		if got, err := d.match(ctx, cur, externalID, email); got.found || err != nil || !cur.started.Before(since) {
			return got, err
		}
	}
	l, attempts, err := d.list(ctx, since)
	if err != nil {
		return lookup{attempts: attempts}, err
	}
	got, err := d.match(ctx, l, externalID, email)
	got.attempts = attempts
	return got, err
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

// learn reads, once a listing, the users whose listing carries neither
// an email nor an external id (some API versions list ids only), so that
// every look-up can then match by email without a call. Until it has
// succeeded, each look-up that needs it tries again.
func (d *directory) learn(ctx context.Context, l *listing, externalID string) error {
	l.learnt.Lock()
	defer l.learnt.Unlock()
	if l.learned {
		return nil
	}
	for i := range l.users {
		u := &l.users[i]
		if u.Email != "" || u.ExternalUserID != "" {
			continue
		}
		got, err := d.api.GetUser(ctx, u.UserID)
		if err != nil {
			return fmt.Errorf("read Parchment user %s to learn its email: %w", u.UserID, err)
		}
		d.recordReads("get", externalID, got.Attempts)
		u.Email, u.ExternalUserID = got.Email, got.ExternalUserID
	}
	l.learned = true
	return nil
}

// match finds the person in l: by external id, else by a single
// case-insensitive email match among users listed under no other
// external id.
func (d *directory) match(ctx context.Context, l *listing, externalID, email string) (lookup, error) {
	if err := d.learn(ctx, l, externalID); err != nil {
		return lookup{}, err
	}
	for _, u := range l.users {
		if u.ExternalUserID != "" && u.ExternalUserID == externalID {
			return lookup{user: u, found: true, byExternalID: true}, nil
		}
	}
	if email == "" {
		return lookup{}, nil
	}
	var hits []parchment.ListedUser
	for _, u := range l.users {
		// A user listed under another external id belongs to someone else's
		// record, whatever its email: linking it is a person's decision.
		if u.ExternalUserID != "" && u.ExternalUserID != externalID {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(u.Email), email) {
			hits = append(hits, u)
		}
	}
	switch len(hits) {
	case 0:
		return lookup{}, nil
	case 1:
		return lookup{user: hits[0], found: true}, nil
	}
	return lookup{}, fmt.Errorf("%d Parchment users (%s, %s, …) share this email: a person must say which one is this person", len(hits), hits[0].UserID, hits[1].UserID)
}

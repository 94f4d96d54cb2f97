package sync

import (
	"cmp"
	"context"
	"net/http"
	"time"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// recoverPending looks up the person a pending create is for, with a
// listing taken after since. It returns true when the row is settled: the
// person found and mapped as that create, or the look-up failed (the
// intent is kept for the next run). False means nobody was found, so the
// create is sent.
func (a creation) recoverPending(ctx context.Context, since time.Time) bool {
	rec := a.row.Record
	got, err := a.x.dir.find(ctx, rec.ExternalUserID, rec.Email, since)
	if err != nil {
		a.x.rec.failed(refusal{op: "list", c: a.c, err: err})
		return true
	}
	attempts := a.x.rec.attempts("list", rec.ExternalUserID, got.attempts)
	if !got.found {
		if len(attempts) > 0 {
			_ = a.x.rec.commit(Commit{Attempts: attempts})
		}
		return false
	}
	a.adopt(ctx, adoption{userID: got.user.UserID, attempts: attempts, ours: true, action: ActionCreate,
		note: "an earlier create whose answer was lost had landed; found by look-up, not sent again"})
	return true
}

// existing is an answer of Parchment's that says the person exists.
type existing struct {
	answer *parchment.Error
	// ours marks a create of ours that may have made the user.
	ours bool
	// since: only a listing begun after it is sure to show the user.
	since time.Time
}

// recoverExisting maps a person Parchment says already exists: the user
// the answer names, else the one a listing finds.
func (a creation) recoverExisting(ctx context.Context, ex existing) {
	rec := a.row.Record
	pe := ex.answer
	attempts := a.x.rec.attempts("create", rec.ExternalUserID, pe.Attempts)
	var (
		got lookup
		err error
	)
	if pe.UserID != "" {
		// The answer named the user: no listing needed. A 409 that is not
		// about the email is about the partner id.
		got = lookup{user: parchment.ListedUser{UserID: pe.UserID, Email: rec.Email}, found: true,
			byExternalID: pe.Status == http.StatusConflict && pe.Code != parchment.CodeUserAlreadyExists}
	} else {
		got, err = a.x.dir.find(ctx, rec.ExternalUserID, rec.Email, ex.since)
	}
	forget := ""
	if !ex.ours {
		// The create was refused outright, so no intent is left to resolve.
		forget = rec.ExternalUserID
	}
	if err != nil {
		// The recorder adds the failed listing's own attempts.
		a.x.rec.failed(refusal{op: "list", c: a.c, err: err, keep: Commit{Attempts: attempts, Forget: forget}})
		return
	}
	attempts = append(attempts, a.x.rec.attempts("list", rec.ExternalUserID, got.attempts)...)
	if !got.found {
		a.x.rec.failed(refusal{op: "create", c: a.c, keep: Commit{Attempts: attempts, Forget: forget},
			err: linkError{"Parchment says this person exists, but no user is listed with this external_user_id, nor with this email and no other partner's external_user_id", withoutAttempts(pe)}})
		return
	}
	a.c.RequestID = pe.RequestID
	ad := adoption{userID: got.user.UserID, attempts: attempts, answer: withoutAttempts(pe), ours: ex.ours,
		action: ActionAdopt, note: "Parchment already had a user with this email: adopted"}
	switch {
	case ex.ours && (got.byExternalID || pe.Code != parchment.CodeUserAlreadyExists):
		// Our own earlier create landed; read back like any other, so a
		// user that only carries our id is not taken on trust.
		ad.action, ad.note = ActionCreate, cmp.Or(a.c.Note, "recovered a create whose answer was lost")
	case got.byExternalID:
		ad.note = "Parchment already had a user with this external_user_id: adopted"
	}
	a.adopt(ctx, ad)
}

// linkError is a user Parchment has that is not clearly this person. It
// wraps the create's answer, so the failure carries its status and
// requestId.
type linkError struct {
	msg    string
	answer *parchment.Error
}

func (e linkError) Error() string { return e.msg + ": a person must link them in Parchment" }
func (e linkError) Unwrap() error {
	if e.answer == nil {
		// Found by look-up: no answer of Parchment's to wrap.
		return nil
	}
	return e.answer
}

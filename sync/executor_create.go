package sync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// create sends a create whose intent is committed first, so a run killed
// mid-call leaves a pending entry the next run resolves instead of creating
// the person again. pending is the entry a dead run left, or nil. A create
// whose answer was lost is never sent again before a look-up has not found
// the person, in this run or the next.
func (x *executor) create(ctx context.Context, row *mapping.Row, pending *Entry, c Change) {
	rec := row.Record
	resolving := pending != nil
	if !resolving {
		intent := Entry{
			ExternalUserID: rec.ExternalUserID, State: StatePending, Email: rec.Email,
			Fields: rec.Fields(), UpdatedAt: time.Now().UTC(),
		}
		if err := x.commit(Commit{Entry: &intent}); err != nil {
			x.fail("create", c, fmt.Errorf("record create intent: %w", err), Commit{})
			return
		}
		pending = &intent
	} else {
		c.Note = "resolved a create an interrupted run left pending"
		if x.recoverPending(ctx, row, pending.UpdatedAt, c) {
			return
		}
	}
	for sent := 1; ; sent++ {
		res, err := x.api.CreateUser(ctx, createRequest(rec))
		// Only a listing begun after the answer arrived is sure to show a
		// user the answer says exists: our own earlier attempt may have
		// made it while a listing taken during the call was being served.
		since := time.Now()
		if err == nil {
			x.created(ctx, row, pending, res, c)
			return
		}
		var pe *parchment.Error
		if errors.As(err, &pe) && pe.Status >= 200 && pe.Status < 300 {
			// Parchment acted, but its answer carried no usable id: find the
			// user by listing, as for a 201/202 without an id.
			x.recoverExisting(ctx, row, pending, true, pe, since, c)
			return
		}
		if errors.As(err, &pe) && (pe.Status == http.StatusConflict || pe.Code == parchment.CodeUserAlreadyExists) {
			// Our own earlier create, if one may have landed; otherwise a
			// user made elsewhere, adopted once found and checked.
			x.recoverExisting(ctx, row, pending, resolving || pe.MayHaveApplied(), pe, since, c)
			return
		}
		if sent == 1 && ctx.Err() == nil && answerLost(err) {
			// Parchment may have made the person: look them up first, and
			// send once more only if nobody is found.
			x.record("create", c, err, Commit{})
			resolving = true
			if x.recoverPending(ctx, row, since, c) {
				return
			}
			continue
		}
		keep := Commit{}
		if !resolving && !mayHaveApplied(err) {
			// Nothing reached Parchment: drop the intent so the next run starts clean.
			keep.Forget = rec.ExternalUserID
		}
		x.fail("create", c, err, keep)
		return
	}
}

// answerLost reports a create that may have reached Parchment although
// no answer says so: no answer, a 5xx or an unreadable one. A call held
// back or cut off by a stopping run is not one: the next run resolves it.
func answerLost(err error) bool {
	if errors.Is(err, parchment.ErrNotSent) || errors.Is(err, parchment.ErrStopped) || errors.Is(err, context.Canceled) || parchment.IsDenied(err) {
		return false
	}
	return mayHaveApplied(err)
}

func mayHaveApplied(err error) bool {
	var refused deniedError
	if errors.As(err, &refused) && refused.cause == nil {
		// Held back by the scope gate: never sent.
		return false
	}
	var pe *parchment.Error
	if errors.As(err, &pe) {
		return pe.MayHaveApplied()
	}
	// Anything else (a cancelled context, an unexpected transport error)
	// may have reached Parchment.
	return true
}

// created records a create Parchment answered with a user id.
func (x *executor) created(ctx context.Context, row *mapping.Row, pending *Entry, res *parchment.CreateResult, c Change) {
	rec := row.Record
	attempts := x.attempts("create", rec.ExternalUserID, res.Attempts)
	c.RequestID = res.RequestID
	if res.UserID == "" {
		// A success without an id cannot be mapped; find it by listing.
		x.recoverExisting(ctx, row, pending, true, answerOf(res), time.Now(), c)
		return
	}
	switch {
	case res.Status == http.StatusAccepted:
		x.adopt(ctx, row, adoption{userID: res.UserID, attempts: attempts, answer: withoutAttempts(answerOf(res)), action: ActionAdopt,
			note: "Parchment matched an existing user with conflicting demographics: adopted, review it in Parchment"}, c)
		return
	case res.Code == parchment.CodeUserAlreadyExists:
		x.adopt(ctx, row, adoption{userID: res.UserID, attempts: attempts, answer: withoutAttempts(answerOf(res)), action: ActionAdopt,
			note: "Parchment already had a user with this email: adopted"}, c)
		return
	case res.ProviderFailed():
		// The user exists, the provider part did not happen: none of its
		// fields is recorded as synced, and the update that follows sends
		// them at once. Should it fail, the row fails, and the next run
		// sends them again.
		c.Note = fmt.Sprintf("Parchment created the user but not the provider part (%s: %s); the provider fields were sent by update",
			res.Code, cmp.Or(res.Warning, "no warning given"))
		x.cfg.Logger.Warn("Parchment created the user but not the provider part", "external_user_id", rec.ExternalUserID,
			"line", row.Line, "code", res.Code, "warning", res.Warning, "request_id", res.RequestID)
		x.mapTo(ctx, row, res.UserID, withoutProviderFields(rec.Fields()), attempts, c, ActionCreate, followUpRequired)
		return
	}
	x.mapTo(ctx, row, res.UserID, rec.Fields(), attempts, c, ActionCreate, followUpNone)
}

// recoverPending looks up the person a pending create is for, with a
// listing taken after since. It returns
// true when the row is settled: the person found and mapped as that
// create, or the look-up failed (the intent is kept for the next run).
// False means nobody was found, so the create is sent.
func (x *executor) recoverPending(ctx context.Context, row *mapping.Row, since time.Time, c Change) bool {
	rec := row.Record
	u, _, found, listAttempts, err := x.dir.find(ctx, rec.ExternalUserID, rec.Email, since)
	if err != nil {
		x.fail("list", c, err, Commit{})
		return true
	}
	attempts := x.attempts("list", rec.ExternalUserID, listAttempts)
	if !found {
		if len(attempts) > 0 {
			_ = x.commit(Commit{Attempts: attempts})
		}
		return false
	}
	x.adopt(ctx, row, adoption{userID: u.UserID, attempts: attempts, ours: true, action: ActionCreate,
		note: "an earlier create whose answer was lost had landed; found by look-up, not sent again"}, c)
	return true
}

// recoverExisting maps a person Parchment says already exists, found by
// listing the organisation's users.
func (x *executor) recoverExisting(ctx context.Context, row *mapping.Row, pending *Entry, ours bool, pe *parchment.Error, since time.Time, c Change) {
	rec := row.Record
	attempts := x.attempts("create", rec.ExternalUserID, pe.Attempts)
	var (
		u            parchment.ListedUser
		byExternalID bool
		found        bool
		listAttempts []parchment.Attempt
		err          error
	)
	if pe.UserID != "" {
		// The answer named the user: no listing needed.
		u, found = parchment.ListedUser{UserID: pe.UserID, Email: rec.Email}, true
		// A 409 that is not about the email is about the partner id.
		byExternalID = pe.Status == http.StatusConflict && pe.Code != parchment.CodeUserAlreadyExists
	} else {
		u, byExternalID, found, listAttempts, err = x.dir.find(ctx, rec.ExternalUserID, rec.Email, since)
	}
	if err != nil {
		// fail adds the failed listing's own attempts.
		keep := Commit{Attempts: attempts}
		if !ours {
			// The create was refused outright, so no intent is left to resolve.
			keep.Forget = rec.ExternalUserID
		}
		x.fail("list", c, err, keep)
		return
	}
	attempts = append(attempts, x.attempts("list", rec.ExternalUserID, listAttempts)...)
	if !found {
		keep := Commit{Attempts: attempts}
		if !ours {
			keep.Forget = rec.ExternalUserID
		}
		x.fail("create", c, linkError{"Parchment says this person exists, but no user is listed with this external_user_id, nor with this email and no other partner's external_user_id", withoutAttempts(pe)}, keep)
		return
	}
	c.RequestID = pe.RequestID
	a := adoption{userID: u.UserID, attempts: attempts, answer: withoutAttempts(pe), ours: ours,
		action: ActionAdopt, note: "Parchment already had a user with this email: adopted"}
	switch {
	case ours && (byExternalID || pe.Code != parchment.CodeUserAlreadyExists):
		// Our own earlier create landed; read back like any other, so a
		// user that only carries our id is not taken on trust.
		a.action, a.note = ActionCreate, cmp.Or(c.Note, "recovered a create whose answer was lost")
	case byExternalID:
		a.note = "Parchment already had a user with this external_user_id: adopted"
	}
	x.adopt(ctx, row, a, c)
}

// withoutAttempts copies an answer for wrapping into a failure whose
// attempts are recorded already.
func withoutAttempts(pe *parchment.Error) *parchment.Error {
	cp := *pe
	cp.Attempts = nil
	return &cp
}

// answerOf is a create's answer in the form recoverExisting and adopt take.
func answerOf(res *parchment.CreateResult) *parchment.Error {
	return &parchment.Error{Op: "create user", Status: res.Status, Code: res.Code, RequestID: res.RequestID, Attempts: res.Attempts}
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

// adoption is a user Parchment already has that may be this person.
type adoption struct {
	userID   string
	attempts []Attempt
	// answer is the create's answer that said the person exists.
	answer *parchment.Error
	// ours marks a create of ours that may have landed: its intent is kept
	// when the user cannot be read, so the next run resolves it.
	ours   bool
	action Action // ActionAdopt, or ActionCreate for our own recovered create
	note   string
}

// adopt maps a user that existed in Parchment before this ledger knew of
// it. The user is read first: its live values become the ledger's
// last-synced state, so the follow-up sends exactly what differs from the
// roster. A user that proves to be someone else's is a failure for a
// person, never a guess.
func (x *executor) adopt(ctx context.Context, row *mapping.Row, a adoption, c Change) {
	rec := row.Record
	keep := Commit{Attempts: a.attempts}
	if !a.ours {
		// The create was answered "exists": no intent of ours is left.
		keep.Forget = rec.ExternalUserID
	}
	u, err := x.api.GetUser(ctx, a.userID)
	if err != nil {
		x.fail("get", c, err, keep)
		return
	}
	keep.Attempts = append(keep.Attempts, x.attempts("get", rec.ExternalUserID, u.Attempts)...)
	// Either way the user is not ours to take: nothing was created.
	keep.Forget = rec.ExternalUserID
	switch {
	case u.ExternalUserID != "" && u.ExternalUserID != rec.ExternalUserID:
		x.fail("create", c, linkError{fmt.Sprintf("Parchment answered that this person exists as user %s, which carries another external_user_id", a.userID), a.answer}, keep)
		return
	case u.Email != "" && !strings.EqualFold(strings.TrimSpace(u.Email), rec.Email):
		x.fail("create", c, linkError{fmt.Sprintf("Parchment user %s carries this external_user_id but another email", a.userID), a.answer}, keep)
		return
	}
	if a.ours && a.action == ActionAdopt && u.ExternalUserID == rec.ExternalUserID {
		// The user carries our partner id and our create was under way:
		// it is that create, recovered.
		a.action, a.note = ActionCreate, "recovered a create whose answer was lost"
	}
	c.Note = a.note
	follow := followUpSend
	if u.ProviderDetails == nil && slices.Contains(u.AccessRoles, mapping.RoleProvider) {
		// The provider part is missing in Parchment: it must be sent.
		follow = followUpRequired
	}
	x.mapTo(ctx, row, a.userID, liveFields(u, rec.Fields()), keep.Attempts, c, a.action, follow)
}

// followUp says what mapTo sends after recording a mapping.
type followUp int

const (
	// followUpNone sends nothing: Parchment holds what was recorded.
	followUpNone followUp = iota
	// followUpSend sends whatever the roster holds beyond the values
	// recorded, so a person whose lost create carried older values, or an
	// adopted user, converges in the same run.
	followUpSend
	// followUpRequired is followUpSend for values Parchment must still be
	// given (a create whose provider part did not happen): a follow-up
	// that cannot be sent fails the row.
	followUpRequired
)

// mapTo commits the mapping and counts the row as action, after the
// follow-up steps, if any, were accepted.
func (x *executor) mapTo(ctx context.Context, row *mapping.Row, userID string, fields map[string]string, attempts []Attempt, c Change, action Action, follow followUp) {
	rec := row.Record
	e := Entry{
		ExternalUserID: rec.ExternalUserID, ParchmentUserID: userID, State: StateSynced,
		Email: rec.Email, Fields: fields, UpdatedAt: time.Now().UTC(),
	}
	if err := x.commit(Commit{Entry: &e, Attempts: attempts}); err != nil {
		if errors.Is(err, ErrParchmentUserTaken) {
			// Keep the requestIds even though the mapping was refused.
			_ = x.commit(Commit{Attempts: attempts})
		}
		if !errors.Is(err, ErrParchmentUserTaken) {
			x.t.unrecorded()
		}
		x.fail("create", c, fmt.Errorf("Parchment holds this person as user %s, but the ledger could not record it (the next run finds them by look-up): %w", userID, err), Commit{})
		return
	}
	c.ParchmentUserID = userID
	x.cfg.Logger.Debug("mapped", "action", action, "external_user_id", rec.ExternalUserID, "line", row.Line,
		"parchment_user_id", userID, "request_id", c.RequestID, "note", c.Note)

	if follow != followUpNone {
		steps, fields, manual, problems := planChanges(rec, &e)
		c.Manual, c.Fields = manual, fields
		if c.Provider = providerChangeOf(&e, steps); c.Provider != "" {
			// An adopted user's roster row may take provider away too.
			c.Warning = providerWarning()
		}
		if len(problems) > 0 && follow == followUpRequired {
			x.t.add(actionFailed, c, problemFailures(problems, row.Line, rec.ExternalUserID)...)
			return
		}
		if len(problems) > 0 {
			c.Note += "; follow-up not sent: " + problems[0].Message
		}
		if !x.runSteps(ctx, &e, steps, &c) {
			return
		}
	}
	x.t.add(action, c)
}

// resolveAbsent settles a pending create for someone no longer on the
// roster: it is looked up, never created now.
func (x *executor) resolveAbsent(ctx context.Context, e *Entry, c Change) {
	userID, err := x.settle(ctx, e)
	if err != nil {
		x.fail("list", c, err, Commit{})
		return
	}
	if userID == "" {
		c.Note = "an interrupted run's create never reached Parchment; dropped, since the person left the roster"
		x.t.add(ActionResolve, c)
		return
	}
	c.ParchmentUserID = userID
	c.Note = "an interrupted run's create had landed; recorded, and orphaned since the person left the roster"
	x.t.add(ActionOrphaned, c)
}

// settle looks up a pending create without sending it again and records the
// outcome: the mapping, with the values the create carried, when it landed;
// the intent dropped when it never reached Parchment (userID is then empty).
// A failed listing's attempts travel in its error, for fail to record.
func (x *executor) settle(ctx context.Context, e *Entry) (userID string, err error) {
	u, _, found, listAttempts, err := x.dir.find(ctx, e.ExternalUserID, e.Email, e.UpdatedAt)
	if err != nil {
		return "", err
	}
	attempts := x.attempts("list", e.ExternalUserID, listAttempts)
	if !found {
		return "", x.commit(Commit{Forget: e.ExternalUserID, Attempts: attempts})
	}
	next := *e
	next.ParchmentUserID, next.State, next.UpdatedAt = u.UserID, StateSynced, time.Now().UTC()
	if err := x.commit(Commit{Entry: &next, Attempts: attempts}); err != nil {
		return "", fmt.Errorf("record mapping to Parchment user %s: %w", u.UserID, err)
	}
	return u.UserID, nil
}

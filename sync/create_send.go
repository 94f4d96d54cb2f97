package sync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// creation is one person's create on its way. The flow reads in order:
// run and send here, the recoveries in create_recover.go, the mapping in
// create_map.go. It is passed by value, as a Change is: what a step notes
// goes to the steps after it, never back.
type creation struct {
	x   *executor
	row *mapping.Row
	// c is the report's account of the row so far.
	c Change
	// resolving marks a create of ours that may have landed already: a dead
	// run's, or this run's whose answer was lost. Its intent is then kept
	// on a refusal, and an "already exists" answer may be that create.
	resolving bool
}

// run sends a create whose intent is committed first, so a run killed
// mid-call leaves a pending entry the next run resolves instead of creating
// the person again. pending is the entry a dead run left, or nil. A create
// whose answer was lost is never sent again before a look-up has not found
// the person, in this run or the next.
func (a creation) run(ctx context.Context, pending *Entry) {
	if pending != nil {
		a.resolving = true
		a.c.Note = "resolved a create an interrupted run left pending"
		if a.recoverPending(ctx, pending.UpdatedAt) {
			return
		}
	} else if !a.commitIntent() {
		return
	}
	a.send(ctx)
}

// commitIntent records the pending entry of a create about to be sent; on
// a ledger failure it counts the row failed and returns false.
func (a creation) commitIntent() bool {
	rec := a.row.Record
	intent := Entry{
		ExternalUserID: rec.ExternalUserID, State: StatePending, Email: rec.Email,
		Fields: rec.Fields(), UpdatedAt: time.Now().UTC(),
	}
	if err := a.x.rec.commit(Commit{Entry: &intent}); err != nil {
		a.x.rec.failed(refusal{op: "create", c: a.c, err: fmt.Errorf("record create intent: %w", err)})
		return false
	}
	return true
}

// send sends the create and follows its answer; a lost answer is looked
// up before the create goes once more.
func (a creation) send(ctx context.Context) {
	rec := a.row.Record
	for sent := 1; ; sent++ {
		res, err := a.x.api.CreateUser(ctx, createRequest(rec))
		// Only a listing begun after the answer arrived is sure to show a
		// user the answer says exists: our own earlier attempt may have
		// made it while a listing taken during the call was being served.
		since := time.Now()
		if err == nil {
			a.created(ctx, res)
			return
		}
		var pe *parchment.Error
		if errors.As(err, &pe) && pe.Status >= 200 && pe.Status < 300 {
			// Parchment acted, but its answer carried no usable id: find the
			// user by listing, as for a 201/202 without an id.
			a.recoverExisting(ctx, existing{answer: pe, ours: true, since: since})
			return
		}
		if errors.As(err, &pe) && (pe.Status == http.StatusConflict || pe.Code == parchment.CodeUserAlreadyExists) {
			// Our own earlier create, if one may have landed; otherwise a
			// user made elsewhere, adopted once found and checked.
			a.recoverExisting(ctx, existing{answer: pe, ours: a.resolving || pe.MayHaveApplied(), since: since})
			return
		}
		if sent == 1 && ctx.Err() == nil && answerLost(err) {
			// Parchment may have made the person: look them up first, and
			// send once more only if nobody is found.
			a.x.rec.keepAttempts(refusal{op: "create", c: a.c, err: err})
			a.resolving = true
			if a.recoverPending(ctx, since) {
				return
			}
			continue
		}
		keep := Commit{}
		if !a.resolving && !mayHaveApplied(err) {
			// Nothing reached Parchment: drop the intent so the next run starts clean.
			keep.Forget = rec.ExternalUserID
		}
		a.x.rec.failed(refusal{op: "create", c: a.c, err: err, keep: keep})
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

// created follows a create Parchment answered as a success.
func (a creation) created(ctx context.Context, res *parchment.CreateResult) {
	rec := a.row.Record
	attempts := a.x.rec.attempts("create", rec.ExternalUserID, res.Attempts)
	a.c.RequestID = res.RequestID
	if res.UserID == "" {
		// A success without an id cannot be mapped; find it by listing.
		a.recoverExisting(ctx, existing{answer: answerOf(res), ours: true, since: time.Now()})
		return
	}
	switch {
	case res.Status == http.StatusAccepted:
		a.adopt(ctx, adoption{userID: res.UserID, attempts: attempts, answer: withoutAttempts(answerOf(res)), action: ActionAdopt,
			note: "Parchment matched an existing user with conflicting demographics: adopted, review it in Parchment"})
		return
	case res.Code == parchment.CodeUserAlreadyExists:
		a.adopt(ctx, adoption{userID: res.UserID, attempts: attempts, answer: withoutAttempts(answerOf(res)), action: ActionAdopt,
			note: "Parchment already had a user with this email: adopted"})
		return
	case res.ProviderFailed():
		// The user exists, the provider part did not happen: none of its
		// fields is recorded as synced, and the update that follows sends
		// them at once. Should it fail, the row fails, and the next run
		// sends them again.
		a.c.Note = fmt.Sprintf("Parchment created the user but not the provider part (%s: %s); the provider fields were sent by update",
			res.Code, cmp.Or(res.Warning, "no warning given"))
		a.x.cfg.Logger.Warn("Parchment created the user but not the provider part", "external_user_id", rec.ExternalUserID,
			"line", a.row.Line, "code", res.Code, "warning", res.Warning, "request_id", res.RequestID)
		a.mapTo(ctx, mapped{userID: res.UserID, fields: withoutProviderFields(rec.Fields()), attempts: attempts,
			action: ActionCreate, follow: followUpRequired})
		return
	}
	a.mapTo(ctx, mapped{userID: res.UserID, fields: rec.Fields(), attempts: attempts, action: ActionCreate, follow: followUpNone})
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

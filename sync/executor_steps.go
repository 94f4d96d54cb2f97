package sync

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	gosync "sync"
	"time"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// synced carries out a decision about a mapped person: it records what the
// run learnt of them (an absence, drift a refresh found), sends the steps
// and counts the row once.
func (x *executor) synced(ctx context.Context, d decision, c Change) {
	e := *d.entry
	if d.absentRuns != e.AbsentRuns || len(d.drift) > 0 {
		// Recorded even if a step then fails: this apply did see it.
		e.AbsentRuns, e.UpdatedAt = d.absentRuns, time.Now().UTC()
		if err := x.commit(Commit{Entry: &e}); err != nil {
			x.fail("record", c, fmt.Errorf("record the person's state: %w", err), Commit{})
			return
		}
	}
	c.Fields = d.fields
	if !x.runSteps(ctx, &e, d.steps, &c) {
		return
	}
	if len(d.steps) > 0 {
		x.cfg.Logger.Info(string(d.action), "external_user_id", c.ExternalUserID, "line", c.Line,
			"parchment_user_id", e.ParchmentUserID, "fields", c.Fields, "request_id", c.RequestID)
	}
	x.t.add(d.action, c)
}

// runSteps sends steps in order, committing e after each one Parchment
// accepted, so a run that dies between steps resumes from the next. On a
// refusal it counts the row failed and returns false.
func (x *executor) runSteps(ctx context.Context, e *Entry, steps []step, c *Change) bool {
	for _, s := range steps {
		release := x.firstOfKind(ctx, s.kind)
		if reason := x.deniedReason(s.kind); reason != "" {
			release()
			x.t.add(actionFailed, *c, Failure{ExternalUserID: c.ExternalUserID, Line: c.Line, Message: reason})
			return false
		}
		res, held, err := x.send(ctx, e.ParchmentUserID, s)
		if err != nil && parchment.IsDenied(err) {
			err = x.deny(s.kind, err)
		}
		release()
		if err != nil {
			x.fail(string(s.kind), *c, err, Commit{})
			return false
		}
		next := s.applied(*e, x.runID, held)
		next.UpdatedAt = time.Now().UTC()
		if err := x.commit(Commit{Entry: &next, Attempts: x.attempts(string(s.kind), e.ExternalUserID, res.Attempts)}); err != nil {
			x.fail(string(s.kind), *c, fmt.Errorf("record the %s Parchment accepted: %w", s.kind, err), Commit{})
			return false
		}
		*e = next
		c.RequestID = res.RequestID
		if s.kind == stepRoles && held != nil {
			if dropped := droppedRoles(s.roles, held); len(dropped) > 0 {
				x.t.add(actionFailed, *c, Failure{ExternalUserID: c.ExternalUserID, Line: c.Line, RequestID: res.RequestID, HTTPStatus: res.Status,
					Message: fmt.Sprintf("Parchment did not keep the role(s) %s: the user now holds %s; check the roster's roles against what Parchment allows for this organisation",
						strings.Join(dropped, ", "), strings.Join(held, ", "))})
				return false
			}
		}
	}
	return true
}

// send makes the one call a step is. held is what a roles answer says
// the user now holds, nil for other steps or an answer without it.
func (x *executor) send(ctx context.Context, userID string, s step) (res *parchment.Result, held []string, err error) {
	switch s.kind {
	case stepEnable:
		res, err = x.cfg.API.EnableUser(ctx, userID)
	case stepDisable:
		res, err = x.cfg.API.DisableUser(ctx, userID)
	case stepRoles:
		var rr *parchment.RolesResult
		if rr, err = x.cfg.API.UpdateRoles(ctx, userID, s.roles); err == nil {
			res, held = &rr.Result, rr.AccessRoles
		}
	default:
		var ur *parchment.UpdateResult
		if ur, err = x.cfg.API.UpdateUser(ctx, userID, s.update.req); err == nil {
			res = &ur.Result
		}
	}
	return res, held, err
}

// firstOfKind holds a call back until the first call of its kind has been
// answered, when the organisation's scopes are unknown (a ready token):
// a 403 then stops the kind before the others are sent. The first caller
// must call release once its answer is handled.
func (x *executor) firstOfKind(ctx context.Context, k stepKind) (release func()) {
	x.mu.Lock()
	if x.scopesKnown {
		x.mu.Unlock()
		return func() {}
	}
	gate, seen := x.gates[k]
	if !seen {
		gate = make(chan struct{})
		x.gates[k] = gate
		x.mu.Unlock()
		return gosync.OnceFunc(func() { close(gate) })
	}
	x.mu.Unlock()
	select {
	case <-gate:
	case <-ctx.Done():
	}
	return func() {}
}

// scopeInDetail finds the scope a 403's detail names.
var scopeInDetail = regexp.MustCompile(`'([a-z]+:[a-z]+)'`)

// deny stops a kind of step for the rest of the run after Parchment
// refused one with 403, and returns the failure to report for it.
func (x *executor) deny(k stepKind, err error) error {
	scope := scopeOf(k)
	if pe, ok := parchment.AsError(err); ok {
		if m := scopeInDetail.FindStringSubmatch(pe.Detail); m != nil {
			scope = m[1]
		}
	}
	reason := deniedMessage(k, scope)
	x.mu.Lock()
	first := x.denied[k] == ""
	if first {
		x.denied[k] = reason
	}
	x.mu.Unlock()
	if first {
		x.cfg.Logger.Warn("Parchment refused a kind of change for this organisation; no more are sent this run", "kind", k, "scope", scope)
	}
	return deniedError{msg: reason + " (no more are sent this run)", cause: err}
}

func (x *executor) deniedReason(k stepKind) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r := x.denied[k]; r != "" {
		return r + ": not sent"
	}
	return ""
}

func deniedMessage(k stepKind, scope string) string {
	return fmt.Sprintf("Parchment does not allow %s calls for this organisation (missing scope %s); ask Parchment to grant it", k, scope)
}

// deniedError is a 403 on a kind of change, explained.
type deniedError struct {
	msg   string
	cause error
}

func (e deniedError) Error() string { return e.msg }
func (e deniedError) Unwrap() error { return e.cause }

// checkScopes learns the granted scopes before anything is sent, when the
// API can tell, and stops the kinds of step they do not allow. It returns
// one warning per kind.
func (x *executor) checkScopes(ctx context.Context) ([]string, error) {
	src, ok := x.cfg.API.(scopeSource)
	if !ok {
		return nil, nil
	}
	scopes, known, err := src.GrantedScopes(ctx)
	if err != nil || !known {
		return nil, err
	}
	x.mu.Lock()
	x.scopesKnown = true
	x.mu.Unlock()
	granted := map[string]bool{}
	for _, s := range scopes {
		granted[s] = true
	}
	var warnings []string
	for _, k := range []stepKind{stepUpdate, stepRoles, stepEnable, stepDisable} {
		if allowedBy(k, granted) {
			continue
		}
		reason := deniedMessage(k, scopeOf(k))
		x.denied[k] = reason
		warnings = append(warnings, reason)
		x.cfg.Logger.Warn("the organisation's token lacks a scope: these changes will not be sent", "kind", k, "scope", scopeOf(k))
	}
	return warnings, nil
}

// recordReads commits the attempts of lookups made on the way to a
// decision (users read to learn their email).
func (x *executor) recordReads(op, externalID string, as []parchment.Attempt) {
	if len(as) > 0 {
		_ = x.commit(Commit{Attempts: x.attempts(op, externalID, as)})
	}
}

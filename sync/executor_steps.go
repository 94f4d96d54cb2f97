package sync

import (
	"context"
	"fmt"
	"strings"
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
		if err := x.rec.commit(Commit{Entry: &e}); err != nil {
			x.rec.failed(refusal{op: "record", c: c, err: fmt.Errorf("record the person's state: %w", err)})
			return
		}
	}
	c.Fields = d.fields
	if !x.runSteps(ctx, &e, d.steps, &c) {
		return
	}
	if len(d.steps) > 0 {
		x.cfg.Logger.Debug(string(d.action), "external_user_id", c.ExternalUserID, "line", c.Line,
			"parchment_user_id", e.ParchmentUserID, "fields", c.Fields, "request_id", c.RequestID)
	}
	x.rec.count(d.action, c)
}

// runSteps sends steps in order, committing e after each one Parchment
// accepted, so a run that dies between steps resumes from the next. On a
// refusal it counts the row failed and returns false.
func (x *executor) runSteps(ctx context.Context, e *Entry, steps []step, c *Change) bool {
	// A role Parchment did not keep fails the row, but only once the other
	// steps went: a dropped role must not hold back the person's updates.
	var dropped *Failure
	for _, s := range steps {
		res, held, err := x.send(ctx, e.ParchmentUserID, s)
		if err != nil {
			x.rec.failed(refusal{op: string(s.kind), c: *c, err: err})
			return false
		}
		next := s.applied(*e, x.rec.runID, held)
		next.UpdatedAt = time.Now().UTC()
		if err := x.rec.commit(Commit{Entry: &next, Attempts: x.rec.attempts(string(s.kind), e.ExternalUserID, res.Attempts)}); err != nil {
			x.rec.unrecorded()
			x.rec.failed(refusal{op: string(s.kind), c: *c, err: fmt.Errorf("record the %s Parchment accepted: %w", s.kind, err)})
			return false
		}
		*e = next
		c.RequestID = res.RequestID
		if s.kind == stepRoles && held != nil {
			if gone := droppedRoles(s.roles, held); len(gone) > 0 {
				dropped = &Failure{ExternalUserID: c.ExternalUserID, Line: c.Line, RequestID: res.RequestID, HTTPStatus: res.Status,
					Message: fmt.Sprintf("Parchment did not keep the role(s) %s: the user now holds %s; check the roster's roles against what Parchment allows for this organisation",
						strings.Join(gone, ", "), strings.Join(held, ", "))}
			}
		}
	}
	if dropped != nil {
		x.rec.count(actionFailed, *c, *dropped)
		return false
	}
	return true
}

// send makes the one call a step is. held is what a roles answer says
// the user now holds, nil for other steps or an answer without it.
func (x *executor) send(ctx context.Context, userID string, s step) (res *parchment.Result, held []string, err error) {
	switch s.kind {
	case stepEnable:
		res, err = x.api.EnableUser(ctx, userID)
	case stepDisable:
		res, err = x.api.DisableUser(ctx, userID)
	case stepRoles:
		var rr *parchment.RolesResult
		if rr, err = x.api.UpdateRoles(ctx, userID, s.roles); err == nil {
			res, held = &rr.Result, rr.AccessRoles
		}
	default:
		var ur *parchment.UpdateResult
		if ur, err = x.api.UpdateUser(ctx, userID, s.update.req); err == nil {
			res = &ur.Result
		}
	}
	return res, held, err
}

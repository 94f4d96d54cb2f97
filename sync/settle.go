package sync

import (
	"context"
	"fmt"
	"time"
)

// resolveAbsent settles a pending create for someone no longer on the
// roster: it is looked up, never created now.
func (x *executor) resolveAbsent(ctx context.Context, e *Entry, c Change) {
	userID, err := x.settle(ctx, e)
	if err != nil {
		x.rec.failed(refusal{op: "list", c: c, err: err})
		return
	}
	if userID == "" {
		c.Note = "an interrupted run's create never reached Parchment; dropped, since the person left the roster"
		x.rec.count(ActionResolve, c)
		return
	}
	c.ParchmentUserID = userID
	c.Note = "an interrupted run's create had landed; recorded, and orphaned since the person left the roster"
	x.rec.count(ActionOrphaned, c)
}

// settle looks up a pending create without sending it again and records the
// outcome: the mapping, with the values the create carried, when it landed;
// the intent dropped when it never reached Parchment (userID is then empty).
// A failed listing's attempts travel in its error, for the recorder.
func (x *executor) settle(ctx context.Context, e *Entry) (userID string, err error) {
	got, err := x.dir.find(ctx, e.ExternalUserID, e.Email, e.UpdatedAt)
	if err != nil {
		return "", err
	}
	attempts := x.rec.attempts("list", e.ExternalUserID, got.attempts)
	if !got.found {
		return "", x.rec.commit(Commit{Forget: e.ExternalUserID, Attempts: attempts})
	}
	next := *e
	next.ParchmentUserID, next.State, next.UpdatedAt = got.user.UserID, StateSynced, time.Now().UTC()
	if err := x.rec.commit(Commit{Entry: &next, Attempts: attempts}); err != nil {
		return "", fmt.Errorf("record mapping to Parchment user %s: %w", got.user.UserID, err)
	}
	return got.user.UserID, nil
}

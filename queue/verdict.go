package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// Verdict is how one sync ended, in the terms the queue acts on. The caller
// maps its exit codes to one.
type Verdict int

const (
	// Done: the sync finished (exit 0, or 1 with some rows invalid or
	// failed, which the run's report records); the job completes.
	Done Verdict = iota
	// Locked: another run holds the organisation (exit 75), say a manual
	// apply or a rescued duplicate of a job still running; the job is
	// snoozed, which costs no attempt.
	Locked
	// Failed: the sync aborted for a reason that may heal (exit 3:
	// credentials rejected, Parchment or the ledger unreachable); River
	// retries it with backoff and discards it after MaxAttempts.
	Failed
	// Refused: retrying cannot help (exit 2, a configuration or source
	// problem; exit 4, held by the mass-leaver guard until a person
	// reviews it); the job is cancelled with the reason recorded.
	Refused
)

// Result is what a Runner reports.
type Result struct {
	Verdict Verdict
	// Err says why, for any verdict but Done. It is recorded in the job's
	// row, so it must hold no secret.
	Err error
	// Sent reports whether the run sent any change, which tells a run cut
	// off by the job timeout that made headway from one that cannot.
	Sent bool
	// Output is recorded with the job (the run id, outcome and counts):
	// JSON, and no secret.
	Output any
}

// Runner runs the sync of the organisation named name, within ctx.
type Runner func(ctx context.Context, name string) Result

// policy is what the worker does with each result.
type policy struct {
	jobTimeout   time.Duration
	lockedSnooze time.Duration
}

// errorFor turns a sync's result into what River does with its job. ctxErr
// is the job context's error once the run returned: a run cut off by the
// job timeout or by the worker stopping has recorded what it did (its
// outcome is interrupted) and the next run carries on from there.
func (p policy) errorFor(ctxErr error, r Result) error {
	switch {
	case r.Verdict == Done:
		return nil
	case errors.Is(ctxErr, context.DeadlineExceeded):
		// A sync longer than --job-timeout goes on in slices: the ledger
		// holds what was sent, so the next run sends only the rest. Snoozing
		// costs no attempt. A slice that sent nothing would loop for ever.
		if r.Sent {
			return river.JobSnooze(0)
		}
		return fmt.Errorf("the sync sent nothing within --job-timeout (%s); raise it above the time the organisation's sync needs before sending: %w", p.jobTimeout, errOr(r.Err))
	case ctxErr != nil:
		// The worker is stopping (or the job was cancelled from River's UI,
		// which River then records as cancelled): hand the job back at once,
		// without spending an attempt.
		return river.JobSnooze(0)
	case r.Verdict == Locked:
		return river.JobSnooze(p.lockedSnooze)
	case r.Verdict == Refused:
		return river.JobCancel(errOr(r.Err))
	default:
		return errOr(r.Err)
	}
}

func errOr(err error) error {
	if err == nil {
		return errors.New("the sync failed")
	}
	return err
}

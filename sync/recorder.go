package sync

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// recorder records a run's outcomes: it commits each to the ledger, with
// the attempts that led to it, and counts each row in the tally. It is
// safe for concurrent use: the ledger and the tally are.
type recorder struct {
	store Store
	org   string
	// runID is 0 in a plan, which has no run and writes nothing.
	runID int64
	// ctx is the ledger's: a stop signal does not end it, so every outcome
	// that happened is recorded.
	ctx     context.Context
	tally   *tally
	log     *slog.Logger
	stop    *runStop
	silence silence
}

// commit stores an outcome. A ledger that cannot record outcomes stops the
// run: nothing may be sent that the ledger does not know about. Only
// ErrParchmentUserTaken is left to the caller, as a failure of one row.
//
// A plan has no run and writes nothing: its reads (a refresh's) are only
// counted.
func (r *recorder) commit(c Commit) error {
	var err error
	if r.runID != 0 {
		err = r.store.Commit(r.ctx, r.org, c)
	}
	answered := false
	for _, a := range c.Attempts {
		r.tally.attempted(a.HTTPStatus)
		answered = answered || a.HTTPStatus != 0
	}
	if answered {
		r.silence.answered()
	}
	if err != nil && !errors.Is(err, ErrParchmentUserTaken) {
		r.stop.abort(err)
	}
	return err
}

// attempts turns the client's attempts at op for one person into the
// ledger's.
func (r *recorder) attempts(op, externalID string, as []parchment.Attempt) []Attempt {
	out := make([]Attempt, 0, len(as))
	for _, a := range as {
		out = append(out, Attempt{
			RunID: r.runID, Operation: op, ExternalUserID: externalID,
			HTTPStatus: a.Status, RequestID: a.RequestID, Error: a.Err,
			Duration: a.Duration, At: a.Started,
		})
	}
	return out
}

// reads commits the attempts of look-ups made on the way to an outcome
// (users read to learn their email, a refresh's reads).
func (r *recorder) reads(op, externalID string, as []parchment.Attempt) {
	if len(as) > 0 {
		_ = r.commit(Commit{Attempts: r.attempts(op, externalID, as)})
	}
}

// count counts one row's outcome in the report.
func (r *recorder) count(action Action, c Change, fails ...Failure) { r.tally.add(action, c, fails...) }

// unrecorded counts a change Parchment accepted that the ledger could not
// record; the row is also counted failed.
func (r *recorder) unrecorded() { r.tally.unrecorded() }

// refusal is a call that did not succeed: its operation as the ledger's
// attempts name it, the report's account of the row, the error, and what
// to commit along with the attempts the error carries.
type refusal struct {
	op   string
	c    Change
	err  error
	keep Commit
}

// Three ways to record a refusal, each doing the next's work and more:
//
//	failed        counts the row failed, unless the stop held the call back
//	failure       explains it as a Failure, stopping the run on a fatal error
//	keepAttempts  commits f.keep with the attempts f.err carries
//
// failed is the usual one; failure serves a caller that counts the row
// itself, keepAttempts a call that is tried again.

// failed records f and counts the row failed. A call a stopping run kept
// from being sent is, like a row the run never reached, not a failure:
// only its attempts and keep are committed.
func (r *recorder) failed(f refusal) {
	if errors.Is(f.err, parchment.ErrNotSent) || errors.Is(f.err, parchment.ErrStopped) {
		r.keepAttempts(f)
		r.log.Debug(f.op+" not sent: the run is stopping", "external_user_id", f.c.ExternalUserID, "line", f.c.Line)
		return
	}
	r.count(actionFailed, f.c, r.failure(f))
}

// failure records f and returns the row's Failure, without counting the
// row. A fatal error, or Parchment unreachable, also stops the run.
func (r *recorder) failure(f refusal) Failure {
	out := Failure{ExternalUserID: f.c.ExternalUserID, Line: f.c.Line, Message: f.err.Error()}
	var pe *parchment.Error
	if errors.As(f.err, &pe) {
		out.HTTPStatus, out.RequestID = pe.Status, pe.RequestID
		// The request id has a field of its own: the message says it once.
		if pe.RequestID != "" {
			out.Message = strings.Replace(out.Message, " (request "+pe.RequestID+")", "", 1)
		}
		if len(pe.Validation) > 0 {
			out.Field = pe.Validation[0].Field
		}
		if parchment.IsFatal(f.err) {
			r.stop.abort(f.err)
		}
		if err := r.silence.note(pe); err != nil {
			r.stop.abort(err)
		}
	}
	r.keepAttempts(f)
	r.log.Warn(f.op+" failed", "external_user_id", f.c.ExternalUserID, "line", f.c.Line,
		"http_status", out.HTTPStatus, "request_id", out.RequestID, "error", out.Message)
	return out
}

// keepAttempts commits f.keep with every attempt f.err carries.
func (r *recorder) keepAttempts(f refusal) {
	keep := f.keep
	if pe, ok := parchment.AsError(f.err); ok {
		keep.Attempts = append(keep.Attempts, r.attempts(f.op, f.c.ExternalUserID, pe.Attempts)...)
	}
	if keep.Entry != nil || keep.Forget != "" || len(keep.Attempts) > 0 {
		// Best effort: a ledger failure here has already stopped the run.
		_ = r.commit(keep)
	}
}

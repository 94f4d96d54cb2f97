package sync

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	gosync "sync"
	"time"

	"github.com/sourcegraph/conc/pool"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// executor sends decisions through a bounded pool and commits each outcome.
type executor struct {
	cfg   Config
	runID int64
	t     *tally
	dir   *directory

	// ledgerCtx records outcomes; it is not cancelled by a stop signal.
	ledgerCtx context.Context

	// haltNow holds back calls waiting in the client (see execute).
	haltNow context.CancelFunc

	// stop is closed when the run must take no new work: a fatal error.
	stop     chan struct{}
	stopOnce gosync.Once
	mu       gosync.Mutex
	fatal    error
	// scopes stops the kinds of call the organisation does not allow;
	// api sends every call through it.
	scopes *scopeGate
	api    API
	// silent counts calls in a row that got no answer at all.
	silent int
}

// unreachableAfter is how many calls in a row may get no answer at all
// (every retry included) before Parchment is taken to be unreachable and
// the run aborts, rather than spend the night timing out row by row.
const unreachableAfter = 3

func newExecutor(cfg Config, runID int64, t *tally) *executor {
	x := &executor{cfg: cfg, runID: runID, t: t, stop: make(chan struct{}), scopes: newScopeGate(cfg.Logger)}
	x.api = gatedAPI{api: cfg.API, gate: x.scopes}
	x.dir = &directory{api: x.api, recordReads: x.recordReads}
	return x
}

// begin prepares the contexts calls are made with. Calls in flight outlive
// a stop signal (ctx ending) by StopGrace; the ledger's context never
// ends, so every outcome that happened is recorded. end releases them.
func (x *executor) begin(ctx context.Context) (calls context.Context, end func()) {
	x.ledgerCtx = context.WithoutCancel(ctx)
	calls, cutOff := context.WithCancel(x.ledgerCtx)
	// halt ends every wait for a turn to send, on a stop signal or a fatal
	// error: calls still queued in the client then send nothing.
	halt, haltNow := context.WithCancel(x.ledgerCtx)
	x.mu.Lock()
	x.haltNow = haltNow
	x.mu.Unlock()
	unhook := context.AfterFunc(ctx, haltNow)
	calls = parchment.WithStop(calls, halt)
	stopWatch := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(x.cfg.StopGrace, cutOff)
		context.AfterFunc(calls, func() { t.Stop() })
	})
	return calls, func() {
		stopWatch()
		unhook()
		haltNow()
		cutOff()
	}
}

// each runs f for every item through the bounded pool, dispatching nothing
// more once the run stops.
func each[T any](x *executor, ctx context.Context, items iter.Seq[T], f func(T)) {
	p := pool.New().WithMaxGoroutines(x.cfg.Concurrency)
	for it := range items {
		if x.stopped(ctx) {
			break
		}
		p.Go(func() {
			// Go blocks until a worker is free, so the stop may have come
			// while it waited: check again before anything is sent.
			if x.stopped(ctx) {
				return
			}
			f(it)
		})
	}
	p.Wait()
}

// execute decides every item and acts on the decision: resolves pending
// creates first, then everything else. ctx cancellation stops dispatch;
// calls already started run to completion on calls, a context that
// outlives it, so their outcomes are recorded.
func (x *executor) execute(ctx, calls context.Context, phases []iter.Seq[item], lc lifecycle, act func(decision)) {
	for _, phase := range phases {
		each(x, ctx, phase, func(it item) {
			if d, ok := x.decide(calls, it, lc); ok {
				act(d)
			}
		})
	}
}

// err is how the run ended: aborted, interrupted or nil.
func (x *executor) err(ctx context.Context) error {
	if err := x.fatalErr(); err != nil {
		return &AbortError{Cause: err}
	}
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	return nil
}

func (x *executor) stopped(ctx context.Context) bool {
	select {
	case <-x.stop:
		return true
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

func (x *executor) abort(err error) {
	x.mu.Lock()
	if x.fatal == nil {
		x.fatal = err
	}
	if x.haltNow != nil {
		x.haltNow()
	}
	x.mu.Unlock()
	x.stopOnce.Do(func() { close(x.stop) })
}

// noteSilence aborts the run once enough calls in a row got no answer.
func (x *executor) noteSilence(pe *parchment.Error) {
	if pe.Status != 0 || len(pe.Attempts) == 0 || !parchment.IsRetry(pe) {
		return
	}
	for _, a := range pe.Attempts {
		if a.Status != 0 {
			return
		}
	}
	x.mu.Lock()
	x.silent++
	n := x.silent
	x.mu.Unlock()
	if n == unreachableAfter {
		x.abort(fmt.Errorf("Parchment did not answer %d calls in a row, retries included (last: %v): it looks unreachable; check --api-url and the network, then run again", n, pe.Err))
	}
}

func (x *executor) fatalErr() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.fatal
}

func (x *executor) one(ctx context.Context, d decision) {
	c := d.change()
	// The fields are the ones the steps sent: set once they are.
	c.Fields = nil
	switch d.action {
	case ActionCreate:
		x.create(ctx, d.row, nil, c)
	case ActionResolve:
		if d.row == nil {
			x.resolveAbsent(ctx, d.entry, c)
		} else {
			x.create(ctx, d.row, d.entry, c)
		}
	case ActionInvalid:
		fails := problemFailures(d.problems, d.line(), d.externalID())
		if d.settles() {
			// Nothing is sent for an invalid row, but a dead run's create
			// for it is still looked up, so the ledger learns whether the
			// person exists instead of holding the intent indefinitely.
			if userID, err := x.settle(ctx, d.entry); err != nil {
				fails = append(fails, x.refused("list", c, err, Commit{}))
			} else if userID != "" {
				c.ParchmentUserID = userID
				c.Note = "an interrupted run's create had landed; recorded"
			}
		}
		x.t.add(ActionInvalid, c, fails...)
	case actionFailed:
		x.t.add(actionFailed, c, *d.failure)
	default:
		if d.entry != nil && d.entry.State == StateSynced {
			x.synced(ctx, d, c)
			return
		}
		x.t.add(d.action, c)
	}
}

// commit stores an outcome. A ledger that cannot record outcomes stops the
// run: nothing may be sent that the ledger does not know about. Only
// ErrParchmentUserTaken is left to the caller, as a failure of one row.
//
// A plan has no run and writes nothing: its reads (a refresh's) are only
// counted.
func (x *executor) commit(c Commit) error {
	var err error
	if x.runID != 0 {
		err = x.cfg.Store.Commit(x.ledgerCtx, x.cfg.OrganizationID, c)
	}
	answered := false
	for _, a := range c.Attempts {
		x.t.attempted(a.HTTPStatus)
		answered = answered || a.HTTPStatus != 0
	}
	if answered {
		x.mu.Lock()
		x.silent = 0
		x.mu.Unlock()
	}
	if err != nil && !errors.Is(err, ErrParchmentUserTaken) {
		x.abort(err)
	}
	return err
}

func (x *executor) attempts(op, externalID string, as []parchment.Attempt) []Attempt {
	out := make([]Attempt, 0, len(as))
	for _, a := range as {
		out = append(out, Attempt{
			RunID: x.runID, Operation: op, ExternalUserID: externalID,
			HTTPStatus: a.Status, RequestID: a.RequestID, Error: a.Err,
			Duration: a.Duration, At: a.Started,
		})
	}
	return out
}

// fail records a refused call: its attempts are committed with keep and the
// row is counted failed. A fatal error also stops the run.
func (x *executor) fail(op string, c Change, err error, keep Commit) {
	if errors.Is(err, parchment.ErrNotSent) || errors.Is(err, parchment.ErrStopped) {
		x.heldBack(op, c, err, keep)
		return
	}
	x.t.add(actionFailed, c, x.refused(op, c, err, keep))
}

// heldBack records a call the stop kept from being sent: like a row the run
// never reached, it is not a failure. What earlier attempts of it did, and
// the intent's fate, are committed as the caller decided.
func (x *executor) heldBack(op string, c Change, err error, keep Commit) {
	x.record(op, c, err, keep)
	x.cfg.Logger.Debug(op+" not sent: the run is stopping", "external_user_id", c.ExternalUserID, "line", c.Line)
}

// record commits keep with every attempt err carries.
func (x *executor) record(op string, c Change, err error, keep Commit) {
	if pe, ok := parchment.AsError(err); ok {
		keep.Attempts = append(keep.Attempts, x.attempts(op, c.ExternalUserID, pe.Attempts)...)
	}
	if keep.Entry != nil || keep.Forget != "" || len(keep.Attempts) > 0 {
		// Best effort: a ledger failure here has already stopped the run.
		_ = x.commit(keep)
	}
}

// refused does fail's recording and returns the Failure, without counting
// the row.
func (x *executor) refused(op string, c Change, err error, keep Commit) Failure {
	f := Failure{ExternalUserID: c.ExternalUserID, Line: c.Line, Message: err.Error()}
	var pe *parchment.Error
	if errors.As(err, &pe) {
		f.HTTPStatus, f.RequestID = pe.Status, pe.RequestID
		// The request id has a field of its own: the message says it once.
		if pe.RequestID != "" {
			f.Message = strings.Replace(f.Message, " (request "+pe.RequestID+")", "", 1)
		}
		if len(pe.Validation) > 0 {
			f.Field = pe.Validation[0].Field
		}
		if parchment.IsFatal(err) {
			x.abort(err)
		}
		x.noteSilence(pe)
	}
	x.record(op, c, err, keep)
	x.cfg.Logger.Warn(op+" failed", "external_user_id", c.ExternalUserID, "line", c.Line,
		"http_status", f.HTTPStatus, "request_id", f.RequestID, "error", f.Message)
	return f
}

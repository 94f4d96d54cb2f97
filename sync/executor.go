package sync

import (
	"context"
	"iter"
	"time"

	"github.com/sourcegraph/conc/pool"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// executor decides each item of a run and carries the decision out: a
// synced person's steps (executor_steps.go), a create (create_*.go) or a
// pending create's look-up (settle.go), through a bounded pool. Its
// fields are fixed once it is made; the state that changes lives in the
// parts, each safe for concurrent use on its own.
type executor struct {
	cfg Config
	// ledgerCtx reads the ledger; a stop signal does not end it.
	ledgerCtx context.Context
	// api sends every call through gate, which stops the kinds of call the
	// organisation does not allow.
	api  API
	gate *scopeGate
	dir  *directory
	rec  *recorder
	stop *runStop
}

// startExecutor prepares a run's executor and the context its calls are
// made with. Calls in flight outlive a stop signal (ctx ending) by
// StopGrace; the ledger's context never ends, so every outcome that
// happened is recorded. end releases them.
func startExecutor(ctx context.Context, cfg Config, runID int64, t *tally) (x *executor, calls context.Context, end func()) {
	ledgerCtx := context.WithoutCancel(ctx)
	// halt ends every wait for a turn to send, on a stop signal or a fatal
	// error: calls still queued in the client then send nothing.
	halt, haltNow := context.WithCancel(ledgerCtx)
	stop := newRunStop(haltNow)
	gate := newScopeGate(cfg.Logger)
	rec := &recorder{store: cfg.Store, org: cfg.OrganizationID, runID: runID, ctx: ledgerCtx, tally: t, log: cfg.Logger, stop: stop}
	api := gatedAPI{api: cfg.API, gate: gate}
	x = &executor{
		cfg: cfg, ledgerCtx: ledgerCtx, api: api, gate: gate, rec: rec, stop: stop,
		dir: &directory{api: api, recordReads: rec.reads},
	}

	calls, cutOff := context.WithCancel(ledgerCtx)
	unhook := context.AfterFunc(ctx, haltNow)
	calls = parchment.WithStop(calls, halt)
	stopWatch := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(cfg.StopGrace, cutOff)
		context.AfterFunc(calls, func() { t.Stop() })
	})
	return x, calls, func() {
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
		if x.stop.done(ctx) {
			break
		}
		p.Go(func() {
			// Go blocks until a worker is free, so the stop may have come
			// while it waited: check again before anything is sent.
			if x.stop.done(ctx) {
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
	if err := x.stop.err(); err != nil {
		return &AbortError{Cause: err}
	}
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	return nil
}

// one carries out a decision and records its outcome.
func (x *executor) one(ctx context.Context, d decision) {
	c := d.change()
	// The fields are the ones the steps sent: set once they are.
	c.Fields = nil
	switch d.action {
	case ActionCreate:
		creation{x: x, row: d.row, c: c}.run(ctx, nil)
	case ActionResolve:
		if d.row == nil {
			x.resolveAbsent(ctx, d.entry, c)
		} else {
			creation{x: x, row: d.row, c: c}.run(ctx, d.entry)
		}
	case ActionInvalid:
		x.invalid(ctx, d, c)
	case actionFailed:
		x.rec.count(actionFailed, c, *d.failure)
	default:
		if d.entry != nil && d.entry.State == StateSynced {
			x.synced(ctx, d, c)
			return
		}
		x.rec.count(d.action, c)
	}
}

// invalid counts a row nothing is sent for. A dead run's create for it is
// still looked up, so the ledger learns whether the person exists instead
// of holding the intent indefinitely.
func (x *executor) invalid(ctx context.Context, d decision, c Change) {
	fails := problemFailures(d.problems, d.line(), d.externalID())
	if d.settles() {
		if userID, err := x.settle(ctx, d.entry); err != nil {
			fails = append(fails, x.rec.failure(refusal{op: "list", c: c, err: err}))
		} else if userID != "" {
			c.ParchmentUserID = userID
			c.Note = "an interrupted run's create had landed; recorded"
		}
	}
	x.rec.count(ActionInvalid, c, fails...)
}

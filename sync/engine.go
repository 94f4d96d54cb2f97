// Package sync diffs a roster against the ledger and sends the difference to
// Parchment: creates for people never synced, partial updates for people
// whose fields changed, and nothing for everyone else.
package sync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// ErrInterrupted is returned when a stop signal ended an apply early; the
// calls already in flight finished and were recorded.
var ErrInterrupted = errors.New("run interrupted: no new work was started after the stop signal")

// AbortError stops a whole run: Parchment rejected the credentials, or the
// ledger could not record an outcome.
type AbortError struct{ Cause error }

func (e *AbortError) Error() string { return "run aborted: " + e.Cause.Error() }
func (e *AbortError) Unwrap() error { return e.Cause }

// Run outcomes stored in the ledger.
const (
	OutcomeRunning = "running"
	OutcomeDone    = "done"
	OutcomePartial = "partial"
	// OutcomeHeld marks a run the mass-leaver guard held: nothing was sent.
	OutcomeHeld        = "held"
	OutcomeAborted     = "aborted"
	OutcomeInterrupted = "interrupted"
	// OutcomeAbandoned marks an apply that died (killed) before recording
	// its end; the next apply of the organisation sets it.
	OutcomeAbandoned = "abandoned"
)

// Plan reports what Apply would do with rows. It sends nothing and writes
// nothing, not even a run record: it works on a read-only ledger.
func Plan(ctx context.Context, cfg Config, rows []mapping.Row) (*Report, error) {
	return run(ctx, cfg, ModePlan, RowSlice(rows))
}

// PlanRows is Plan over a roster read as it goes, in flat memory.
func PlanRows(ctx context.Context, cfg Config, rows Rows) (*Report, error) {
	return run(ctx, cfg, ModePlan, rows)
}

// Apply sends the difference between rows and the ledger to Parchment. Only
// one apply per organisation runs at a time: ErrLocked otherwise. When ctx
// is cancelled no new call starts, in-flight calls finish and are recorded,
// and ErrInterrupted is returned with the report.
func Apply(ctx context.Context, cfg Config, rows []mapping.Row) (*Report, error) {
	return run(ctx, cfg, ModeApply, RowSlice(rows))
}

// ApplyRows is Apply over a roster read as it goes, in flat memory.
func ApplyRows(ctx context.Context, cfg Config, rows Rows) (*Report, error) {
	return run(ctx, cfg, ModeApply, rows)
}

func run(ctx context.Context, cfg Config, mode Mode, rows Rows) (*Report, error) {
	cfg, err := cfg.validate(mode)
	if err != nil {
		return nil, err
	}
	rows = withClinicPhone(rows, cfg.ClinicPhone)
	// The ledger must record outcomes even after a stop signal.
	bg := context.WithoutCancel(ctx)
	if mode == ModeApply {
		unlock, err := cfg.Store.Lock(ctx, cfg.OrganizationID)
		if err != nil {
			if errors.Is(err, ErrLocked) {
				return nil, err
			}
			return nil, &AbortError{Cause: fmt.Errorf("lock organisation: %w", err)}
		}
		defer func() {
			if err := unlock(bg); err != nil {
				cfg.Logger.Warn("releasing the organisation lock", "error", err)
			}
		}()
	}

	r := Run{OrganizationID: cfg.OrganizationID, Mode: string(mode), Source: cfg.Source, StartedAt: time.Now().UTC(), Outcome: OutcomeRunning}
	if mode == ModeApply {
		r.ID, err = cfg.Store.StartRun(ctx, r)
		if err != nil {
			return nil, &AbortError{Cause: fmt.Errorf("record run start: %w", err)}
		}
	}
	report := &Report{Mode: mode, OrganizationID: cfg.OrganizationID, RunID: r.ID}

	t := newTally(cfg.Progress)
	runErr := decide(ctx, cfg, mode, r.ID, t, report, rows)

	if err := t.report(report); err != nil && runErr == nil {
		runErr = &AbortError{Cause: err}
	}
	report.Outcome = outcome(report, runErr)
	r.Outcome, r.Counts, r.FinishedAt = report.Outcome, report.Counts, time.Now().UTC()
	r.Changes, r.Failures = report.Changes, report.Failures
	if runErr != nil {
		r.Error = cfg.Redact(runErr.Error())
	}
	if mode == ModeApply {
		if err := cfg.Store.FinishRun(bg, r); err != nil && runErr == nil {
			runErr = &AbortError{Cause: fmt.Errorf("record run end: %w", err)}
		}
	}
	cfg.Logger.Info("run finished", "mode", mode, "run_id", r.ID, "outcome", report.Outcome,
		"create", report.Counts.Create, "adopt", report.Counts.Adopt, "update", report.Counts.Update,
		"enable", report.Counts.Enable, "disable", report.Counts.Disable, "unchanged", report.Counts.Unchanged,
		"manual", report.Counts.Manual, "orphaned", report.Counts.Orphaned,
		"invalid", report.Counts.Invalid, "failed", report.Counts.Failed)
	if mode == ModeApply && runErr == nil && ctx.Err() == nil {
		refreshSavedIndex(ctx, cfg.Store, cfg.OrganizationID, cfg.Logger)
	}
	return report, runErr
}

// decide reads the ledger's index and the roster once, to learn what the
// run must do, then reads the roster again to do it: it reports the
// decisions in a plan, sends them in an apply. The mass-leaver guard may
// hold the run, and a reviewed plan stop it, before anything is sent.
func decide(ctx context.Context, cfg Config, mode Mode, runID int64, t *tally, report *Report, rows Rows) error {
	ix, err := loadIndex(ctx, cfg.Store, cfg.OrganizationID, mode == ModeApply, cfg.Logger)
	if err != nil {
		return &AbortError{Cause: fmt.Errorf("read ledger: %w", err)}
	}
	lc := newLifecycle(cfg)
	s, err := surveyRows(ctx, rows, ix, lc, cfg.Refresh)
	if err == nil {
		err = s.countRemovals(ctx, cfg, rows)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		return &AbortError{Cause: fmt.Errorf("read the roster: %w", err)}
	}
	report.Fingerprints = Fingerprints{Source: s.source, Ledger: ix.fingerprint}
	if cfg.Expect != nil {
		if err := cfg.Expect.staleness(report.Fingerprints); err != nil {
			return err
		}
	}
	x, calls, end := startExecutor(ctx, cfg, runID, t)
	defer end()
	phases := func() []iter.Seq[item] {
		settle, rest := s.work(ctx, rows, x.stop.abort)
		return []iter.Seq[item]{settle, rest}
	}
	planAll := func(into *tally) {
		x.execute(ctx, calls, phases(), lc, func(d decision) { planOne(into, x.foreseeAdopt(ctx, d)) })
	}

	cfg.Progress.Start(s.decisions())
	t.unchanged(s.unchanged)
	if cfg.Expect != nil {
		dry := newTally(noProgress{})
		planAll(dry)
		if err := x.err(ctx); err != nil {
			return err
		}
		var planned Report
		err := dry.report(&planned)
		defer planned.Close()
		if err != nil {
			return &AbortError{Cause: err}
		}
		if err := cfg.Expect.sameChanges(&planned); err != nil {
			return err
		}
	}
	if hold := s.hold(cfg); hold != nil && !cfg.AllowMassLeavers {
		report.Hold = hold
		planAll(t)
		cfg.Logger.Info("run held: nothing was sent", "leaving", hold.Leaving, "active", hold.Active,
			"max_leavers", hold.MaxLeavers, "max_leavers_percent", hold.MaxLeaversPercent)
		return cmp.Or(x.err(ctx), error(&HeldError{Hold: *hold}))
	}
	if mode == ModePlan {
		planAll(t)
		return x.err(ctx)
	}
	warnings, err := x.gate.check(calls, cfg.API)
	if err != nil {
		if parchment.IsFatal(err) {
			x.stop.abort(err)
		}
		return cmp.Or(x.err(ctx), error(&AbortError{Cause: err}))
	}
	report.Warnings = warnings
	x.execute(ctx, calls, phases(), lc, func(d decision) { x.one(calls, d) })
	return x.err(ctx)
}

func outcome(r *Report, err error) string {
	switch {
	case errors.Is(err, ErrHeld):
		return OutcomeHeld
	case errors.Is(err, ErrInterrupted):
		return OutcomeInterrupted
	case err != nil:
		return OutcomeAborted
	case r.HasFailures():
		return OutcomePartial
	default:
		return OutcomeDone
	}
}

// planOne reports a decision without acting on it.
func planOne(t *tally, d decision) {
	c := d.change()
	switch d.action {
	case ActionResolve:
		if d.row == nil {
			c.Note = "an interrupted run's create will be looked up in Parchment; it is not on the roster"
			t.add(ActionOrphaned, c)
			return
		}
		c.Note = "resolves a create an interrupted run left pending"
		t.add(ActionCreate, c)
	case ActionInvalid:
		t.add(ActionInvalid, c, problemFailures(d.problems, d.line(), d.externalID())...)
	case actionFailed:
		t.add(actionFailed, c, *d.failure)
	default:
		t.add(d.action, c)
	}
}

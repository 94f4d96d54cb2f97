package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sourcegraph/conc/pool"

	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Progress shows each organisation's run as it goes; the command line's
// bars, or nothing.
type Progress interface {
	Bar(name string) psync.Progress
}

// Run builds and checks req's jobs, then runs every one, at most
// req.Parallel at once, each with its own client (so its own rate
// limit), lock and run record. The error is a job that could not be
// built; a run's own failure is in its Result. Each Result's report must
// be closed.
func (a *App) Run(ctx context.Context, mode psync.Mode, req Request, logger *slog.Logger, progress Progress) ([]Result, error) {
	jobs, err := a.jobs(mode, req)
	if err != nil {
		return nil, err
	}
	warnExposedLedgers(jobs, logger)
	return a.runJobs(ctx, mode, req, jobs, logger, progress), nil
}

// Result is how one organisation's run ended.
type Result struct {
	Mode    psync.Mode
	Job     Job
	Report  *psync.Report // nil when the run never started
	Err     error         // with its severity (an *Error), or nil
	Started time.Time
	Elapsed time.Duration
	// settings are what the decisions were made with, for a plan file.
	settings planSettings
	// lastSuccess is when the organisation's previous finished apply
	// started, for the metrics.
	lastSuccess time.Time
}

// Severity is how the run ended.
func (r Result) Severity() Severity { return SeverityOf(r.Err) }

func (a *App) runJobs(ctx context.Context, mode psync.Mode, req Request, jobs []Job, logger *slog.Logger, progress Progress) []Result {
	results := make([]Result, len(jobs))
	p := pool.New().WithMaxGoroutines(max(req.Parallel, 1))
	for i, j := range jobs {
		p.Go(func() {
			log := logger
			if j.Name != "" {
				log = logger.With("organization", j.Name)
			}
			started := time.Now()
			report, lastSuccess, err := a.runJob(ctx, mode, req, j, log, progress.Bar(j.Label()))
			if kind := parchment.Kind(err); kind != "" && errors.As(err, new(*psync.AbortError)) {
				// Say which setting the failure points at, as check does.
				err = fmt.Errorf("%w (%s)", err, parchmentFix(j, kind))
			}
			if report != nil && err != nil {
				report.Error = a.Redactor.Secrets(err.Error())
			}
			results[i] = Result{
				Mode: mode, Job: j, Report: report, Err: syncErr(err, report), Started: started, Elapsed: time.Since(started),
				settings: settingsOf(j), lastSuccess: lastSuccess,
			}
		})
	}
	p.Wait()
	return results
}

// Worst is the result of the most severe outcome; the first of equals.
func Worst(results []Result) Result {
	worst := results[0]
	for _, r := range results[1:] {
		if r.Severity() > worst.Severity() {
			worst = r
		}
	}
	return worst
}

// OutcomeNotStarted is a report's outcome when the run never began: the
// source was unreadable, the ledger unreachable or the organisation
// locked.
const OutcomeNotStarted = "not_started"

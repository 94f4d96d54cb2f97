package cli

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

// jobResult is how one organisation's run ended.
type jobResult struct {
	job     job
	report  *psync.Report
	err     error // with its exit code (a *codeError), or nil
	started time.Time
	elapsed time.Duration
	// settings are what the decisions were made with, for a plan file.
	settings planSettings
	// lastSuccess is when the organisation's previous finished apply
	// started, for the metrics.
	lastSuccess time.Time
}

func (r jobResult) code() int { return codeOf(r.err) }

// codeOf is the exit code err carries.
func codeOf(err error) int {
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code
	}
	return ExitOK
}

// runJobs runs every job, at most --parallel at once, each with its own
// client (so its own rate limit), lock and run record.
func (a *app) runJobs(ctx context.Context, mode psync.Mode, f *syncFlags, jobs []job, logger *slog.Logger, display *progressDisplay) []jobResult {
	results := make([]jobResult, len(jobs))
	p := pool.New().WithMaxGoroutines(f.fleet.parallel)
	for i, j := range jobs {
		p.Go(func() {
			log := logger
			if j.name != "" {
				log = logger.With("organization", j.name)
			}
			started := time.Now()
			report, lastSuccess, err := a.runJob(ctx, mode, f, j, log, display.Bar(firstSet(j.name, j.orgID)))
			if report == nil && f.output == "json" {
				// Scripts parse stdout whatever the exit code: a run that
				// never started still answers with one object, counts zero.
				report = &psync.Report{Mode: mode, OrganizationID: j.orgID, Outcome: outcomeNotStarted,
					Failures: []psync.Failure{}, Changes: []psync.Change{}, Warnings: []string{}, Requests: map[string]int{}}
			}
			if kind := parchment.Kind(err); kind != "" && errors.As(err, new(*psync.AbortError)) {
				// Say which setting the failure points at, as check does.
				err = fmt.Errorf("%w (%s)", err, parchmentFix(j, kind))
			}
			if report != nil && err != nil {
				report.Error = a.redactor.Secrets(err.Error())
			}
			results[i] = jobResult{
				job: j, report: report, err: syncErr(err, report), started: started, elapsed: time.Since(started),
				settings: settingsOf(j), lastSuccess: lastSuccess,
			}
		})
	}
	p.Wait()
	return results
}

// finish writes the reports and returns the invocation's exit: a single
// organisation's own, or the most severe of several.
func (a *app) finish(f *syncFlags, results []jobResult) error {
	var werr error
	if f.fleet.configFile == "" {
		r := results[0]
		if r.report != nil {
			werr = a.writeReport(f.output, r.report)
		}
		if werr != nil && r.err == nil {
			// The run happened: this is not a usage error.
			return withCode(ExitAborted, fmt.Errorf("write report: %w", werr))
		}
		if f.output == "text" && r.report != nil && r.report.Hold != nil && errors.Is(r.err, psync.ErrHeld) {
			// The text report said why and what to do; once is enough.
			return withCode(ExitHeld, nil)
		}
		return r.err
	}
	werr = a.writeFleet(f.output, results)
	worst := worstResult(results)
	for _, r := range results {
		if r.err != nil && r.code() != worst.code() {
			// The worst one's message is printed by run; say the others here.
			fmt.Fprintf(a.stderr, "parchment-sync: %s: %s\n", r.job.name, a.redactor.Secrets(r.err.Error()))
		}
	}
	if werr != nil && worst.err == nil {
		return withCode(ExitAborted, fmt.Errorf("write report: %w", werr))
	}
	if worst.err != nil && worst.job.name != "" {
		var ce *codeError
		if errors.As(worst.err, &ce) && ce.err != nil {
			return withCode(ce.code, fmt.Errorf("%s: %w", worst.job.name, ce.err))
		}
	}
	return worst.err
}

// severity orders exit codes from most to least severe for an invocation
// running several organisations.
func severity(code int) int {
	for i, c := range []int{ExitAborted, ExitUsage, ExitHeld, ExitFailures, ExitLocked, ExitOK} {
		if c == code {
			return i
		}
	}
	return 0
}

func worstResult(results []jobResult) jobResult {
	worst := results[0]
	for _, r := range results[1:] {
		if severity(r.code()) < severity(worst.code()) {
			worst = r
		}
	}
	return worst
}

// namedReport is one organisation's report in a config file's output.
type namedReport struct {
	Name string `json:"name"`
	*psync.Report
}

func (a *app) writeFleet(format string, results []jobResult) error {
	if format == "json" {
		out := struct {
			Organizations []namedReport `json:"organizations"`
			Outcome       string        `json:"outcome"`
		}{Organizations: []namedReport{}}
		for _, r := range results {
			out.Organizations = append(out.Organizations, namedReport{Name: r.job.name, Report: r.report})
		}
		out.Outcome = fleetOutcome(results)
		reports := make([]*psync.Report, len(results))
		for i, r := range results {
			reports[i] = r.report
		}
		return encodeReports(a.stdout, out, reports)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		fmt.Fprintf(a.stdout, "== %s\n", r.job.name)
		if r.report == nil {
			fmt.Fprintf(a.stdout, "not started: %v\n", r.err)
			continue
		}
		if err := writeText(a.stdout, r.report); err != nil {
			return err
		}
	}
	return nil
}

// fleetOutcome is the outcome of the organisation with the most severe
// exit code: "done" only when every organisation is done.
func fleetOutcome(results []jobResult) string {
	worst := worstResult(results)
	if worst.report == nil {
		return outcomeNotStarted
	}
	return worst.report.Outcome
}

// outcomeNotStarted is the JSON report's outcome when the run never began:
// the source was unreadable, the ledger unreachable or the organisation
// locked.
const outcomeNotStarted = "not_started"

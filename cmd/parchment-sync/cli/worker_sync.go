package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/parchment-sync/parchment-sync/queue"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// syncOrganization is one job: exactly `apply --config FILE --org NAME`,
// with the file read afresh, and the same lock, run record, report and exit
// code. The exit code becomes the queue's verdict.
func (a *app) syncOrganization(ctx context.Context, w *workerFlags, ledgerURL, name string, logger *slog.Logger) queue.Result {
	f := queueSyncFlags(w.configFile, []string{name})
	f.ops.pushgateway = w.pushgateway
	jobs, err := a.jobs(psync.ModeApply, f)
	if err != nil {
		return queue.Result{Verdict: verdictOf(codeOf(err)), Err: err}
	}
	if jobs[0].ledgerURL != ledgerURL {
		return queue.Result{Verdict: queue.Refused, Err: fmt.Errorf(
			"%s: the config file now names another ledger for this organisation (%s); restart the workers after moving a ledger", name, jobs[0].where("ledger"))}
	}
	jobs[0].ledgerURL = a.withKeepalives(ledgerURL)
	results := a.runJobs(ctx, psync.ModeApply, f, jobs, logger, newProgressDisplay(io.Discard, false))
	a.publishMetrics(ctx, f, results, logger)
	r := results[0]
	return queue.Result{Verdict: verdictOf(r.code()), Err: resultErr(r), Sent: sent(r.report), Output: outputOf(r)}
}

// verdictOf maps apply's exit codes to what the queue does with the job.
func verdictOf(code int) queue.Verdict {
	switch code {
	case ExitOK, ExitFailures:
		return queue.Done
	case ExitLocked:
		return queue.Locked
	case ExitUsage, ExitHeld:
		return queue.Refused
	default:
		return queue.Failed
	}
}

// resultErr is why the run did not finish, for the job's row: the error
// apply would print, else the report's.
func resultErr(r jobResult) error {
	var ce *codeError
	if errors.As(r.err, &ce) && ce.err != nil {
		return fmt.Errorf("exit %d: %w", ce.code, ce.err)
	}
	if r.err != nil && r.report != nil && r.report.Error != "" {
		return fmt.Errorf("exit %d: %s", r.code(), r.report.Error)
	}
	if r.err != nil {
		return fmt.Errorf("exit %d", r.code())
	}
	return nil
}

// sent reports whether the run sent any change.
func sent(r *psync.Report) bool {
	if r == nil {
		return false
	}
	c := r.Counts
	return c.Create+c.Adopt+c.Update+c.Enable+c.Disable > 0
}

// jobOutput is the run's summary kept with its job: ids, outcome and
// counts, never a field value.
type jobOutput struct {
	RunID          int64         `json:"run_id,omitempty"`
	OrganizationID string        `json:"organization_id"`
	Outcome        string        `json:"outcome"`
	ExitCode       int           `json:"exit_code"`
	Counts         *psync.Counts `json:"counts,omitempty"`
}

func outputOf(r jobResult) jobOutput {
	out := jobOutput{OrganizationID: r.job.orgID, ExitCode: r.code(), Outcome: outcomeNotStarted}
	if r.report != nil {
		out.RunID, out.Outcome = r.report.RunID, r.report.Outcome
		if r.report.RunID != 0 {
			counts := r.report.Counts
			out.Counts = &counts
		}
	}
	return out
}

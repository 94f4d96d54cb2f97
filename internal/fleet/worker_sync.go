package fleet

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/parchment-sync/parchment-sync/queue"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// syncOrganization is one job: exactly `apply --config FILE --org NAME`,
// with the file read afresh, and the same lock, run record, report and
// severity, which becomes the queue's verdict.
func (a *App) syncOrganization(ctx context.Context, w Worker, ledgerURL, name string, logger *slog.Logger) queue.Result {
	req := queueRequest(w.ConfigFile, []string{name})
	req.Metrics.Pushgateway = w.Pushgateway
	jobs, err := a.jobs(psync.ModeApply, req)
	if err != nil {
		return queue.Result{Verdict: verdictOf(SeverityOf(err)), Err: err}
	}
	if jobs[0].LedgerURL != ledgerURL {
		return queue.Result{Verdict: queue.Refused, Err: fmt.Errorf(
			"%s: the config file now names another ledger for this organisation (%s); restart the workers after moving a ledger", name, jobs[0].where("ledger"))}
	}
	jobs[0].LedgerURL = a.withKeepalives(ledgerURL)
	results := a.runJobs(ctx, psync.ModeApply, req, jobs, logger, noProgress{})
	a.Publish(ctx, req, results, logger)
	r := results[0]
	return queue.Result{Verdict: verdictOf(r.Severity()), Err: a.resultErr(r), Sent: sent(r.Report), Output: a.outputOf(r)}
}

// noProgress shows nothing: nobody watches a queued job.
type noProgress struct{}

func (noProgress) Bar(string) psync.Progress { return noBar{} }

type noBar struct{}

func (noBar) Start(int)         {}
func (noBar) Done(psync.Action) {}

// verdictOf is the one place a severity becomes what the queue does with
// the job.
func verdictOf(s Severity) queue.Verdict {
	switch s {
	case OK, RowsFailed:
		return queue.Done
	case Locked:
		return queue.Locked
	case Usage, Held:
		return queue.Refused
	default:
		return queue.Failed
	}
}

// resultErr is why the run did not finish, for the job's row: the error
// apply would print, else the report's.
func (a *App) resultErr(r Result) error {
	code := a.ExitCode(r.Severity())
	if cause := Cause(r.Err); cause != nil {
		return fmt.Errorf("exit %d: %w", code, cause)
	}
	if r.Err != nil && r.Report != nil && r.Report.Error != "" {
		return fmt.Errorf("exit %d: %s", code, r.Report.Error)
	}
	if r.Err != nil {
		return fmt.Errorf("exit %d", code)
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

// JobOutput is the run's summary kept with its job: ids, outcome and
// counts, never a field value.
type JobOutput struct {
	RunID          int64         `json:"run_id,omitempty"`
	OrganizationID string        `json:"organization_id"`
	Outcome        string        `json:"outcome"`
	ExitCode       int           `json:"exit_code"`
	Counts         *psync.Counts `json:"counts,omitempty"`
}

func (a *App) outputOf(r Result) JobOutput {
	out := JobOutput{OrganizationID: r.Job.OrgID, ExitCode: a.ExitCode(r.Severity()), Outcome: OutcomeNotStarted}
	if r.Report != nil {
		out.RunID, out.Outcome = r.Report.RunID, r.Report.Outcome
		if r.Report.RunID != 0 {
			counts := r.Report.Counts
			out.Counts = &counts
		}
	}
	return out
}

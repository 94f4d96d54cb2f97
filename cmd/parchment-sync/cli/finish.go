package cli

import (
	"errors"
	"fmt"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/report"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// finish writes the reports and returns the invocation's exit: a single
// organisation's own, or the most severe of several.
func (a *app) finish(f *syncFlags, results []fleet.Result) error {
	if f.output == "json" {
		notStarted(results, a.redactor.Secrets)
	}
	var werr error
	if f.fleet.configFile == "" {
		r := results[0]
		if r.Report != nil {
			werr = a.writeReport(f.output, r.Report)
		}
		if werr != nil && r.Err == nil {
			// The run happened: this is not a usage error.
			return withCode(fleet.Aborted, fmt.Errorf("write report: %w", werr))
		}
		if f.output == "text" && r.Report != nil && r.Report.Hold != nil && errors.Is(r.Err, psync.ErrHeld) {
			// The text report said why and what to do; once is enough.
			return withCode(fleet.Held, nil)
		}
		return r.Err
	}
	werr = a.writeFleet(f.output, results)
	worst := fleet.Worst(results)
	for _, r := range results {
		if r.Err != nil && r.Severity() != worst.Severity() {
			// The worst one's message is printed by run; say the others here.
			fmt.Fprintf(a.stderr, "parchment-sync: %s: %s\n", r.Job.Name, a.redactor.Secrets(r.Err.Error()))
		}
	}
	if werr != nil && worst.Err == nil {
		return withCode(fleet.Aborted, fmt.Errorf("write report: %w", werr))
	}
	if worst.Err != nil && worst.Job.Name != "" {
		if cause := fleet.Cause(worst.Err); cause != nil {
			return withCode(worst.Severity(), fmt.Errorf("%s: %w", worst.Job.Name, cause))
		}
	}
	return worst.Err
}

func (a *app) writeFleet(format string, results []fleet.Result) error {
	if format == "json" {
		out := struct {
			Organizations []report.Named `json:"organizations"`
			Outcome       string         `json:"outcome"`
		}{Organizations: []report.Named{}}
		for _, r := range results {
			out.Organizations = append(out.Organizations, report.Named{Name: r.Job.Name, Report: r.Report})
		}
		out.Outcome = fleetOutcome(results)
		reports := make([]*psync.Report, len(results))
		for i, r := range results {
			reports[i] = r.Report
		}
		return report.JSON(a.stdout, out, reports)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		fmt.Fprintf(a.stdout, "== %s\n", r.Job.Name)
		if r.Report == nil {
			fmt.Fprintf(a.stdout, "not started: %v\n", r.Err)
			continue
		}
		if err := report.Text(a.stdout, r.Report); err != nil {
			return err
		}
	}
	return nil
}

// fleetOutcome is the outcome of the organisation with the most severe
// exit code: "done" only when every organisation is done.
func fleetOutcome(results []fleet.Result) string {
	worst := fleet.Worst(results)
	if worst.Report == nil {
		return fleet.OutcomeNotStarted
	}
	return worst.Report.Outcome
}

// notStarted gives each run that never started a report saying so:
// scripts parse stdout whatever the exit code, so such a run still
// answers with one object, counts zero.
func notStarted(results []fleet.Result, redact func(string) string) {
	for i, r := range results {
		if r.Report != nil {
			continue
		}
		results[i].Report = &psync.Report{Mode: r.Mode, OrganizationID: r.Job.OrgID, Outcome: fleet.OutcomeNotStarted,
			Failures: []psync.Failure{}, Changes: []psync.Change{}, Warnings: []string{}, Requests: map[string]int{}}
		if r.Err != nil {
			results[i].Report.Error = redact(r.Err.Error())
		}
	}
}

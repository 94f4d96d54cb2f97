package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/report"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// historyFlags are runs' and show's.
type historyFlags struct {
	ledgerURL   string
	configFile  string
	orgs        []string
	orgID       string
	limit       int
	output      string
	failuresCSV string
}

func (a *app) runsCommand() *cobra.Command {
	h := &historyFlags{}
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List past runs: id, organisation, mode, start, duration, outcome, counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if h.output != "text" && h.output != "json" {
				return usageErr("--output must be text or json, not %q", h.output)
			}
			if h.limit < 1 {
				return usageErr("--limit must be at least 1")
			}
			targets, err := a.historyTargets(h, cmd.Flags())
			if err != nil {
				return err
			}
			runs, err := fleet.ReadRuns(cmd.Context(), targets, h.limit)
			if err != nil {
				return err
			}
			return a.writeRuns(h.output, runs)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&h.ledgerURL, "ledger", "", "ledger URL (env PARCHMENT_LEDGER_URL, then DATABASE_URL; default the local SQLite ledger)")
	h.registerSelection(fs)
	fs.IntVar(&h.limit, "limit", 20, "how many runs, newest first")
	fs.StringVar(&h.output, "output", "text", "text or json")
	return cmd
}

// runSummary is one run as runs lists it.
type runSummary struct {
	ID             int64        `json:"id"`
	OrganizationID string       `json:"organization_id"`
	Mode           string       `json:"mode"`
	Source         string       `json:"source"`
	StartedAt      time.Time    `json:"started_at"`
	DurationSec    float64      `json:"duration_seconds"`
	Outcome        string       `json:"outcome"`
	Counts         psync.Counts `json:"counts"`
}

func summariseRun(r psync.Run) runSummary {
	s := runSummary{ID: r.ID, OrganizationID: r.OrganizationID, Mode: r.Mode, Source: r.Source, StartedAt: r.StartedAt, Outcome: r.Outcome, Counts: r.Counts}
	if !r.FinishedAt.IsZero() {
		s.DurationSec = r.FinishedAt.Sub(r.StartedAt).Seconds()
	}
	return s
}

func (a *app) writeRuns(format string, runs []psync.Run) error {
	if format == "json" {
		out := make([]runSummary, 0, len(runs))
		for _, r := range runs {
			out = append(out, summariseRun(r))
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Runs []runSummary `json:"runs"`
		}{out})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tORGANIZATION\tMODE\tSTARTED\tDURATION\tOUTCOME\tCOUNTS")
	for _, r := range runs {
		s := summariseRun(r)
		dur := "-"
		if !r.FinishedAt.IsZero() {
			dur = (time.Duration(s.DurationSec * float64(time.Second))).Round(time.Millisecond).String()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.OrganizationID, r.Mode,
			r.StartedAt.Local().Format(time.RFC3339), dur, r.Outcome, countsText(r.Counts))
	}
	return tw.Flush()
}

// countsText lists the non-zero counts.
func countsText(c psync.Counts) string {
	var parts []string
	for _, kv := range []struct {
		k string
		v int
	}{{"create", c.Create}, {"adopt", c.Adopt}, {"update", c.Update}, {"enable", c.Enable}, {"disable", c.Disable},
		{"unchanged", c.Unchanged}, {"manual", c.Manual}, {"orphaned", c.Orphaned}, {"invalid", c.Invalid}, {"failed", c.Failed}} {
		if kv.v != 0 {
			parts = append(parts, fmt.Sprintf("%s %d", kv.k, kv.v))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func (a *app) showCommand() *cobra.Command {
	h := &historyFlags{}
	cmd := &cobra.Command{
		Use:   "show RUN_ID",
		Short: "Print a run's changes and failures, with request ids",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id < 1 {
				return usageErr("RUN_ID must be a run's number, as runs lists them, not %q", args[0])
			}
			if h.output != "text" && h.output != "json" {
				return usageErr("--output must be text or json, not %q", h.output)
			}
			url, err := a.showLedger(h, cmd.Flags())
			if err != nil {
				return err
			}
			run, err := fleet.ReadRun(cmd.Context(), url, id)
			if err != nil {
				return err
			}
			if h.failuresCSV != "" {
				if err := fleet.WriteFailuresCSV(h.failuresCSV, run.Failures); err != nil {
					return usageErr("--failures-csv: %v", err)
				}
			}
			return a.writeRun(h.output, run)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&h.ledgerURL, "ledger", "", "ledger URL (env PARCHMENT_LEDGER_URL, then DATABASE_URL; default the local SQLite ledger)")
	fs.StringVar(&h.output, "output", "text", "text or json")
	fs.StringVar(&h.failuresCSV, "failures-csv", "", "also write the run's failures to this CSV file")
	fs.StringVar(&h.configFile, "config", "", "YAML file listing organisations (see README): read the ledger of the one --org names")
	fs.StringArrayVar(&h.orgs, "org", nil, "with --config: the organisation, by its name in the file, whose ledger holds the run")
	return cmd
}

func (a *app) writeRun(format string, run psync.Run) error {
	rep := &psync.Report{
		Mode: psync.Mode(run.Mode), OrganizationID: run.OrganizationID, RunID: run.ID, Outcome: run.Outcome,
		Counts: run.Counts, Changes: run.Changes, Failures: run.Failures, Error: run.Error,
	}
	if rep.Changes == nil {
		rep.Changes = []psync.Change{}
	}
	if rep.Failures == nil {
		rep.Failures = []psync.Failure{}
	}
	rep.Warnings = []string{} // a run's warnings are not kept in its history
	if format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Run runSummary `json:"run"`
			*psync.Report
		}{summariseRun(run), rep})
	}
	s := summariseRun(run)
	fmt.Fprintf(a.stdout, "run %d: %s of %s from %s, started %s, %.1f s\n", run.ID, run.Mode, run.OrganizationID, run.Source,
		run.StartedAt.Local().Format(time.RFC3339), s.DurationSec)
	if run.Error != "" {
		fmt.Fprintf(a.stdout, "error: %s\n", run.Error)
	}
	if len(run.Changes) >= psync.KeptInReport || len(run.Failures) >= psync.KeptInReport {
		fmt.Fprintf(a.stdout, "history keeps a run's first %d changes and first %d failures; the counts are complete, and the run's own report listed every one\n",
			psync.KeptInReport, psync.KeptInReport)
	}
	return report.Text(a.stdout, withRequestIDs(rep))
}

// withRequestIDs copies r with each change's request id in its note, so
// the text report shows them.
func withRequestIDs(r *psync.Report) *psync.Report {
	cp := *r
	cp.Changes = make([]psync.Change, len(r.Changes))
	for i, c := range r.Changes {
		if c.RequestID != "" {
			c.Note = strings.TrimPrefix(c.Note+"; request "+c.RequestID, "; ")
		}
		cp.Changes[i] = c
	}
	return &cp
}

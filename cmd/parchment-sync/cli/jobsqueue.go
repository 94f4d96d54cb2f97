package cli

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/queue"
)

// jobsFlags are the jobs command's.
type jobsFlags struct {
	configFile, ledgerURL, output string
	orgs                          []string
	limit                         int
}

func (a *app) jobsCommand() *cobra.Command {
	fl := &jobsFlags{}
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "List recent sync jobs of the queue per organisation: state, attempt, worker, times, last error",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if fl.output != "text" && fl.output != "json" {
				return usageErr("--output must be text or json, not %q", fl.output)
			}
			if fl.limit < 1 {
				return usageErr("--limit must be at least 1")
			}
			if err := ledgerFlagsCheck(fl.configFile, fl.ledgerURL); err != nil {
				return err
			}
			ledgerURL, err := a.jobsLedger(fl)
			if err != nil {
				return err
			}
			logger, err := a.quietLogger()
			if err != nil {
				return err
			}
			jobs, err := a.fleet.QueuedJobs(cmd.Context(), ledgerURL, fl.orgs, fl.limit, logger)
			if err != nil {
				return err
			}
			return a.writeJobs(fl.output, jobs)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&fl.configFile, "config", "", "the workers' config file, for its ledger (or give --ledger)")
	fs.StringVar(&fl.ledgerURL, "ledger", "", "the ledger's postgres:// URL (env PARCHMENT_LEDGER_URL, then DATABASE_URL)")
	fs.StringArrayVar(&fl.orgs, "org", nil, "only this organisation, by its name in the config file (repeatable)")
	fs.IntVar(&fl.limit, "limit", 50, "how many of the newest jobs")
	fs.StringVar(&fl.output, "output", "text", "text or json")
	return cmd
}

// jobsLedger is the config file's shared ledger, else --ledger or the
// environment's; either way PostgreSQL.
func (a *app) jobsLedger(fl *jobsFlags) (string, error) {
	if fl.configFile != "" {
		url, _, err := a.fleet.QueueLedger(fl.configFile, fl.orgs)
		return url, err
	}
	return a.fleet.PostgresLedger(fl.ledgerURL)
}

// quietLogger is for the short commands (enqueue, jobs), which log only
// warnings.
func (a *app) quietLogger() (*slog.Logger, error) {
	logger, err := a.logger("warn")
	if err != nil {
		return nil, withCode(fleet.Usage, err)
	}
	return logger, nil
}

// ledgerFlagsCheck refuses --ledger with --config, as apply does.
func ledgerFlagsCheck(configFile, ledgerFlag string) error {
	if configFile != "" && ledgerFlag != "" {
		return usageErr("--ledger cannot be combined with --config: the config file names the ledger")
	}
	return nil
}

func (a *app) writeJobs(format string, jobs []queue.Job) error {
	if format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Jobs []queue.Job `json:"jobs"`
		}{jobs})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORGANIZATION\tJOB\tSTATE\tATTEMPT\tWORKER\tCREATED\tATTEMPTED\tFINISHED\tRUN\tOUTCOME\tLAST ERROR")
	for _, j := range jobs {
		var out fleet.JobOutput
		run, outcome := "-", "-"
		if len(j.Output) > 0 && json.Unmarshal(j.Output, &out) == nil && out.Outcome != "" {
			outcome = out.Outcome
			if out.RunID != 0 {
				run = fmt.Sprint(out.RunID)
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d/%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.ID, j.State, j.Attempt, j.MaxAttempts,
			orDash(j.Worker), localTime(&j.CreatedAt), localTime(j.AttemptedAt), localTime(j.FinalizedAt), run, outcome, oneLine(j.LastError))
	}
	return tw.Flush()
}

func localTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps a table row on one line.
func oneLine(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Join(strings.Fields(s), " ")
}

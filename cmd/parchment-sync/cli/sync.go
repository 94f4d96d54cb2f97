package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// syncFlags are plan's, apply's and check's flags; each falls back to
// the environment where the contract says so. With --config the
// per-organisation ones come from the file instead.
type syncFlags struct {
	// job is the organisation the flags describe, and the settings that
	// win over a config file's when given.
	job      fleet.Job
	output   string
	logLevel string
	fleet    fleetFlags
	ops      opsFlags
	// planOut (plan --out) saves the plan; planIn (apply --plan) carries
	// one out.
	planOut, planIn string
	// set is the command's flag set, to tell a flag given from its default.
	set *pflag.FlagSet
}

func (a *app) planCommand() *cobra.Command {
	f := &syncFlags{}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change; sends nothing",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runSync(cmd.Context(), psync.ModePlan, f) },
	}
	f.register(cmd)
	cmd.Flags().StringVar(&f.planOut, "out", "", "save the plan to FILE for review; apply --plan FILE then carries out exactly it")
	return cmd
}

func (a *app) applyCommand() *cobra.Command {
	f := &syncFlags{}
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Send the roster's changes to Parchment",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runSync(cmd.Context(), psync.ModeApply, f) },
	}
	f.register(cmd)
	cmd.Flags().StringVar(&f.planIn, "plan", "", "carry out exactly the plan saved by plan --out FILE; refused (exit 2, nothing sent) if the source or ledger changed since")
	return cmd
}

func (f *syncFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	f.set = fs
	f.job = fleet.DefaultJob()
	registerSource(fs, &f.job.Source)
	fs.StringVar(&f.job.APIURL, "api-url", "", "Parchment base URL, path prefix included (env PARCHMENT_API_URL)")
	fs.StringVar(&f.job.OrgID, "organization-id", "", "Parchment organisation id (env PARCHMENT_ORGANIZATION_ID)")
	fs.StringVar(&f.job.LedgerURL, "ledger", "", "ledger URL: postgres://… or sqlite:PATH (env PARCHMENT_LEDGER_URL, then DATABASE_URL)")
	fs.StringVar(&f.output, "output", "text", "report format: text or json")
	fs.StringVar(&f.logLevel, "log-level", "info", "stderr log level: debug, info, warn or error")
	fs.BoolVar(&f.job.Refresh, "refresh", false, "read every synced user from Parchment first, so edits made by hand in the portal are found and overwritten (plan then needs --api-url and credentials)")
	registerJob(fs, &f.job)
	registerPacing(fs, &f.job)
	f.fleet.register(fs)
	f.ops.register(fs)
}

// request is what the flags ask of the application.
func (f *syncFlags) request() fleet.Request {
	return fleet.Request{
		Job: f.job, Given: f.set.Changed, ConfigFile: f.fleet.configFile, Orgs: f.fleet.orgs, Parallel: f.fleet.parallel,
		PlanIn: f.planIn, Metrics: fleet.Metrics{File: f.ops.metricsFile, Pushgateway: f.ops.pushgateway},
	}
}

// resolve checks the flags that apply to every organisation.
func (f *syncFlags) resolve() error {
	var errs []error
	if f.output != "text" && f.output != "json" {
		errs = append(errs, fmt.Errorf("--output must be text or json, not %q", f.output))
	}
	errs = append(errs, f.fleet.check()...)
	errs = append(errs, f.ops.check()...)
	if f.fleet.configFile != "" {
		for _, name := range append([]string{"csv", "mapping", "source-db", "source-query", "api-url", "organization-id", "ledger"}, orgSettingFlags()...) {
			if f.set.Changed(name) {
				errs = append(errs, fmt.Errorf("--%s cannot be combined with --config: set it in the config file", name))
			}
		}
	} else if len(f.fleet.orgs) > 0 {
		errs = append(errs, errors.New("--org needs --config"))
	}
	if len(errs) > 0 {
		return withCode(fleet.Usage, errors.Join(errs...))
	}
	return nil
}

func (a *app) runSync(ctx context.Context, mode psync.Mode, f *syncFlags) error {
	if err := f.resolve(); err != nil {
		return err
	}
	a.tuneCollector()
	display := newProgressDisplay(a.stderr, isTerminal(a.stderr))
	defer display.Close()
	logger, err := a.loggerTo(display.Writer(), f.logLevel, f.ops.logFormat)
	if err != nil {
		return withCode(fleet.Usage, err)
	}
	req := f.request()
	results, err := a.fleet.Run(ctx, mode, req, logger, display)
	if err != nil {
		return err
	}
	defer func() {
		for _, r := range results {
			if r.Report != nil {
				r.Report.Close()
			}
		}
	}()
	// The report goes to a clean screen.
	display.Close()
	if mode == psync.ModeApply {
		a.fleet.Publish(ctx, req, results, logger)
	}
	err = a.finish(f, results)
	if f.planOut != "" {
		werr := fleet.WritePlanFile(f.planOut, results)
		if s := fleet.SeverityOf(err); werr != nil && (s == fleet.OK || s == fleet.RowsFailed || s == fleet.Held) {
			return withCode(fleet.Usage, fmt.Errorf("--out: %w", werr))
		}
	}
	return err
}

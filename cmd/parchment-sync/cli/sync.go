package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// syncFlags are plan's and apply's flags; each falls back to the
// environment where the contract says so.
type syncFlags struct {
	source      sourceFlags
	apiURL      string
	orgID       string
	ledgerURL   string
	output      string
	rate        float64
	burst       int
	concurrency int
	logLevel    string
	refresh     bool
	lifecycle   lifecycleFlags
}

// lifecycleFlags say what happens to leavers; plan takes them too, so it
// shows what apply would do.
type lifecycleFlags struct {
	leavers           string
	absentRuns        int
	maxLeavers        int
	maxLeaversPercent float64
	allowMassLeavers  bool
}

func (l *lifecycleFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&l.leavers, "leavers", string(psync.LeaversDisable), "what happens to leavers: disable, or report (nothing is disabled)")
	fs.IntVar(&l.absentRuns, "absent-runs", 2, "consecutive applies a synced person may be missing from the source before being disabled")
	fs.IntVar(&l.maxLeavers, "max-leavers", 5, "hold the run when more people would leave than this many …")
	fs.Float64Var(&l.maxLeaversPercent, "max-leavers-percent", 20, "… and than this percentage of the organisation's active synced people")
	fs.BoolVar(&l.allowMassLeavers, "allow-mass-leavers", false, "let this run through the mass-leaver guard, after review")
}

func (l *lifecycleFlags) check() []error {
	var errs []error
	if l.leavers != string(psync.LeaversDisable) && l.leavers != string(psync.LeaversReport) {
		errs = append(errs, fmt.Errorf("--leavers must be disable or report, not %q", l.leavers))
	}
	if l.absentRuns < 1 {
		errs = append(errs, errors.New("--absent-runs must be at least 1"))
	}
	if l.maxLeavers < 0 {
		errs = append(errs, errors.New("--max-leavers must not be negative"))
	}
	if l.maxLeaversPercent < 0 || l.maxLeaversPercent > 100 {
		errs = append(errs, errors.New("--max-leavers-percent must be from 0 to 100"))
	}
	return errs
}

// apply puts the flags into the engine's config; a zero limit there means
// its default, so an explicit 0 becomes psync.NoLeavers.
func (l *lifecycleFlags) apply(cfg *psync.Config) {
	cfg.Leavers = psync.Leavers(l.leavers)
	cfg.AbsentRuns = l.absentRuns
	cfg.MaxLeavers, cfg.MaxLeaversPercent = l.maxLeavers, l.maxLeaversPercent
	if l.maxLeavers == 0 {
		cfg.MaxLeavers = psync.NoLeavers
	}
	if l.maxLeaversPercent == 0 {
		cfg.MaxLeaversPercent = psync.NoLeavers
	}
	cfg.AllowMassLeavers = l.allowMassLeavers
}

func (a *app) planCommand() *cobra.Command {
	f := &syncFlags{}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change; sends nothing",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runSync(cmd.Context(), psync.ModePlan, f) },
	}
	f.register(cmd, false)
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
	f.register(cmd, true)
	return cmd
}

func (f *syncFlags) register(cmd *cobra.Command, sending bool) {
	fs := cmd.Flags()
	f.source.register(fs)
	fs.StringVar(&f.apiURL, "api-url", "", "Parchment base URL, path prefix included (env PARCHMENT_API_URL)")
	fs.StringVar(&f.orgID, "organization-id", "", "Parchment organisation id (env PARCHMENT_ORGANIZATION_ID)")
	fs.StringVar(&f.ledgerURL, "ledger", "", "PostgreSQL URL of the ledger (env PARCHMENT_LEDGER_URL, then DATABASE_URL)")
	fs.StringVar(&f.output, "output", "text", "report format: text or json")
	fs.StringVar(&f.logLevel, "log-level", "info", "stderr log level: debug, info, warn or error")
	fs.BoolVar(&f.refresh, "refresh", false, "read every synced user from Parchment first, so edits made by hand in the portal are found and overwritten (plan then needs --api-url and credentials)")
	f.lifecycle.register(fs)
	if sending {
		fs.Float64Var(&f.rate, "rate", 10, "requests per second to the organisation")
		fs.IntVar(&f.burst, "burst", 1, "requests that may be sent at once above the rate")
		fs.IntVar(&f.concurrency, "concurrency", 4, "calls in flight at once")
	}
}

// resolve applies environment fallbacks and checks what needs no I/O.
func (f *syncFlags) resolve(getenv env, mode psync.Mode) error {
	f.apiURL = firstSet(f.apiURL, getenv(envAPIURL))
	f.orgID = firstSet(f.orgID, getenv(envOrganizationID))
	f.ledgerURL = firstSet(f.ledgerURL, getenv(envLedgerURL), getenv(envDatabaseURL))
	var errs []error
	if f.orgID == "" {
		errs = append(errs, fmt.Errorf("--organization-id or %s is required", envOrganizationID))
	}
	if f.ledgerURL == "" {
		errs = append(errs, fmt.Errorf("--ledger, %s or %s is required", envLedgerURL, envDatabaseURL))
	}
	if (mode == psync.ModeApply || f.refresh) && f.apiURL == "" {
		errs = append(errs, fmt.Errorf("--api-url or %s is required", envAPIURL))
	}
	errs = append(errs, f.lifecycle.check()...)
	if mode == psync.ModeApply {
		if f.rate <= 0 {
			errs = append(errs, errors.New("--rate must be above 0"))
		}
		if f.burst < 1 {
			errs = append(errs, errors.New("--burst must be at least 1"))
		}
		if f.concurrency < 1 {
			errs = append(errs, errors.New("--concurrency must be at least 1"))
		}
	}
	if f.output != "text" && f.output != "json" {
		errs = append(errs, fmt.Errorf("--output must be text or json, not %q", f.output))
	}
	if err := f.source.check(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return withCode(ExitUsage, errors.Join(errs...))
	}
	return nil
}

func (a *app) runSync(ctx context.Context, mode psync.Mode, f *syncFlags) error {
	if err := f.resolve(a.getenv, mode); err != nil {
		return err
	}
	report, err := a.syncOnce(ctx, mode, f)
	if report == nil && f.output == "json" {
		// Scripts parse stdout whatever the exit code: a run that never
		// started still answers with one object, counts all zero.
		report = &psync.Report{Mode: mode, OrganizationID: f.orgID, Outcome: outcomeNotStarted,
			Failures: []psync.Failure{}, Changes: []psync.Change{}}
	}
	if report != nil {
		if err != nil {
			report.Error = err.Error()
		}
		if werr := a.writeReport(f.output, report); werr != nil && err == nil {
			// The run happened: this is not a usage error.
			err = withCode(ExitAborted, fmt.Errorf("write report: %w", werr))
		}
	}
	return syncErr(err, report)
}

// outcomeNotStarted is the JSON report's outcome when the run never began:
// the source was unreadable, the ledger unreachable or the organisation
// locked.
const outcomeNotStarted = "not_started"

// syncOnce reads the source, opens the ledger and runs the engine. The
// report is nil when the run never started.
func (a *app) syncOnce(ctx context.Context, mode psync.Mode, f *syncFlags) (*psync.Report, error) {
	logger, err := a.logger(f.logLevel)
	if err != nil {
		return nil, withCode(ExitUsage, err)
	}
	rows, err := f.source.read(ctx, logger)
	if err != nil {
		return nil, err
	}

	cfg := psync.Config{OrganizationID: f.orgID, Concurrency: f.concurrency, Source: f.source.name(), Logger: logger, Refresh: f.refresh}
	f.lifecycle.apply(&cfg)
	if mode == psync.ModeApply || f.refresh {
		client, err := parchment.New(a.parchmentConfig(f, logger))
		if err != nil {
			return nil, withCode(ExitUsage, err)
		}
		cfg.API = client
	}
	store, err := ledger.Open(ctx, f.ledgerURL, logger)
	if err != nil {
		return nil, ledgerErr(err)
	}
	defer store.Close()
	cfg.Store = store

	if mode == psync.ModePlan {
		return psync.Plan(ctx, cfg, rows)
	}
	return psync.Apply(ctx, cfg, rows)
}

// syncErr derives the exit code from a run's error and report, in one place.
func syncErr(err error, report *psync.Report) error {
	var abort *psync.AbortError
	var coded *codeError
	switch {
	case errors.As(err, &coded):
		return err
	case err == nil && report != nil && report.HasFailures():
		return withCode(ExitFailures, nil)
	case err == nil:
		return nil
	case errors.Is(err, psync.ErrHeld):
		return withCode(ExitHeld, err)
	case errors.Is(err, psync.ErrLocked):
		return withCode(ExitLocked, err)
	case errors.As(err, &abort), errors.Is(err, psync.ErrInterrupted):
		return withCode(ExitAborted, err)
	default:
		return withCode(ExitUsage, err)
	}
}

func ledgerErr(err error) error {
	if errors.Is(err, ledger.ErrUnreachable) {
		return withCode(ExitAborted, err)
	}
	return withCode(ExitUsage, err)
}

// parchmentConfig takes secrets from the environment only.
func (a *app) parchmentConfig(f *syncFlags, logger *slog.Logger) parchment.Config {
	cfg := parchment.Config{
		BaseURL:            f.apiURL,
		OrganizationID:     f.orgID,
		OrganizationSecret: a.getenv(envOrganizationSecret),
		Token:              a.getenv(envToken),
		Rate:               f.rate,
		Burst:              f.burst,
		Logger:             logger,
	}
	// A ready token wins: partner credentials are only for fetching one.
	if cfg.Token == "" {
		cfg.PartnerID, cfg.PartnerSecret, cfg.UserID = a.getenv(envPartnerID), a.getenv(envPartnerSecret), a.getenv(envUserID)
	}
	return cfg
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// syncFlags are plan's and apply's flags; each falls back to the
// environment where the contract says so. With --config the
// per-organisation ones come from the file instead.
type syncFlags struct {
	source      sourceFlags
	apiURL      string
	orgID       string
	ledgerURL   string
	output      string
	rate        rateValue
	burst       int
	concurrency int
	limits      callLimits
	logLevel    string
	refresh     bool
	lifecycle   lifecycleFlags
	settings    orgSettings
	fleet       fleetFlags
	ops         opsFlags
	// planOut (plan --out) saves the plan; planIn (apply --plan) carries
	// one out.
	planOut, planIn string
	// set is the command's flag set, to tell a flag given from its default.
	set *pflag.FlagSet
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
	f.source.register(fs)
	fs.StringVar(&f.apiURL, "api-url", "", "Parchment base URL, path prefix included (env PARCHMENT_API_URL)")
	fs.StringVar(&f.orgID, "organization-id", "", "Parchment organisation id (env PARCHMENT_ORGANIZATION_ID)")
	fs.StringVar(&f.ledgerURL, "ledger", "", "ledger URL: postgres://… or sqlite:PATH (env PARCHMENT_LEDGER_URL, then DATABASE_URL)")
	fs.StringVar(&f.output, "output", "text", "report format: text or json")
	fs.StringVar(&f.logLevel, "log-level", "info", "stderr log level: debug, info, warn or error")
	fs.BoolVar(&f.refresh, "refresh", false, "read every synced user from Parchment first, so edits made by hand in the portal are found and overwritten (plan then needs --api-url and credentials)")
	f.lifecycle.register(fs)
	f.limits.register(fs)
	f.settings.register(fs)
	f.fleet.register(fs)
	f.ops.register(fs)
	// plan takes them too: a config file's organisations set them, and
	// plan must diff exactly as apply would.
	f.rate = 10
	fs.Var(&f.rate, "rate", "most requests per second to the organisation (a ceiling: the client slows below it on 429), or auto to find the limit")
	fs.IntVar(&f.burst, "burst", 1, "requests that may be sent at once above the rate")
	fs.IntVar(&f.concurrency, "concurrency", 4, "calls in flight at once")
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
		return withCode(ExitUsage, errors.Join(errs...))
	}
	return nil
}

func (a *app) runSync(ctx context.Context, mode psync.Mode, f *syncFlags) error {
	if err := f.resolve(); err != nil {
		return err
	}
	display := newProgressDisplay(a.stderr, isTerminal(a.stderr))
	defer display.Close()
	logger, err := a.loggerTo(display.Writer(), f.logLevel, f.ops.logFormat)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	jobs, err := a.jobs(mode, f)
	if err != nil {
		return err
	}
	warnExposedLedgers(jobs, logger)
	results := a.runJobs(ctx, mode, f, jobs, logger, display)
	defer func() {
		for _, r := range results {
			if r.report != nil {
				r.report.Close()
			}
		}
	}()
	// The report goes to a clean screen.
	display.Close()
	if mode == psync.ModeApply {
		a.publishMetrics(ctx, f, results, logger)
	}
	err = a.finish(f, results)
	if f.planOut != "" {
		if werr := writePlanFile(f.planOut, results); werr != nil && (err == nil || codeOf(err) == ExitFailures || codeOf(err) == ExitHeld) {
			return withCode(ExitUsage, fmt.Errorf("--out: %w", werr))
		}
	}
	return err
}

// runJob reads one organisation's source, opens its ledger and runs the
// engine. The report is nil when the run never started.
func (a *app) runJob(ctx context.Context, mode psync.Mode, f *syncFlags, j job, logger *slog.Logger, progress psync.Progress) (*psync.Report, time.Time, error) {
	var lastSuccess time.Time
	rows, err := j.source.open(ctx, a.getenv, logger)
	defer closeRows(rows)
	if err != nil {
		return nil, lastSuccess, a.cleanErr(err)
	}
	cfg := psync.Config{
		OrganizationID: j.orgID, Concurrency: j.concurrency, Source: j.source.name(), Logger: logger,
		Refresh: j.refresh, Expect: j.expect, Progress: progress, Redact: a.redactor.Secrets,
	}
	j.lifecycle.apply(&cfg)
	j.settings.apply(&cfg)
	if mode == psync.ModeApply || j.refresh {
		client, err := parchment.New(a.parchmentConfig(j, logger))
		if err != nil {
			return nil, lastSuccess, withCode(ExitUsage, err)
		}
		cfg.API = client
	}
	store, err := openJobLedger(ctx, mode, j, logger)
	if err != nil {
		return nil, lastSuccess, ledgerErr(a.redactor.SecretsErr(err))
	}
	defer store.Close()
	cfg.Store = store
	if f.ops.metricsFile != "" || f.ops.pushgateway != "" {
		lastSuccess = lastSuccessfulApply(context.WithoutCancel(ctx), store, j.orgID)
	}

	run := psync.ApplyRows
	if mode == psync.ModePlan {
		run = psync.PlanRows
	}
	report, err := run(ctx, cfg, rows)
	return report, lastSuccess, err
}

// lastSuccessfulApply is when the organisation's latest apply that
// finished (done or partial) started, for the metrics; zero if none.
func lastSuccessfulApply(ctx context.Context, store ledger.Ledger, orgID string) time.Time {
	runs, err := store.Runs(ctx, ledger.RunFilter{OrganizationID: orgID, Limit: 100})
	if err != nil {
		return time.Time{}
	}
	for _, r := range runs {
		if r.Mode == string(psync.ModeApply) && (r.Outcome == psync.OutcomeDone || r.Outcome == psync.OutcomePartial) {
			return r.StartedAt
		}
	}
	return time.Time{}
}

// publishMetrics writes --metrics-file and pushes to --pushgateway; a
// failure is logged, never the run's exit code.
func (a *app) publishMetrics(ctx context.Context, f *syncFlags, results []jobResult, logger *slog.Logger) {
	if f.ops.metricsFile == "" && f.ops.pushgateway == "" {
		return
	}
	orgs := make([]orgMetrics, 0, len(results))
	for _, r := range results {
		orgs = append(orgs, orgMetricsOf(r, r.lastSuccess))
	}
	if err := f.ops.publish(ctx, orgs); err != nil {
		logger.Error("metrics not published; the run itself is unaffected", "error", err)
	}
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
	case errors.Is(err, psync.ErrStalePlan), errors.As(err, new(*mapping.SourceError)):
		// A source unreadable past its header is found before anything is sent.
		return withCode(ExitUsage, err)
	case errors.Is(err, psync.ErrLocked):
		return withCode(ExitLocked, err)
	case errors.As(err, &abort), errors.Is(err, psync.ErrInterrupted):
		return withCode(ExitAborted, err)
	default:
		return withCode(ExitUsage, err)
	}
}

// openJobLedger opens the ledger an apply writes, or a plan reads: a plan
// creates, migrates and writes nothing, so it works on a read-only copy;
// before the first apply it plans against an empty ledger, and it refuses
// one whose schema apply has yet to migrate.
func openJobLedger(ctx context.Context, mode psync.Mode, j job, logger *slog.Logger) (ledger.Ledger, error) {
	if mode == psync.ModeApply {
		return ledger.Open(ctx, j.ledgerURL, logger)
	}
	store, err := ledger.Open(ctx, j.ledgerURL, logger, ledger.ReadOnly())
	if errors.Is(err, ledger.ErrNoLedger) {
		logger.Info("no ledger yet: planning against an empty one; the first apply creates it", "error", err)
		return ledger.Empty(), nil
	}
	return store, err
}

func ledgerErr(err error) error {
	var schema *ledger.SchemaError
	switch {
	case errors.Is(err, ledger.ErrUnreachable):
		return withCode(ExitAborted, err)
	case errors.Is(err, ledger.ErrNoLedger):
		return withCode(ExitUsage, fmt.Errorf("%w: check --ledger, %s or %s", err, envLedgerURL, envDatabaseURL))
	case errors.As(err, &schema):
		return withCode(ExitUsage, fmt.Errorf("%w; until then this command cannot read it", err))
	}
	return withCode(ExitUsage, err)
}

// parchmentConfig takes secrets from the environment only, from the
// variables the job names.
func (a *app) parchmentConfig(j job, logger *slog.Logger) parchment.Config {
	cfg := parchment.Config{
		BaseURL:            j.apiURL,
		OrganizationID:     j.orgID,
		OrganizationSecret: a.getenv(j.secrets.organizationSecret),
		Token:              a.getenv(j.secrets.token),
		Rate:               j.rate,
		Burst:              j.burst,
		Logger:             logger,
		Redactor:           a.redactor,
	}
	j.limits.apply(&cfg)
	// A ready token wins: partner credentials are only for fetching one.
	if cfg.Token == "" {
		cfg.PartnerID, cfg.PartnerSecret, cfg.UserID = a.getenv(j.secrets.partnerID), a.getenv(j.secrets.partnerSecret), a.getenv(j.secrets.userID)
	}
	return cfg
}

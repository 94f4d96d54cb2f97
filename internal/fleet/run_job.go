package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Lifecycle say what happens to leavers; plan takes them too, so it
// shows what apply would do.
type Lifecycle struct {
	Leavers           string
	AbsentRuns        int
	MaxLeavers        int
	MaxLeaversPercent float64
	AllowMassLeavers  bool
}

func (l *Lifecycle) check() []error {
	var errs []error
	if l.Leavers != string(psync.LeaversDisable) && l.Leavers != string(psync.LeaversReport) {
		errs = append(errs, fmt.Errorf("--leavers must be disable or report, not %q", l.Leavers))
	}
	if l.AbsentRuns < 1 {
		errs = append(errs, errors.New("--absent-runs must be at least 1"))
	}
	if l.MaxLeavers < 0 {
		errs = append(errs, errors.New("--max-leavers must not be negative"))
	}
	if l.MaxLeaversPercent < 0 || l.MaxLeaversPercent > 100 {
		errs = append(errs, errors.New("--max-leavers-percent must be from 0 to 100"))
	}
	return errs
}

// apply puts the flags into the engine's config; a zero limit there means
// its default, so an explicit 0 becomes psync.NoLeavers.
func (l *Lifecycle) apply(cfg *psync.Config) {
	cfg.Leavers = psync.Leavers(l.Leavers)
	cfg.AbsentRuns = l.AbsentRuns
	cfg.MaxLeavers, cfg.MaxLeaversPercent = l.MaxLeavers, l.MaxLeaversPercent
	if l.MaxLeavers == 0 {
		cfg.MaxLeavers = psync.NoLeavers
	}
	if l.MaxLeaversPercent == 0 {
		cfg.MaxLeaversPercent = psync.NoLeavers
	}
	cfg.AllowMassLeavers = l.AllowMassLeavers
}

// runJob reads one organisation's source, opens its ledger and runs the
// engine. The report is nil when the run never started.
func (a *App) runJob(ctx context.Context, mode psync.Mode, req Request, j Job, logger *slog.Logger, progress psync.Progress) (*psync.Report, time.Time, error) {
	var lastSuccess time.Time
	rows, err := j.Source.open(ctx, a.Getenv, logger)
	defer closeRows(rows)
	if err != nil {
		return nil, lastSuccess, a.cleanErr(err)
	}
	cfg := psync.Config{
		OrganizationID: j.OrgID, Concurrency: j.Concurrency, Source: j.Source.name(), Logger: logger,
		Refresh: j.Refresh, Expect: j.expect, Progress: progress, Redact: a.Redactor.Secrets,
	}
	j.Lifecycle.apply(&cfg)
	j.Settings.apply(&cfg)
	if mode == psync.ModeApply || j.Refresh {
		client, err := parchment.New(a.parchmentConfig(j, logger))
		if err != nil {
			return nil, lastSuccess, Fail(Usage, err)
		}
		cfg.API = client
	}
	store, err := openJobLedger(ctx, mode, j, logger)
	if err != nil {
		return nil, lastSuccess, LedgerErr(a.Redactor.SecretsErr(err))
	}
	defer store.Close()
	cfg.Store = store
	if req.Metrics.wanted() {
		lastSuccess = lastSuccessfulApply(context.WithoutCancel(ctx), store, j.OrgID)
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

// Publish writes the metrics file and pushes to the Pushgateway that
// req names; a failure is logged, never the run's severity.
func (a *App) Publish(ctx context.Context, req Request, results []Result, logger *slog.Logger) {
	if !req.Metrics.wanted() {
		return
	}
	orgs := make([]orgMetrics, 0, len(results))
	for _, r := range results {
		orgs = append(orgs, a.orgMetricsOf(r, r.lastSuccess))
	}
	if err := req.Metrics.publish(ctx, orgs); err != nil {
		logger.Error("metrics not published; the run itself is unaffected", "error", err)
	}
}

// syncErr derives the severity from a run's error and report, in one place.
func syncErr(err error, report *psync.Report) error {
	var abort *psync.AbortError
	switch {
	case errors.As(err, new(*Error)):
		return err
	case err == nil && report != nil && report.HasFailures():
		return Fail(RowsFailed, nil)
	case err == nil:
		return nil
	case errors.Is(err, psync.ErrHeld):
		return Fail(Held, err)
	case errors.Is(err, psync.ErrStalePlan), errors.As(err, new(*mapping.SourceError)):
		// A source unreadable past its header is found before anything is sent.
		return Fail(Usage, err)
	case errors.Is(err, psync.ErrLocked):
		return Fail(Locked, err)
	case errors.As(err, &abort), errors.Is(err, psync.ErrInterrupted):
		return Fail(Aborted, err)
	default:
		return Fail(Usage, err)
	}
}

// openJobLedger opens the ledger an apply writes, or a plan reads: a plan
// creates, migrates and writes nothing, so it works on a read-only copy;
// before the first apply it plans against an empty ledger, and it refuses
// one whose schema apply has yet to migrate.
func openJobLedger(ctx context.Context, mode psync.Mode, j Job, logger *slog.Logger) (ledger.Ledger, error) {
	if mode == psync.ModeApply {
		return ledger.Open(ctx, j.LedgerURL, logger)
	}
	store, err := ledger.Open(ctx, j.LedgerURL, logger, ledger.ReadOnly())
	if errors.Is(err, ledger.ErrNoLedger) {
		logger.Info("no ledger yet: planning against an empty one; the first apply creates it", "error", err)
		return ledger.Empty(), nil
	}
	return store, err
}

// LedgerErr gives a failure to open a ledger its severity.
func LedgerErr(err error) error {
	var schema *ledger.SchemaError
	switch {
	case errors.Is(err, ledger.ErrUnreachable):
		return Fail(Aborted, err)
	case errors.Is(err, ledger.ErrNoLedger):
		return Fail(Usage, fmt.Errorf("%w: check --ledger, %s or %s", err, EnvLedgerURL, EnvDatabaseURL))
	case errors.As(err, &schema):
		return Fail(Usage, fmt.Errorf("%w; until then this command cannot read it", err))
	}
	return Fail(Usage, err)
}

// parchmentConfig takes secrets from the environment only, from the
// variables the job names.
func (a *App) parchmentConfig(j Job, logger *slog.Logger) parchment.Config {
	cfg := parchment.Config{
		BaseURL:            j.APIURL,
		OrganizationID:     j.OrgID,
		OrganizationSecret: a.Getenv(j.secrets.organizationSecret),
		Token:              a.Getenv(j.secrets.token),
		Rate:               j.Rate,
		Burst:              j.Burst,
		Logger:             logger,
		Redactor:           a.Redactor,
	}
	j.Limits.apply(&cfg)
	// A ready token wins: partner credentials are only for fetching one.
	if cfg.Token == "" {
		cfg.PartnerID, cfg.PartnerSecret, cfg.UserID = a.Getenv(j.secrets.partnerID), a.Getenv(j.secrets.partnerSecret), a.Getenv(j.secrets.userID)
	}
	return cfg
}

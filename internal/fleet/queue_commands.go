package fleet

import (
	"context"
	"log/slog"

	"github.com/parchment-sync/parchment-sync/queue"
)

// QueueLedger is the one PostgreSQL ledger of a config file's
// organisations, where the workers' queue lives, and the names of those
// selected (all when names is empty). The whole file is resolved, as the
// workers see it: they refuse a file whose organisations do not share one
// ledger.
func (a *App) QueueLedger(configFile string, names []string) (ledgerURL string, selected []string, err error) {
	all, err := LoadConfig(configFile, a.Getenv)
	if err != nil {
		return "", nil, err
	}
	orgs, err := SelectOrgs(all, names)
	if err != nil {
		return "", nil, err
	}
	if ledgerURL, err = a.configLedger(configFile, all); err != nil {
		return "", nil, err
	}
	for _, o := range orgs {
		selected = append(selected, o.name())
	}
	return ledgerURL, selected, nil
}

// PostgresLedger is the ledger given (or the environment's), which must
// be PostgreSQL to hold the job queue.
func (a *App) PostgresLedger(given string) (string, error) {
	url, err := a.LedgerURL(given)
	if err != nil {
		return "", Fail(Usage, err)
	}
	if !IsPostgresURL(url) {
		return "", Usagef("the job queue lives in a PostgreSQL ledger: give --config (the workers' file), or --ledger or %s as a postgres:// URL", EnvLedgerURL)
	}
	return url, nil
}

// Enqueue queues a sync of the named organisations in the queue at
// ledgerURL; one already queued or running is not doubled.
func (a *App) Enqueue(ctx context.Context, ledgerURL string, names []string, logger *slog.Logger) ([]queue.Enqueued, error) {
	db, err := a.OpenQueue(ctx, ledgerURL, logger)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	queued, err := db.Enqueue(ctx, names)
	if err != nil {
		return nil, Fail(Aborted, err)
	}
	return queued, nil
}

// QueuedJobs lists the newest jobs of the queue at ledgerURL, of the
// named organisations (all when none).
func (a *App) QueuedJobs(ctx context.Context, ledgerURL string, names []string, limit int, logger *slog.Logger) ([]queue.Job, error) {
	db, err := a.OpenQueue(ctx, ledgerURL, logger)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	jobs, err := db.Jobs(ctx, names, limit)
	if err != nil {
		return nil, Fail(Aborted, err)
	}
	return jobs, nil
}

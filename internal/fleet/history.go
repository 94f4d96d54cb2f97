package fleet

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/parchment-sync/parchment-sync/ledger"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// HistoryTarget is one ledger to read and the organisation ids to read in
// it; none means all.
type HistoryTarget struct {
	LedgerURL string
	OrgIDs    []string
}

// HistoryLedger is the ledger given, else the environment's, else the
// local SQLite one.
func (a *App) HistoryLedger(given string) string {
	url := firstSet(given, a.Getenv(EnvLedgerURL), a.Getenv(EnvDatabaseURL), a.defaultLedger())
	a.Redactor.AddURL(url)
	return url
}

// ConfigTargets are the ledgers of a config file's organisations named
// (all when none), each with their organisation ids, as apply resolves
// them.
func (a *App) ConfigTargets(configFile string, names []string) ([]HistoryTarget, error) {
	orgs, err := LoadConfig(configFile, a.Getenv)
	if err != nil {
		return nil, err
	}
	if orgs, err = SelectOrgs(orgs, names); err != nil {
		return nil, err
	}
	var targets []HistoryTarget
	req := queueRequest(configFile, nil)
	for _, o := range orgs {
		j, err := a.configJob(req, o)
		if err != nil {
			return nil, Fail(Usage, err)
		}
		a.Redactor.AddURL(j.LedgerURL)
		i := slices.IndexFunc(targets, func(t HistoryTarget) bool { return t.LedgerURL == j.LedgerURL })
		if i < 0 {
			targets = append(targets, HistoryTarget{LedgerURL: j.LedgerURL})
			i = len(targets) - 1
		}
		targets[i].OrgIDs = append(targets[i].OrgIDs, j.OrgID)
	}
	return targets, nil
}

// ReadRuns lists the targets' runs, newest first, at most limit.
func ReadRuns(ctx context.Context, targets []HistoryTarget, limit int) ([]psync.Run, error) {
	var runs []psync.Run
	for _, t := range targets {
		store, err := ledger.Open(ctx, t.LedgerURL, nil, ledger.ReadOnly())
		if err != nil {
			return nil, LedgerErr(err)
		}
		ids := t.OrgIDs
		if len(ids) == 0 {
			ids = []string{""}
		}
		for _, id := range ids {
			some, err := store.Runs(ctx, ledger.RunFilter{OrganizationID: id, Limit: limit})
			if err != nil {
				store.Close()
				return nil, Fail(Aborted, err)
			}
			runs = append(runs, some...)
		}
		store.Close()
	}
	slices.SortStableFunc(runs, func(x, y psync.Run) int {
		if c := y.StartedAt.Compare(x.StartedAt); c != 0 {
			return c
		}
		return strings.Compare(x.OrganizationID, y.OrganizationID)
	})
	return runs[:min(limit, len(runs))], nil
}

// ReadRun is run id of the ledger at url.
func ReadRun(ctx context.Context, url string, id int64) (psync.Run, error) {
	store, err := ledger.Open(ctx, url, nil, ledger.ReadOnly())
	if err != nil {
		return psync.Run{}, LedgerErr(err)
	}
	defer store.Close()
	run, err := store.Run(ctx, id)
	if errors.Is(err, ledger.ErrNoRun) {
		return run, Usagef("there is no run %d in this ledger (runs lists them)", id)
	}
	if err != nil {
		return run, Fail(Aborted, err)
	}
	return run, nil
}

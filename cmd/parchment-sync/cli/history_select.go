package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/ledger"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// historyTarget is one ledger to read and the organisation ids to read in
// it; none means all.
type historyTarget struct {
	ledgerURL string
	orgIDs    []string
}

// registerSelection adds runs' --config, --org and --organization-id,
// which mean what they mean for apply.
func (h *historyFlags) registerSelection(fs *pflag.FlagSet) {
	fs.StringVar(&h.configFile, "config", "", "YAML file listing organisations (see README): read each one's ledger, for its runs only")
	fs.StringArrayVar(&h.orgs, "org", nil, "with --config: only this organisation, by its name in the file (repeatable; default all)")
	fs.StringVar(&h.orgID, "organization-id", "", "only this Parchment organisation id")
}

// historyTargets resolves the selection to the ledgers to read. --org
// without --config was the organisation id until this release: it still
// is, with a warning.
func (a *app) historyTargets(h *historyFlags, set *pflag.FlagSet) ([]historyTarget, error) {
	if h.configFile == "" {
		orgID := h.orgID
		if len(h.orgs) > 0 {
			if len(h.orgs) > 1 || orgID != "" {
				return nil, usageErr("--org names an organisation of --config's file; for a Parchment organisation id use --organization-id, once")
			}
			orgID = h.orgs[0]
			fmt.Fprintf(a.stderr, "parchment-sync: warning: --org without --config is taken as the organisation id for this release only; use --organization-id %s\n", orgID)
		}
		target := historyTarget{ledgerURL: a.historyLedger(h)}
		if orgID != "" {
			target.orgIDs = []string{orgID}
		}
		return []historyTarget{target}, nil
	}
	for _, name := range []string{"ledger", "organization-id"} {
		if set.Changed(name) {
			return nil, usageErr("--%s cannot be combined with --config: the file says each organisation's", name)
		}
	}
	orgs, err := loadConfig(h.configFile, a.getenv)
	if err != nil {
		return nil, err
	}
	if orgs, err = selectOrgs(orgs, h.orgs); err != nil {
		return nil, err
	}
	var targets []historyTarget
	f := queueSyncFlags(h.configFile, nil)
	for _, o := range orgs {
		j, err := a.configJob(f, o)
		if err != nil {
			return nil, withCode(ExitUsage, err)
		}
		a.redactor.AddURL(j.ledgerURL)
		i := slices.IndexFunc(targets, func(t historyTarget) bool { return t.ledgerURL == j.ledgerURL })
		if i < 0 {
			targets = append(targets, historyTarget{ledgerURL: j.ledgerURL})
			i = len(targets) - 1
		}
		targets[i].orgIDs = append(targets[i].orgIDs, j.orgID)
	}
	return targets, nil
}

// showLedger is the one ledger show reads: --ledger's, or with --config
// that of the organisation --org names.
func (a *app) showLedger(h *historyFlags, set *pflag.FlagSet) (string, error) {
	if h.configFile == "" && len(h.orgs) > 0 {
		return "", usageErr("--org needs --config")
	}
	targets, err := a.historyTargets(h, set)
	if err != nil {
		return "", err
	}
	if len(targets) != 1 {
		return "", usageErr("the organisations of %s use different ledgers: name one with --org", h.configFile)
	}
	return targets[0].ledgerURL, nil
}

// readRuns lists the targets' runs, newest first, at most limit.
func readRuns(ctx context.Context, targets []historyTarget, limit int) ([]psync.Run, error) {
	var runs []psync.Run
	for _, t := range targets {
		store, err := ledger.Open(ctx, t.ledgerURL, nil, ledger.ReadOnly())
		if err != nil {
			return nil, ledgerErr(err)
		}
		ids := t.orgIDs
		if len(ids) == 0 {
			ids = []string{""}
		}
		for _, id := range ids {
			some, err := store.Runs(ctx, ledger.RunFilter{OrganizationID: id, Limit: limit})
			if err != nil {
				store.Close()
				return nil, withCode(ExitAborted, err)
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

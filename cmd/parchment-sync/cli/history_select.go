package cli

import (
	"fmt"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/spf13/pflag"
)

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
func (a *app) historyTargets(h *historyFlags, set *pflag.FlagSet) ([]fleet.HistoryTarget, error) {
	if h.configFile == "" {
		orgID := h.orgID
		if len(h.orgs) > 0 {
			if len(h.orgs) > 1 || orgID != "" {
				return nil, usageErr("--org names an organisation of --config's file; for a Parchment organisation id use --organization-id, once")
			}
			orgID = h.orgs[0]
			fmt.Fprintf(a.stderr, "parchment-sync: warning: --org without --config is taken as the organisation id for this release only; use --organization-id %s\n", orgID)
		}
		target := fleet.HistoryTarget{LedgerURL: a.fleet.HistoryLedger(h.ledgerURL)}
		if orgID != "" {
			target.OrgIDs = []string{orgID}
		}
		return []fleet.HistoryTarget{target}, nil
	}
	for _, name := range []string{"ledger", "organization-id"} {
		if set.Changed(name) {
			return nil, usageErr("--%s cannot be combined with --config: the file says each organisation's", name)
		}
	}
	return a.fleet.ConfigTargets(h.configFile, h.orgs)
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
	return targets[0].LedgerURL, nil
}

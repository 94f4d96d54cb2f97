package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/ledger"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func (a *app) ledgerCopyCommand() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "copy",
		Short: "Copy every organisation's entries, runs and attempts to another ledger",
		Long: `Copy every organisation's entries, runs (with their reports) and attempts
from one ledger to another, as when a clinic group moves from its SQLite file
to PostgreSQL. The source is left as it was. It is all or nothing, and it is
refused when the destination already maps people of an organisation being
copied, or while a run holds one. Point plan and apply at the destination
afterwards.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" {
				return usageErr("--to is required: the ledger to copy into")
			}
			fromURL, err := a.fleet.LedgerURL(from)
			if err != nil {
				return withCode(fleet.Usage, err)
			}
			logger, err := a.logger("info")
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			source, err := ledger.Open(ctx, fromURL, logger)
			if err != nil {
				return fleet.LedgerErr(fmt.Errorf("--from: %w", err))
			}
			defer source.Close()
			a.redactor.AddURL(to)
			destination, err := ledger.Open(ctx, to, logger)
			if err != nil {
				return fleet.LedgerErr(fmt.Errorf("--to: %w", err))
			}
			defer destination.Close()

			copied, err := ledger.Copy(ctx, source, destination)
			if err != nil {
				return copyErr(err)
			}
			return a.writeCopied(copied)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the ledger to copy from; "+ledgerURLHelp)
	cmd.Flags().StringVar(&to, "to", "", "the ledger to copy into: postgres://…, postgresql://… or sqlite:PATH (required)")
	return cmd
}

// copyErr maps a failed copy to its exit code; nothing was copied.
func copyErr(err error) error {
	switch {
	case errors.Is(err, psync.ErrLocked):
		return withCode(fleet.Locked, err)
	case errors.Is(err, ledger.ErrDestinationHasEntries):
		return withCode(fleet.Usage, err)
	}
	return withCode(fleet.Aborted, err)
}

func (a *app) writeCopied(copied []ledger.Copied) error {
	if len(copied) == 0 {
		_, err := fmt.Fprintln(a.stdout, "nothing to copy: the source ledger holds no organisation")
		return err
	}
	var total ledger.Copied
	for _, c := range copied {
		fmt.Fprintf(a.stdout, "copied organization %s: %d entries, %d runs, %d attempts\n",
			c.OrganizationID, c.Entries, c.Runs, c.Attempts)
		total.Entries += c.Entries
		total.Runs += c.Runs
		total.Attempts += c.Attempts
	}
	_, err := fmt.Fprintf(a.stdout, "copied %d organization(s): %d entries, %d runs, %d attempts\n",
		len(copied), total.Entries, total.Runs, total.Attempts)
	return err
}

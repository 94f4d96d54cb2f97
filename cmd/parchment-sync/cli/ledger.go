package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/queue"
)

// ledgerURLHelp says how --ledger and --from are resolved.
const ledgerURLHelp = "ledger URL: postgres://…, postgresql://… or sqlite:PATH (env PARCHMENT_LEDGER_URL, then DATABASE_URL, then sqlite:$XDG_STATE_HOME/parchment-sync/ledger.db)"

func (a *app) ledgerCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "ledger", Short: "Manage the ledger (PostgreSQL or a SQLite file)"}
	cmd.AddCommand(a.ledgerMigrateCommand(), a.ledgerCopyCommand())
	return cmd
}

func (a *app) ledgerMigrateCommand() *cobra.Command {
	var given string
	migrate := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the ledger's pending migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			url, err := a.fleet.LedgerURL(given)
			if err != nil {
				return withCode(fleet.Usage, err)
			}
			logger, err := a.logger("info")
			if err != nil {
				return err
			}
			applied, err := ledger.Migrate(cmd.Context(), url, logger)
			if err != nil {
				return fleet.LedgerErr(err)
			}
			fmt.Fprintf(a.stdout, "ledger migrated: %d migration(s) applied\n", len(applied))
			if !fleet.IsPostgresURL(url) {
				return nil
			}
			// The job queue's tables (River's) live beside the ledger's.
			db, err := queue.Open(cmd.Context(), url)
			if errors.Is(err, queue.ErrSchema) {
				// The ledger itself is fine; only workers need more.
				logger.Warn("job queue not migrated: worker, enqueue and jobs cannot use this ledger", "error", err)
				return nil
			}
			if err != nil {
				return fleet.QueueErr(err)
			}
			defer db.Close()
			versions, err := db.Migrate(cmd.Context(), logger)
			if err != nil {
				return withCode(fleet.Aborted, err)
			}
			fmt.Fprintf(a.stdout, "job queue migrated: %d River migration(s) applied\n", len(versions))
			return nil
		},
	}
	migrate.Flags().StringVar(&given, "ledger", "", ledgerURLHelp)
	return migrate
}

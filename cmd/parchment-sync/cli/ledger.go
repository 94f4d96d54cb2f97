package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/ledger"
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
			url, err := a.ledgerURL(given)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			logger, err := a.logger("info")
			if err != nil {
				return err
			}
			applied, err := ledger.Migrate(cmd.Context(), url, logger)
			if err != nil {
				return ledgerErr(err)
			}
			fmt.Fprintf(a.stdout, "ledger migrated: %d migration(s) applied\n", len(applied))
			return nil
		},
	}
	migrate.Flags().StringVar(&given, "ledger", "", ledgerURLHelp)
	return migrate
}

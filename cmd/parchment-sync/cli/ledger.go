package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/ledger"
)

func (a *app) ledgerCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "ledger", Short: "Manage the ledger database"}
	var url string
	migrate := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the ledger's pending migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			url = firstSet(url, a.getenv(envLedgerURL), a.getenv(envDatabaseURL))
			if url == "" {
				return usageErr("--ledger, %s or %s is required", envLedgerURL, envDatabaseURL)
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
	migrate.Flags().StringVar(&url, "ledger", "", "PostgreSQL URL of the ledger (env PARCHMENT_LEDGER_URL, then DATABASE_URL)")
	cmd.AddCommand(migrate)
	return cmd
}

package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) enqueueCommand() *cobra.Command {
	var configFile, output string
	var orgs []string
	cmd := &cobra.Command{
		Use:   "enqueue",
		Short: "Queue a sync of organisations now, for the workers; one already queued or running is not doubled",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configFile == "" {
				return usageErr("--config is required: the file the workers serve")
			}
			if output != "text" && output != "json" {
				return usageErr("--output must be text or json, not %q", output)
			}
			ledgerURL, names, err := a.fleet.QueueLedger(configFile, orgs)
			if err != nil {
				return err
			}
			logger, err := a.quietLogger()
			if err != nil {
				return err
			}
			queued, err := a.fleet.Enqueue(cmd.Context(), ledgerURL, names, logger)
			if err != nil {
				return err
			}
			if output == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"jobs": queued})
			}
			for _, q := range queued {
				if q.Duplicate {
					fmt.Fprintf(a.stdout, "%s: already queued or running (job %d, %s)\n", q.Name, q.ID, q.State)
				} else {
					fmt.Fprintf(a.stdout, "%s: queued (job %d)\n", q.Name, q.ID)
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&configFile, "config", "", "YAML file listing organisations (required; the one the workers serve)")
	fs.StringArrayVar(&orgs, "org", nil, "queue only this organisation (repeatable; default all)")
	fs.StringVar(&output, "output", "text", "text or json")
	return cmd
}

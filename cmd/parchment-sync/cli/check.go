package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/spf13/cobra"
)

func (a *app) checkCommand() *cobra.Command {
	f := &syncFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify credentials, ledger and source without changing anything",
		Long: "check obtains a token and lists the granted scopes, calls validate, reads one page of users,\n" +
			"checks the ledger is reachable and migrated, and reads and validates the source.\n" +
			"It asks the base URL first, without credentials, so a wrong URL is never reported as a credential problem.\n" +
			"Exit 0: all good; 1: some rows invalid (apply would skip them); 3: the API, a credential or ledger problem; 2: a source or configuration problem.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runCheck(cmd.Context(), f) },
	}
	f.register(cmd)
	return cmd
}

func (a *app) runCheck(ctx context.Context, f *syncFlags) error {
	if err := f.resolve(); err != nil {
		return err
	}
	logger, err := a.loggerTo(a.stderr, f.logLevel, f.ops.logFormat)
	if err != nil {
		return withCode(fleet.Usage, err)
	}
	results, worst, err := a.fleet.Check(ctx, f.request(), logger)
	if err != nil {
		return err
	}
	if err := a.writeChecks(f.output, results, worst == fleet.OK); err != nil {
		return withCode(fleet.Aborted, err)
	}
	if worst != fleet.OK {
		return withCode(worst, nil)
	}
	return nil
}

func (a *app) writeChecks(format string, results []fleet.OrgCheck, allGood bool) error {
	if format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Organizations []fleet.OrgCheck `json:"organizations"`
			OK            bool             `json:"ok"`
		}{results, allGood})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, r := range results {
		name := r.Name
		if name == "" {
			name = r.OrganizationID
		}
		for _, l := range r.Checks {
			line := l.Detail
			if l.Fix != "" {
				line += " (" + l.Fix + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Status, name, l.Check, line)
		}
	}
	return tw.Flush()
}

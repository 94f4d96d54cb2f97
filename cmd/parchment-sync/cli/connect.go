package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/spf13/cobra"
)

type connectFlags struct {
	configFile, org string
	redirectPort    int
	timeout         time.Duration
}

func (a *app) connectCommand() *cobra.Command {
	f := &connectFlags{}
	cmd := &cobra.Command{
		Use:   "connect deputy|employment-hero",
		Short: "Authorise reading staff from Deputy or Employment Hero HR, once, in a browser",
		Long: "connect prints an address to open in a browser, where someone allowed to approve access signs in\n" +
			"to the HR system. The browser then returns to this machine on http://127.0.0.1:PORT/, which must be\n" +
			"the app's registered redirect URI exactly (--redirect-port sets PORT). The refresh token is stored\n" +
			"in the organisation's token_file (mode 0600); syncs keep it current from then on.",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"deputy", "employment-hero"},
		RunE:      func(cmd *cobra.Command, args []string) error { return a.runConnect(cmd.Context(), args[0], f) },
	}
	cmd.Flags().StringVar(&f.configFile, "config", "", "the config file naming the organisation's HR system and token file (required)")
	cmd.Flags().StringVar(&f.org, "org", "", "the organisation's name in the config file (required)")
	cmd.Flags().IntVar(&f.redirectPort, "redirect-port", fleet.DefaultRedirectPort, "the loopback port of the app's registered redirect URI, http://127.0.0.1:PORT/")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 10*time.Minute, "how long to wait for the browser to come back")
	return cmd
}

func (a *app) runConnect(ctx context.Context, system string, f *connectFlags) error {
	if f.configFile == "" || f.org == "" {
		return usageErr("connect needs --config FILE and --org NAME")
	}
	if f.redirectPort < 1 || f.redirectPort > 65535 {
		return usageErr("--redirect-port must be a port number, 1 to 65535")
	}
	path, err := a.fleet.Connect(ctx, fleet.Connect{
		System: system, ConfigFile: f.configFile, Org: f.org, RedirectPort: f.redirectPort, Timeout: f.timeout,
		Show: func(authURL, redirect string) {
			fmt.Fprintf(a.stderr, "Open this address in a browser and approve access (the app's redirect URI must be %s):\n", redirect)
			fmt.Fprintln(a.stdout, authURL)
		},
		Warn: func(warn string) { fmt.Fprintln(a.stderr, "warning: "+warn) },
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "Connected: the refresh token is in %s.\n", path)
	return nil
}

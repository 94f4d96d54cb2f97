package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

type sandboxFlags struct {
	addr     string
	rate     float64
	latency  time.Duration
	failRate float64
	dropRate float64
	logLevel string
}

// sandboxCommand serves the in-memory Parchment stand-in so a sync can be
// rehearsed without touching a real organisation.
func (a *app) sandboxCommand() *cobra.Command {
	f := &sandboxFlags{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve an in-memory Parchment stand-in for rehearsals and demos",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runSandbox(cmd.Context(), f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.Float64Var(&f.rate, "rate", 0, "requests per second allowed per organisation before 429 (0: unlimited)")
	fs.DurationVar(&f.latency, "latency", 0, "delay added to every answer")
	fs.Float64Var(&f.failRate, "fail-rate", 0, "fraction of calls answered 500 before any change (0-1)")
	fs.Float64Var(&f.dropRate, "drop-rate", 0, "fraction of changes whose connection is dropped after the change is made (0-1)")
	fs.StringVar(&f.logLevel, "log-level", "info", "stderr log level: debug, info, warn or error")
	return cmd
}

func (a *app) runSandbox(ctx context.Context, f *sandboxFlags) error {
	logger, err := a.logger(f.logLevel)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	if f.rate < 0 || f.failRate < 0 || f.failRate > 1 || f.dropRate < 0 || f.dropRate > 1 || f.latency < 0 {
		return usageErr("--rate and --latency must not be negative; --fail-rate and --drop-rate are fractions from 0 to 1")
	}
	cfg := parchmenttest.Config{
		OrganizationSecret: a.getenv(envOrganizationSecret),
		Token:              a.getenv(envToken),
		PartnerID:          a.getenv(envPartnerID),
		PartnerSecret:      a.getenv(envPartnerSecret),
		Rate:               f.rate,
		Latency:            f.latency,
		FailRate:           f.failRate,
		DropRate:           f.dropRate,
		Logger:             logger,
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return usageErr("listen on %s: %v", f.addr, err)
	}
	srv := &http.Server{Handler: parchmenttest.New(cfg), ReadHeaderTimeout: 10 * time.Second}
	// Say which credentials it checks, without echoing any secret.
	fmt.Fprintf(a.stdout, "Parchment stand-in listening; base URL http://%s%s\n", ln.Addr(), parchmenttest.PathPrefix)
	fmt.Fprintf(a.stdout, "it accepts %s as the bearer token when set, tokens from POST /v1/token with %s and %s (defaults %q and the sandbox secret), and %s (default: the sandbox secret)\n",
		envToken, envPartnerID, envPartnerSecret, parchmenttest.DefaultPartnerID, envOrganizationSecret)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return withCode(ExitAborted, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return withCode(ExitAborted, err)
	}
	return nil
}

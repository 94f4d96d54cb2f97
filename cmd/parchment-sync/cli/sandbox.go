package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

type sandboxFlags struct {
	addr       string
	rate       float64
	burst      int
	latency    time.Duration
	jitter     float64
	failRate   float64
	failStatus int
	dropRate   float64
	listShape  string
	getShape   string
	scopes     string
	seed       string
	logLevel   string
	// scopesSet says --scopes was given: left out, the stand-in's own
	// default applies, which --strict-scopes narrows.
	scopesSet bool
	docs      docsFlags
	hris      hrisFlags
}

// sandboxCommand serves the in-memory Parchment stand-in so a sync can be
// rehearsed without touching a real organisation, including against the
// answer shapes and missing scopes the contract says a real one may have.
func (a *app) sandboxCommand() *cobra.Command {
	f := &sandboxFlags{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve an in-memory Parchment stand-in for rehearsals and demos",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.scopesSet = cmd.Flags().Changed("scopes")
			return a.runSandbox(cmd.Context(), f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.Float64Var(&f.rate, "rate", 0, "requests per second allowed per organisation before 429 (0: unlimited)")
	fs.IntVar(&f.burst, "burst", 0, "requests an organisation may make at once before --rate applies (0: a second's worth)")
	fs.DurationVar(&f.latency, "latency", 0, "delay added to every answer")
	fs.Float64Var(&f.jitter, "latency-jitter", 0, "spread each answer's --latency uniformly by up to this fraction either way (0-1; 0.2: 80ms becomes 64-96ms)")
	fs.Float64Var(&f.failRate, "fail-rate", 0, "fraction of calls answered --fail-status before any change (0-1)")
	fs.IntVar(&f.failStatus, "fail-status", http.StatusInternalServerError, "status of the failures --fail-rate injects: 500 or 503")
	fs.Float64Var(&f.dropRate, "drop-rate", 0, "fraction of changes whose connection is dropped after the change is made (0-1)")
	fs.StringVar(&f.listShape, "list-shape", parchmenttest.ListPaged, "users list answer: paged (users and pagination), bare (every user's id and email) or toplevel (a page of ids and emails, pagination beside data)")
	fs.StringVar(&f.getShape, "get-shape", parchmenttest.GetDetails, "get user answer: details (details and provider_details) or older (title only)")
	fs.StringVar(&f.scopes, "scopes", strings.Join(parchmenttest.KnownScopes(), ","), "comma-separated scopes every organisation allows its tokens (with --strict-scopes the default leaves out delete:user)")
	fs.StringVar(&f.seed, "seed", "", "CSV of users to hold from the start, as if made in the portal (header: organization_id, email, given_name, family_name, …)")
	fs.StringVar(&f.logLevel, "log-level", "info", "stderr log level: debug, info, warn or error")
	f.docs.register(fs)
	f.hris.register(fs)
	return cmd
}

func (a *app) runSandbox(ctx context.Context, f *sandboxFlags) error {
	logger, err := a.logger(f.logLevel)
	if err != nil {
		return withCode(fleet.Usage, err)
	}
	cfg, err := f.config()
	if err != nil {
		return withCode(fleet.Usage, err)
	}
	cfg.OrganizationSecret = a.getenv(fleet.EnvOrganizationSecret)
	cfg.Token = a.getenv(fleet.EnvToken)
	cfg.PartnerID = a.getenv(fleet.EnvPartnerID)
	cfg.PartnerSecret = a.getenv(fleet.EnvPartnerSecret)
	cfg.Logger = logger
	server := parchmenttest.New(cfg)
	// Seed before listening, so a bad file ends the command before anyone
	// can reach a half-filled stand-in.
	if err := seedSandbox(server, f.seed, logger); err != nil {
		return withCode(fleet.Usage, err)
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return usageErr("listen on %s: %v", f.addr, err)
	}
	srv := &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second}
	// Say which credentials it checks, without echoing a secret you set
	// (the built-in defaults are rehearsal values, shown to be used). Scripts
	// parse "base URL http://…" from the first line: keep its wording.
	fmt.Fprintf(a.stdout, "Parchment stand-in listening; base URL http://%s%s\n", ln.Addr(), parchmenttest.PathPrefix)
	fmt.Fprintf(a.stdout, "it accepts %s as the bearer token when set, tokens from POST /v1/token with %s and %s (defaults %q and %q), and %s (default %q)\n",
		fleet.EnvToken, fleet.EnvPartnerID, fleet.EnvPartnerSecret, parchmenttest.DefaultPartnerID, parchmenttest.DefaultPartnerSecret,
		fleet.EnvOrganizationSecret, parchmenttest.DefaultOrganizationSecret)
	if err := a.startHRIS(ctx, &f.hris, logger); err != nil {
		ln.Close()
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return withCode(fleet.Aborted, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return withCode(fleet.Aborted, err)
	}
	return nil
}

// config checks the flags, each usage error naming its flag, and turns
// them into the stand-in's settings (credentials and logger aside).
func (f *sandboxFlags) config() (parchmenttest.Config, error) {
	if f.rate < 0 || f.burst < 0 || f.failRate < 0 || f.failRate > 1 || f.dropRate < 0 || f.dropRate > 1 || f.latency < 0 || f.jitter < 0 || f.jitter > 1 {
		return parchmenttest.Config{}, errors.New("--rate, --burst and --latency must not be negative; --fail-rate, --drop-rate and --latency-jitter are fractions from 0 to 1")
	}
	if f.failStatus != http.StatusInternalServerError && f.failStatus != http.StatusServiceUnavailable {
		return parchmenttest.Config{}, fmt.Errorf("--fail-status must be 500 or 503, not %d", f.failStatus)
	}
	if !slices.Contains(parchmenttest.ListShapes(), f.listShape) {
		return parchmenttest.Config{}, fmt.Errorf("--list-shape must be %s, not %q", strings.Join(parchmenttest.ListShapes(), ", "), f.listShape)
	}
	if f.getShape != parchmenttest.GetDetails && f.getShape != parchmenttest.GetOlder {
		return parchmenttest.Config{}, fmt.Errorf("--get-shape must be %s or %s, not %q", parchmenttest.GetDetails, parchmenttest.GetOlder, f.getShape)
	}
	var scopes []string
	if f.scopesSet {
		var err error
		if scopes, err = parseScopes(f.scopes); err != nil {
			return parchmenttest.Config{}, err
		}
	}
	cfg := parchmenttest.Config{
		Rate:          f.rate,
		Burst:         f.burst,
		Latency:       f.latency,
		LatencyJitter: f.jitter,
		FailRate:      f.failRate,
		FailStatus:    f.failStatus,
		DropRate:      f.dropRate,
		ListShape:     f.listShape,
		GetShape:      f.getShape,
		Scopes:        scopes,
	}
	return cfg, f.docs.apply(&cfg)
}

// parseScopes reads --scopes: known scopes, comma-separated, at least one.
func parseScopes(list string) ([]string, error) {
	known := parchmenttest.KnownScopes()
	scopes := []string{}
	for _, sc := range strings.Split(list, ",") {
		sc = strings.TrimSpace(sc)
		switch {
		case sc == "":
		case !slices.Contains(known, sc):
			return nil, fmt.Errorf("--scopes: unknown scope %q; known: %s", sc, strings.Join(known, ", "))
		case !slices.Contains(scopes, sc):
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) == 0 {
		return nil, fmt.Errorf("--scopes must name at least one of %s", strings.Join(known, ", "))
	}
	return scopes, nil
}

// seedSandbox stores the --seed file's users, if one is named.
func seedSandbox(server *parchmenttest.Server, path string, logger *slog.Logger) error {
	if path == "" {
		return nil
	}
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--seed: %w", err)
	}
	defer file.Close()
	n, err := server.SeedCSV(file, path)
	if err != nil {
		return fmt.Errorf("--seed: %w", err)
	}
	logger.Info("sandbox seeded", "users", n, "file", path)
	return nil
}

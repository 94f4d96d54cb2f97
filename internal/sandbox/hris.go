// Package sandbox serves the HR systems' stand-ins beside Parchment's,
// for rehearsals and demos (the sandbox command).
package sandbox

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/hris/deputy/deputytest"
	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero/employmentherotest"
	"github.com/parchment-sync/parchment-sync/internal/hris/keypay/keypaytest"
)

// HROptions slow an HR stand-in down, as a real one may be.
type HROptions struct {
	// Latency is added to every answer.
	Latency time.Duration
	// TooManyEvery answers every nth employee-list call 429 with
	// Retry-After: 1 (0: never).
	TooManyEvery int
}

type env = func(string) string

// HRStandIn is an HR system's stand-in the sandbox can serve beside
// Parchment's.
type HRStandIn struct {
	Title string // "Employment Hero Payroll (KeyPay)"
	// serve builds the stand-in from a canonical roster CSV; hint says
	// how a sync reaches it, given its base URL.
	Serve func(seed *os.File, o HROptions, getenv env, logger *slog.Logger) (http.Handler, func(baseURL string) string, error)
}

// HRStandIns are the --hris choices; a new HR system's stand-in is
// added here.
func HRStandIns() map[string]HRStandIn {
	return map[string]HRStandIn{
		"keypay":          {Title: "Employment Hero Payroll (KeyPay) stand-in", Serve: serveKeyPay},
		"deputy":          {Title: "Deputy stand-in", Serve: serveDeputy},
		"employment-hero": {Title: "Employment Hero HR stand-in", Serve: serveEmploymentHero},
	}
}

func serveKeyPay(seed *os.File, o HROptions, getenv env, logger *slog.Logger) (http.Handler, func(string) string, error) {
	staff, err := keypaytest.SeedCSV(seed)
	if err != nil {
		return nil, nil, err
	}
	key := cmp.Or(getenv(fleet.EnvKeyPayAPIKey), keypaytest.DefaultAPIKey)
	srv := keypaytest.New(keypaytest.Config{
		APIKey: key, Employees: staff, Latency: o.Latency, TooManyEvery: o.TooManyEvery, RetryAfter: 1, Logger: logger,
	})
	hint := func(base string) string {
		shown := shownSecret(getenv, fleet.EnvKeyPayAPIKey, keypaytest.DefaultAPIKey)
		return fmt.Sprintf("it holds %d employees of business %d and accepts %s as the API key: sync with --keypay-business %d --keypay-url %s",
			len(staff), keypaytest.DefaultBusinessID, shown, keypaytest.DefaultBusinessID, base)
	}
	return srv, hint, nil
}

// Rehearsal credentials of the Deputy and Employment Hero HR stand-ins,
// used unless the variables a sync reads are set.
const (
	DeputyToken       = "deputy-sandbox-token"
	EHClientID        = "eh-sandbox-client"
	EHSecret          = "eh-sandbox-secret"
	EHOrg             = "sandbox-org"
	EnvEHClientID     = "EH_CLIENT_ID"
	EnvEHClientSecret = "EH_CLIENT_SECRET"
)

// slowed adds --hris-latency to every answer and answers every
// --hris-429-every'th employee-list call 429 with Retry-After: 1, for the
// stand-ins that have neither built in.
func slowed(h http.Handler, o HROptions, isList func(*http.Request) bool) http.Handler {
	var lists atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.Latency > 0 {
			select {
			case <-time.After(o.Latency):
			case <-r.Context().Done():
				return
			}
		}
		if o.TooManyEvery > 0 && isList(r) && lists.Add(1)%int64(o.TooManyEvery) == 0 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// shownSecret says which value a stand-in accepts without echoing one the
// operator set.
func shownSecret(getenv env, name, def string) string {
	if getenv(name) != "" {
		return "the value of " + name
	}
	return fmt.Sprintf("%q (set %s to choose another)", def, name)
}

func serveDeputy(seed *os.File, o HROptions, getenv env, _ *slog.Logger) (http.Handler, func(string) string, error) {
	staff, err := deputytest.Seed(seed, seed.Name(), false)
	if err != nil {
		return nil, nil, err
	}
	srv := deputytest.New(deputytest.Config{Token: cmp.Or(getenv(fleet.EnvDeputyToken), DeputyToken), Employees: staff})
	isList := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/Employee/QUERY") }
	hint := func(base string) string {
		return fmt.Sprintf("it holds %d employees and accepts %s as the permanent token: sync with --deputy-url %s --mapping samples/deputy-api.yaml, "+
			"or in a config file: deputy: {url: %q, token_env: %s}", len(staff), shownSecret(getenv, fleet.EnvDeputyToken, DeputyToken), base, base, fleet.EnvDeputyToken)
	}
	return slowed(srv, o, isList), hint, nil
}

// serveEmploymentHero serves the Employment Hero HR stand-in. Its API is
// OAuth only, so the hint is the config block and the connect command:
// the stand-in approves at once, so opening connect's address (in a
// browser, or with curl) finishes the rehearsal of the real set-up.
func serveEmploymentHero(seed *os.File, o HROptions, getenv env, _ *slog.Logger) (http.Handler, func(string) string, error) {
	staff, err := employmentherotest.Seed(seed, seed.Name())
	if err != nil {
		return nil, nil, err
	}
	srv := employmentherotest.New(employmentherotest.Config{
		ClientID:     cmp.Or(getenv(EnvEHClientID), EHClientID),
		ClientSecret: cmp.Or(getenv(EnvEHClientSecret), EHSecret),
		// Any loopback port connect listens on is accepted.
		OrganisationID: EHOrg, Employees: staff, PerSecond: 20, PerMinute: 100,
	})
	isList := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/employees") }
	hint := func(base string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "it holds %d employees of organisation %s and accepts the client id %s and secret %s.\n",
			len(staff), EHOrg, shownSecret(getenv, EnvEHClientID, EHClientID), shownSecret(getenv, EnvEHClientSecret, EHSecret))
		fmt.Fprintf(&b, "Employment Hero HR is read with OAuth only. Give an organisation of a config file this block:\n")
		fmt.Fprintf(&b, "    mapping: samples/employment-hero-api.yaml  # relative to the config file\n    employment_hero:\n      organization_id: %s\n      url: %s\n      custom_fields: true\n", EHOrg, base)
		fmt.Fprintf(&b, "      oauth: {client_id_env: %s, client_secret_env: %s, token_file: eh-sandbox-token.json, url: %s}\n", EnvEHClientID, EnvEHClientSecret, base)
		fmt.Fprintf(&b, "then, with %s and %s set, run parchment-sync connect employment-hero --config FILE --org NAME and open the address it prints "+
			"(the stand-in approves at once, without a sign-in; curl -L works too); then plan and apply with --config FILE.", EnvEHClientID, EnvEHClientSecret)
		return b.String()
	}
	return slowed(srv, o, isList), hint, nil
}

package cli

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/hris/deputy/deputytest"
	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero/employmentherotest"
)

// Rehearsal credentials of the Deputy and Employment Hero HR stand-ins,
// used unless the variables a sync reads are set.
const (
	sandboxDeputyToken = "deputy-sandbox-token"
	sandboxEHClientID  = "eh-sandbox-client"
	sandboxEHSecret    = "eh-sandbox-secret"
	sandboxEHOrg       = "sandbox-org"
	envEHClientID      = "EH_CLIENT_ID"
	envEHClientSecret  = "EH_CLIENT_SECRET"
)

// slowed adds --hris-latency to every answer and answers every
// --hris-429-every'th employee-list call 429 with Retry-After: 1, for the
// stand-ins that have neither built in.
func slowed(h http.Handler, f *hrisFlags, isList func(*http.Request) bool) http.Handler {
	var lists atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.latency > 0 {
			select {
			case <-time.After(f.latency):
			case <-r.Context().Done():
				return
			}
		}
		if f.tooManyEvery > 0 && isList(r) && lists.Add(1)%int64(f.tooManyEvery) == 0 {
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

func serveDeputy(seed *os.File, f *hrisFlags, getenv env, _ *slog.Logger) (http.Handler, func(string) string, error) {
	staff, err := deputytest.Seed(seed, seed.Name(), false)
	if err != nil {
		return nil, nil, err
	}
	srv := deputytest.New(deputytest.Config{Token: firstSet(getenv(envDeputyToken), sandboxDeputyToken), Employees: staff})
	isList := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/Employee/QUERY") }
	hint := func(base string) string {
		return fmt.Sprintf("it holds %d employees and accepts %s as the permanent token: sync with --deputy-url %s --mapping samples/deputy-api.yaml, "+
			"or in a config file: deputy: {url: %q, token_env: %s}", len(staff), shownSecret(getenv, envDeputyToken, sandboxDeputyToken), base, base, envDeputyToken)
	}
	return slowed(srv, f, isList), hint, nil
}

// serveEmploymentHero serves the Employment Hero HR stand-in. Its API is
// OAuth only, so the hint is the config block and the connect command:
// the stand-in approves at once, so opening connect's address (in a
// browser, or with curl) finishes the rehearsal of the real set-up.
func serveEmploymentHero(seed *os.File, f *hrisFlags, getenv env, _ *slog.Logger) (http.Handler, func(string) string, error) {
	staff, err := employmentherotest.Seed(seed, seed.Name())
	if err != nil {
		return nil, nil, err
	}
	srv := employmentherotest.New(employmentherotest.Config{
		ClientID:     firstSet(getenv(envEHClientID), sandboxEHClientID),
		ClientSecret: firstSet(getenv(envEHClientSecret), sandboxEHSecret),
		// Any loopback port connect listens on is accepted.
		OrganisationID: sandboxEHOrg, Employees: staff, PerSecond: 20, PerMinute: 100,
	})
	isList := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/employees") }
	hint := func(base string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "it holds %d employees of organisation %s and accepts the client id %s and secret %s.\n",
			len(staff), sandboxEHOrg, shownSecret(getenv, envEHClientID, sandboxEHClientID), shownSecret(getenv, envEHClientSecret, sandboxEHSecret))
		fmt.Fprintf(&b, "Employment Hero HR is read with OAuth only. Give an organisation of a config file this block:\n")
		fmt.Fprintf(&b, "    mapping: samples/employment-hero-api.yaml  # relative to the config file\n    employment_hero:\n      organization_id: %s\n      url: %s\n      custom_fields: true\n", sandboxEHOrg, base)
		fmt.Fprintf(&b, "      oauth: {client_id_env: %s, client_secret_env: %s, token_file: eh-sandbox-token.json, url: %s}\n", envEHClientID, envEHClientSecret, base)
		fmt.Fprintf(&b, "then, with %s and %s set, run parchment-sync connect employment-hero --config FILE --org NAME and open the address it prints "+
			"(the stand-in approves at once, without a sign-in; curl -L works too); then plan and apply with --config FILE.", envEHClientID, envEHClientSecret)
		return b.String()
	}
	return slowed(srv, f, isList), hint, nil
}

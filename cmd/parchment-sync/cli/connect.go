package cli

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/hris/deputy"
	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero"
	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
)

// defaultRedirectPort is the loopback port connect listens on unless told
// otherwise; the app's registered redirect URI must name the same one.
const defaultRedirectPort = 53682

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
	cmd.Flags().IntVar(&f.redirectPort, "redirect-port", defaultRedirectPort, "the loopback port of the app's registered redirect URI, http://127.0.0.1:PORT/")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 10*time.Minute, "how long to wait for the browser to come back")
	return cmd
}

// grant is one system's half of connect: the address to open, and the
// exchange of the code the browser brings back.
type grant struct {
	authURL  string
	exchange func(ctx context.Context, code string) (*oauth2.Token, error)
	file     oauthfile.File
	// check looks at the token before it is stored (Deputy's install).
	check func(*oauth2.Token) string
}

func (a *app) runConnect(ctx context.Context, system string, f *connectFlags) error {
	if f.configFile == "" || f.org == "" {
		return usageErr("connect needs --config FILE and --org NAME")
	}
	if f.redirectPort < 1 || f.redirectPort > 65535 {
		return usageErr("--redirect-port must be a port number, 1 to 65535")
	}
	o, err := a.configOrg(f.configFile, f.org)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.redirectPort)))
	if err != nil {
		return usageErr("connect: cannot listen on 127.0.0.1:%d for the browser's return (%v); free the port or pick another with --redirect-port, and register that redirect URI", f.redirectPort, err)
	}
	defer ln.Close()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/", f.redirectPort)
	state := oauth2.GenerateVerifier()
	var g grant
	switch system {
	case "deputy":
		g, err = a.deputyGrant(o, redirect, state)
	case "employment-hero":
		g, err = a.employmentHeroGrant(o, redirect, state)
	default:
		return usageErr("connect: unknown HR system %q; use deputy or employment-hero", system)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "Open this address in a browser and approve access (the app's redirect URI must be %s):\n", redirect)
	fmt.Fprintln(a.stdout, g.authURL)

	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	code, err := awaitCode(ctx, ln, state)
	if err != nil {
		return err
	}
	tok, err := g.exchange(ctx, code)
	if err != nil {
		return withCode(ExitAborted, fmt.Errorf("connect: the code exchange failed: %w", a.redactor.SecretsErr(err)))
	}
	if tok.RefreshToken == "" {
		return withCode(ExitAborted, errors.New("connect: the HR system sent no refresh token; check the app is allowed offline access"))
	}
	if g.check != nil {
		if warn := g.check(tok); warn != "" {
			fmt.Fprintln(a.stderr, "warning: "+warn)
		}
	}
	tok = tok.WithExtra(map[string]any{oauthfile.ExtraEndpoint: tok.Extra(oauthfile.ExtraEndpoint), oauthfile.ExtraRedirectURI: redirect})
	if err := os.MkdirAll(filepath.Dir(g.file.Path), 0o700); err != nil {
		return usageErr("connect: token_file %s: %v", g.file.Path, err)
	}
	if err := g.file.Locked(ctx, func() error { return g.file.Write(tok) }); err != nil {
		return usageErr("connect: %v", err)
	}
	fmt.Fprintf(a.stderr, "Connected: the refresh token is in %s.\n", g.file.Path)
	return nil
}

// configOrg loads the config file and finds the organisation named org.
func (a *app) configOrg(file, org string) (orgConfig, error) {
	orgs, err := loadConfig(file, a.getenv)
	if err != nil {
		return orgConfig{}, err
	}
	var names []string
	for _, o := range orgs {
		if o.name() == org {
			return o, nil
		}
		names = append(names, o.name())
	}
	return orgConfig{}, usageErr("%s has no organisation %q (it has %s); check --org", file, org, strings.Join(names, ", "))
}

// clientCredentials reads the OAuth client's id and secret from the
// variables the config names.
func (a *app) clientCredentials(c hrisOAuth) (id, secret string, err error) {
	id, secret = a.getenv(c.clientIDEnv), a.getenv(c.clientSecretEnv)
	a.redactor.Add(secret)
	switch {
	case id == "":
		return "", "", usageErr("environment variable %s is not set; it holds the HR system app's client id", c.clientIDEnv)
	case secret == "":
		return "", "", usageErr("environment variable %s is not set; it holds the HR system app's client secret", c.clientSecretEnv)
	}
	return id, secret, nil
}

func (a *app) deputyGrant(o orgConfig, redirect, state string) (grant, error) {
	d, err := o.deputy()
	if err != nil {
		return grant{}, withCode(ExitUsage, err)
	}
	if d.oauth == nil {
		return grant{}, usageErr("%s: deputy of organisation %q uses a permanent token (token_env); connect is for oauth: {client_id_env, client_secret_env, token_file}", o.where("deputy.token_env"), o.name())
	}
	id, secret, err := a.clientCredentials(*d.oauth)
	if err != nil {
		return grant{}, err
	}
	c := deputy.OAuth{LoginURL: d.oauth.url, InstallURL: d.url, ClientID: id, ClientSecret: secret, RedirectURL: redirect}
	return grant{
		authURL:  c.CodeConfig().AuthCodeURL(state),
		exchange: func(ctx context.Context, code string) (*oauth2.Token, error) { return c.Exchange(ctx, code) },
		file:     oauthfile.File{Path: d.oauth.tokenFile},
		check: func(tok *oauth2.Token) string {
			// Refreshes go to the install in deputy url; Deputy names the
			// account's own.
			endpoint, _ := tok.Extra(oauthfile.ExtraEndpoint).(string)
			if u, err := url.Parse(d.url); err == nil && endpoint != "" && !strings.EqualFold(u.Host, endpoint) {
				return fmt.Sprintf("Deputy says this account is at %s, but deputy url (%s) is %s; set url: https://%s", endpoint, o.where("deputy.url"), d.url, endpoint)
			}
			return ""
		},
	}, nil
}

func (a *app) employmentHeroGrant(o orgConfig, redirect, state string) (grant, error) {
	e, err := o.employmentHero()
	if err != nil {
		return grant{}, withCode(ExitUsage, err)
	}
	id, secret, err := a.clientCredentials(e.oauth)
	if err != nil {
		return grant{}, err
	}
	conf := employmenthero.OAuth{URL: e.oauth.url, ClientID: id, ClientSecret: secret, RedirectURL: redirect}.Config()
	verifier := oauth2.GenerateVerifier() // PKCE: Employment Hero requires it
	return grant{
		authURL: conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)),
		exchange: func(ctx context.Context, code string) (*oauth2.Token, error) {
			return conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
		},
		file: oauthfile.File{Path: e.oauth.tokenFile},
	}, nil
}

// awaitCode serves the loopback redirect until the browser brings a code
// with the expected state, or ctx ends.
func awaitCode(ctx context.Context, ln net.Listener, state string) (string, error) {
	type result struct {
		code string
		err  error
	}
	done := make(chan result, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("code") == "" && q.Get("error") == "" {
			http.NotFound(w, r) // a favicon, say
			return
		}
		var res result
		switch {
		case q.Get("state") != state:
			res.err = errors.New("connect: the browser came back with another request's state; start connect again")
		case q.Get("error") != "":
			res.err = fmt.Errorf("connect: the HR system did not grant access: %s %s", q.Get("error"), q.Get("error_description"))
		default:
			res.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if res.err != nil {
			fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(res.err.Error()))
		} else {
			fmt.Fprint(w, "<p>parchment-sync is connected. You can close this window.</p>")
		}
		select {
		case done <- res:
		default:
		}
	})}
	go srv.Serve(ln) //nolint:errcheck // ends with Shutdown below
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return "", withCode(ExitAborted, r.err)
		}
		return r.code, nil
	case <-ctx.Done():
		return "", withCode(ExitAborted, errors.New("connect: no answer from the browser in time; run connect again (or give --timeout)"))
	}
}

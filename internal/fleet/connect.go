package fleet

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

	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/hris/deputy"
	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero"
	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
)

// DefaultRedirectPort is the loopback port connect listens on unless told
// otherwise; the app's registered redirect URI must name the same one.
const DefaultRedirectPort = 53682

// grant is one system's half of connect: the address to open, and the
// exchange of the code the browser brings back.
type grant struct {
	authURL  string
	exchange func(ctx context.Context, code string) (*oauth2.Token, error)
	file     oauthfile.File
	// check looks at the token before it is stored (Deputy's install).
	check func(*oauth2.Token) string
}

// Connect is one authorisation of an HR system, for its refresh token.
type Connect struct {
	// System is deputy or employment-hero.
	System, ConfigFile, Org string
	// RedirectPort is the loopback port of the app's registered redirect
	// URI, http://127.0.0.1:PORT/.
	RedirectPort int
	// Timeout is how long to wait for the browser to come back.
	Timeout time.Duration
	// Show is given the address to open in a browser, and the redirect
	// URI the app must have; Warn says what looks wrong in the token.
	Show func(authURL, redirect string)
	Warn func(string)
}

// Connect has someone approve access in a browser, then stores the
// refresh token in the organisation's token_file (mode 0600), whose path
// it returns.
func (a *App) Connect(ctx context.Context, c Connect) (string, error) {
	o, err := a.configOrg(c.ConfigFile, c.Org)
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(c.RedirectPort)))
	if err != nil {
		return "", Usagef("connect: cannot listen on 127.0.0.1:%d for the browser's return (%v); free the port or pick another with --redirect-port, and register that redirect URI", c.RedirectPort, err)
	}
	defer ln.Close()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/", c.RedirectPort)
	state := oauth2.GenerateVerifier()
	var g grant
	switch c.System {
	case "deputy":
		g, err = a.deputyGrant(o, redirect, state)
	case "employment-hero":
		g, err = a.employmentHeroGrant(o, redirect, state)
	default:
		return "", Usagef("connect: unknown HR system %q; use deputy or employment-hero", c.System)
	}
	if err != nil {
		return "", err
	}
	c.Show(g.authURL, redirect)

	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	code, err := awaitCode(ctx, ln, state)
	if err != nil {
		return "", err
	}
	tok, err := g.exchange(ctx, code)
	if err != nil {
		return "", Fail(Aborted, fmt.Errorf("connect: the code exchange failed: %w", a.Redactor.SecretsErr(err)))
	}
	if tok.RefreshToken == "" {
		return "", Fail(Aborted, errors.New("connect: the HR system sent no refresh token; check the app is allowed offline access"))
	}
	if g.check != nil {
		if warn := g.check(tok); warn != "" {
			c.Warn(warn)
		}
	}
	tok = tok.WithExtra(map[string]any{oauthfile.ExtraEndpoint: tok.Extra(oauthfile.ExtraEndpoint), oauthfile.ExtraRedirectURI: redirect})
	if err := os.MkdirAll(filepath.Dir(g.file.Path), 0o700); err != nil {
		return "", Usagef("connect: token_file %s: %v", g.file.Path, err)
	}
	if err := g.file.Locked(ctx, func() error { return g.file.Write(tok) }); err != nil {
		return "", Usagef("connect: %v", err)
	}
	return g.file.Path, nil
}

// configOrg loads the config file and finds the organisation named org.
func (a *App) configOrg(file, org string) (Org, error) {
	orgs, err := LoadConfig(file, a.Getenv)
	if err != nil {
		return Org{}, err
	}
	var names []string
	for _, o := range orgs {
		if o.name() == org {
			return o, nil
		}
		names = append(names, o.name())
	}
	return Org{}, Usagef("%s has no organisation %q (it has %s); check --org", file, org, strings.Join(names, ", "))
}

// clientCredentials reads the OAuth client's id and secret from the
// variables the config names.
func (a *App) clientCredentials(c hrisOAuth) (id, secret string, err error) {
	id, secret = a.Getenv(c.clientIDEnv), a.Getenv(c.clientSecretEnv)
	a.Redactor.Add(secret)
	switch {
	case id == "":
		return "", "", Usagef("environment variable %s is not set; it holds the HR system app's client id", c.clientIDEnv)
	case secret == "":
		return "", "", Usagef("environment variable %s is not set; it holds the HR system app's client secret", c.clientSecretEnv)
	}
	return id, secret, nil
}

func (a *App) deputyGrant(o Org, redirect, state string) (grant, error) {
	d, err := o.deputy()
	if err != nil {
		return grant{}, Fail(Usage, err)
	}
	if d.oauth == nil {
		return grant{}, Usagef("%s: deputy of organisation %q uses a permanent token (token_env); connect is for oauth: {client_id_env, client_secret_env, token_file}", o.where("deputy.token_env"), o.name())
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

func (a *App) employmentHeroGrant(o Org, redirect, state string) (grant, error) {
	e, err := o.employmentHero()
	if err != nil {
		return grant{}, Fail(Usage, err)
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
			return "", Fail(Aborted, r.err)
		}
		return r.code, nil
	case <-ctx.Done():
		return "", Fail(Aborted, errors.New("connect: no answer from the browser in time; run connect again (or give --timeout)"))
	}
}

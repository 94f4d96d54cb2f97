package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/hris"
	"github.com/parchment-sync/parchment-sync/internal/hris/deputy"
)

// EnvDeputyToken holds the Deputy permanent token of a flags-only run.
const EnvDeputyToken = "DEPUTY_TOKEN"

// deputyCustomPrefix is where Deputy's joined custom fields are read.
const deputyCustomPrefix = "CustomFieldDataObject."

// Deputy reads staff from a Deputy install: --deputy-url with
// DEPUTY_TOKEN, or a config file's deputy: block.
type Deputy struct {
	URL    string // --deputy-url; with a config file it replaces deputy url
	config *Org   // the organisation with a deputy: block; nil for flags only
	client newStaffReader
}

func (d *Deputy) given() bool { return d.URL != "" || d.config != nil }

func (d *Deputy) install() string {
	if d.config != nil {
		return firstSet(d.URL, d.config.Text("deputy.url"))
	}
	return d.URL
}

func (d *Deputy) label() string { return "Deputy " + d.install() }

func (d *Deputy) check() error {
	if d.config != nil {
		if _, err := d.config.deputy(); err != nil {
			return err
		}
	}
	if u, err := url.Parse(d.install()); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("--deputy-url (or deputy url) must be the install's address, such as https://acme.au.deputy.com, not %q", d.install())
	}
	return nil
}

// mayLack exempts custom fields: a field nobody has a value in yet may be
// absent from every record, as a KeyPay qualification nobody holds is.
func (d *Deputy) mayLack(field string) bool {
	return strings.HasPrefix(field, deputyCustomPrefix)
}

func (d *Deputy) read(ctx context.Context, _ env, _ *slog.Logger, _ []string, spool *hris.Spool) error {
	if d.client == nil {
		return errors.New("the Deputy source was not set up; this is a bug")
	}
	return spoolAll(ctx, d.client, spool)
}

// deputyFromFlags is the client of a flags-only run: --deputy-url and the
// permanent token in DEPUTY_TOKEN.
func (a *App) deputyFromFlags(install string) (staffReader, error) {
	tok := a.Getenv(EnvDeputyToken)
	if tok == "" {
		return nil, Usagef("set %s to a Deputy permanent token (Deputy → oauth_clients → Get an Access Token) to read --deputy-url", EnvDeputyToken)
	}
	a.Redactor.Add(tok)
	return deputy.New(deputy.Config{URL: install, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}), Credentials: EnvDeputyToken}), nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/hris"
	"github.com/parchment-sync/parchment-sync/internal/hris/deputy"
)

// envDeputyToken holds the Deputy permanent token of a flags-only run.
const envDeputyToken = "DEPUTY_TOKEN"

// deputyCustomPrefix is where Deputy's joined custom fields are read.
const deputyCustomPrefix = "CustomFieldDataObject."

// deputySource reads staff from a Deputy install: --deputy-url with
// DEPUTY_TOKEN, or a config file's deputy: block.
type deputySource struct {
	url    string     // --deputy-url; with a config file it replaces deputy url
	config *orgConfig // the organisation with a deputy: block; nil for flags only
	client newStaffReader
}

func (d *deputySource) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.url, "deputy-url", "", "read staff from this Deputy install, https://INSTALL.GEO.deputy.com, instead of --csv; the permanent token is read from "+envDeputyToken)
}

func (d *deputySource) given() bool { return d.url != "" || d.config != nil }

func (d *deputySource) install() string {
	if d.config != nil {
		return firstSet(d.url, d.config.text("deputy.url"))
	}
	return d.url
}

func (d *deputySource) label() string { return "Deputy " + d.install() }

func (d *deputySource) check() error {
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
func (d *deputySource) mayLack(field string) bool {
	return strings.HasPrefix(field, deputyCustomPrefix)
}

func (d *deputySource) read(ctx context.Context, _ env, _ *slog.Logger, _ []string, spool *hris.Spool) error {
	if d.client == nil {
		return errors.New("the Deputy source was not set up; this is a bug")
	}
	return spoolAll(ctx, d.client, spool)
}

// deputyFromFlags is the client of a flags-only run: --deputy-url and the
// permanent token in DEPUTY_TOKEN.
func (a *app) deputyFromFlags(install string) (staffReader, error) {
	tok := a.getenv(envDeputyToken)
	if tok == "" {
		return nil, usageErr("set %s to a Deputy permanent token (Deputy → oauth_clients → Get an Access Token) to read --deputy-url", envDeputyToken)
	}
	a.redactor.Add(tok)
	return deputy.New(deputy.Config{URL: install, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}), Credentials: envDeputyToken}), nil
}

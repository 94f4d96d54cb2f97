package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/hris/deputy"
	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero"
	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
)

// These build the HR systems' clients from an organisation's config, for
// the source selection to call. Each client's Read(ctx, yield) yields
// every employee as a map of dotted keys to text.

// deputyClient returns the organisation's Deputy client; urlFlag
// (--deputy-url) replaces deputy url when given.
func (a *App) deputyClient(ctx context.Context, o Org, urlFlag string, base *http.Client) (*deputy.Client, error) {
	d, err := o.deputy()
	if err != nil {
		return nil, Fail(Usage, err)
	}
	d.url = firstSet(urlFlag, d.url)
	c := deputy.Config{URL: d.url, HTTPClient: base}
	if d.oauth == nil {
		tok := a.Getenv(d.tokenEnv)
		if tok == "" {
			return nil, Usagef("environment variable %s is not set; it holds the Deputy permanent token (deputy token_env, %s)", d.tokenEnv, o.where("deputy.token_env"))
		}
		a.Redactor.Add(tok)
		c.Token, c.Credentials = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}), d.tokenEnv
		return deputy.New(c), nil
	}
	id, secret, err := a.clientCredentials(*d.oauth)
	if err != nil {
		return nil, err
	}
	file := oauthfile.File{Path: d.oauth.tokenFile}
	// Deputy wants the redirect URI connect used with every refresh.
	saved, err := file.Read()
	if errors.Is(err, oauthfile.ErrNoToken) {
		return nil, Usagef("token file %s does not exist yet; run parchment-sync connect deputy --config %s --org %s", file.Path, o.file, o.name())
	}
	if err != nil {
		return nil, Usagef("%v", err)
	}
	redirect, _ := saved.Extra(oauthfile.ExtraRedirectURI).(string)
	oc := deputy.OAuth{LoginURL: d.oauth.url, InstallURL: d.url, ClientID: id, ClientSecret: secret, RedirectURL: redirect,
		Credentials: d.oauth.clientIDEnv + " and " + d.oauth.clientSecretEnv, HTTPClient: base}
	c.Token = oauthfile.NewSource(ctx, deputy.OAuthSource(oc, file))
	c.Credentials = fmt.Sprintf("the token file %s (run parchment-sync connect deputy again if access was revoked)", file.Path)
	return deputy.New(c), nil
}

// employmentHeroClient returns the organisation's Employment Hero HR
// client.
func (a *App) employmentHeroClient(ctx context.Context, o Org, base *http.Client) (*employmenthero.Client, error) {
	e, err := o.employmentHero()
	if err != nil {
		return nil, Fail(Usage, err)
	}
	id, secret, err := a.clientCredentials(e.oauth)
	if err != nil {
		return nil, err
	}
	file := oauthfile.File{Path: e.oauth.tokenFile}
	oc := employmenthero.OAuth{URL: e.oauth.url, ClientID: id, ClientSecret: secret,
		Credentials: e.oauth.clientIDEnv + " and " + e.oauth.clientSecretEnv, HTTPClient: base}
	return employmenthero.New(employmenthero.Config{
		URL: e.url, OrganisationID: e.organizationID, CustomFields: e.customFields, HTTPClient: base,
		Token:       oauthfile.NewSource(ctx, employmenthero.OAuthSource(oc, file)),
		Credentials: fmt.Sprintf("the token file %s (run parchment-sync connect employment-hero again if access was revoked)", file.Path),
	}), nil
}

// StaffReader is the HR client a sync of the config file's organisation
// org builds (Deputy's or Employment Hero HR's): connect's result can be
// tried without a sync.
func (a *App) StaffReader(ctx context.Context, configFile, org string) (staffReader, error) {
	o, err := a.configOrg(configFile, org)
	if err != nil {
		return nil, err
	}
	if o.readsHR("deputy") {
		return a.deputyClient(ctx, o, "", nil)
	}
	return a.employmentHeroClient(ctx, o, nil)
}

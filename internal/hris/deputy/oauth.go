package deputy

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
)

// LoginURL is where Deputy's OAuth clients authorise and exchange codes.
const LoginURL = "https://once.deputy.com"

// Scope is Deputy's only scope; it is sent with every token request.
const Scope = "longlife_refresh_token"

// OAuth is a Deputy OAuth client: the code is exchanged on LoginURL, but
// refreshes go to the install itself.
type OAuth struct {
	// LoginURL is "" for Deputy's (a stand-in's otherwise).
	LoginURL   string
	InstallURL string
	// ClientID, ClientSecret and RedirectURL are the registered client's;
	// Deputy wants redirect_uri with refreshes too.
	ClientID, ClientSecret, RedirectURL string
	// Credentials names where the id and secret come from, for messages.
	Credentials string
	HTTPClient  *http.Client
}

func (o OAuth) login() string {
	if o.LoginURL == "" {
		return LoginURL
	}
	return strings.TrimRight(o.LoginURL, "/")
}

func (o OAuth) config(tokenURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL, Scopes: []string{Scope},
		Endpoint: oauth2.Endpoint{
			AuthURL: o.login() + "/my/oauth/login", TokenURL: tokenURL,
			AuthStyle: oauth2.AuthStyleInParams, // Deputy reads the id and secret from the form
		},
	}
}

// extra is what Deputy wants beside x/oauth2's standard parameters.
func (o OAuth) extra() url.Values {
	return url.Values{"scope": {Scope}, "redirect_uri": {o.RedirectURL}}
}

// CodeConfig is the configuration for the code grant: AuthCodeURL gives
// the page to open, Exchange (below) trades the code.
func (o OAuth) CodeConfig() *oauth2.Config {
	return o.config(o.login() + "/my/oauth/access_token")
}

// Exchange trades an authorisation code for tokens on LoginURL; the answer
// names the install in its "endpoint" extra.
func (o OAuth) Exchange(ctx context.Context, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, oauthfile.WithExtra(o.HTTPClient, o.extra()))
	return o.CodeConfig().Exchange(ctx, code, opts...)
}

// OAuthSource is the token file's refresh configuration: the install's
// /oauth/access_token, with scope and redirect_uri added.
func OAuthSource(o OAuth, f oauthfile.File) oauthfile.Config {
	return oauthfile.Config{
		OAuth: o.config(strings.TrimRight(o.InstallURL, "/") + "/oauth/access_token"),
		File:  f, Extra: o.extra(), HTTPClient: o.HTTPClient, Credentials: o.Credentials,
	}
}

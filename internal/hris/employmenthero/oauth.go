package employmenthero

import (
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
)

// OAuthURL is Employment Hero's authorisation server.
const OAuthURL = "https://oauth.employmenthero.com"

// OAuth is an Employment Hero OAuth client. The code grant uses PKCE
// (oauth2.GenerateVerifier, S256ChallengeOption, VerifierOption).
type OAuth struct {
	// URL is "" for OAuthURL.
	URL                                 string
	ClientID, ClientSecret, RedirectURL string
	// Credentials names where the id and secret come from, for messages.
	Credentials string
	HTTPClient  *http.Client
}

// Config is the x/oauth2 configuration for the code grant and refreshes.
func (o OAuth) Config() *oauth2.Config {
	base := strings.TrimRight(o.URL, "/")
	if base == "" {
		base = OAuthURL
	}
	return &oauth2.Config{
		ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL,
		Endpoint: oauth2.Endpoint{
			AuthURL: base + "/oauth2/authorize", TokenURL: base + "/oauth2/token",
			AuthStyle: oauth2.AuthStyleInParams, // as Employment Hero's own client sends them
		},
	}
}

// OAuthSource is the token file's refresh configuration.
func OAuthSource(o OAuth, f oauthfile.File) oauthfile.Config {
	return oauthfile.Config{OAuth: o.Config(), File: f, HTTPClient: o.HTTPClient, Credentials: o.Credentials}
}

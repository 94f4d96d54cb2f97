package oauthfile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// expiryDelta refreshes a little early, as x/oauth2 does, so a token does
// not expire between the check and the request.
const expiryDelta = 10 * time.Second

// Config says how to refresh the token a File holds.
type Config struct {
	// OAuth's Endpoint.TokenURL is where refreshes go.
	OAuth *oauth2.Config
	File  File
	// Extra form values sent with every token request, beside what
	// x/oauth2 sends (Deputy wants scope and redirect_uri on refresh).
	Extra url.Values
	// HTTPClient makes the token requests; nil is http.DefaultClient.
	HTTPClient *http.Client
	// Credentials names where the client id and secret come from, for the
	// message when the token endpoint refuses them.
	Credentials string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Source is an oauth2.TokenSource backed by the token file.
type Source struct {
	ctx context.Context
	c   Config
	mu  sync.Mutex
	tok *oauth2.Token // the last token read or refreshed
}

// NewSource returns a token source that reads c.File, and refreshes when
// the token is expired. ctx carries the token requests, as x/oauth2's do.
func NewSource(ctx context.Context, c Config) *Source {
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Source{ctx: ctx, c: c}
}

func (s *Source) valid(t *oauth2.Token) bool {
	return t != nil && t.AccessToken != "" && (t.Expiry.IsZero() || s.c.Now().Add(expiryDelta).Before(t.Expiry))
}

// Token returns a valid access token. Under the file lock it first reads
// the file again: another process may have refreshed, and then its token
// is used, since the refresh token this one holds is already spent.
func (s *Source) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.valid(s.tok) {
		return s.tok, nil
	}
	err := s.c.File.Locked(s.ctx, func() error {
		cur, err := s.c.File.Read()
		if err != nil {
			return err
		}
		if s.valid(cur) {
			s.tok = cur
			return nil
		}
		next, err := s.refresh(cur)
		if err != nil {
			return err
		}
		s.tok = next
		return s.c.File.Write(next)
	})
	if err != nil {
		return nil, err
	}
	return s.tok, nil
}

func (s *Source) refresh(cur *oauth2.Token) (*oauth2.Token, error) {
	ctx := context.WithValue(s.ctx, oauth2.HTTPClient, WithExtra(s.c.HTTPClient, s.c.Extra))
	next, err := s.c.OAuth.TokenSource(ctx, &oauth2.Token{RefreshToken: cur.RefreshToken}).Token()
	if err != nil {
		return nil, s.refused(err)
	}
	// A refresh answer may leave out what the file keeps beside the token.
	keep := map[string]any{}
	for _, k := range []string{ExtraEndpoint, ExtraRedirectURI} {
		if v, _ := next.Extra(k).(string); v != "" {
			keep[k] = v
		} else {
			keep[k] = cur.Extra(k)
		}
	}
	return next.WithExtra(keep), nil
}

// ErrRefused marks an authorisation server's refusal: connecting again,
// or fixing the client id and secret, is what helps; retrying is not.
var ErrRefused = errors.New("refused")

func (s *Source) refused(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil || re.Response.StatusCode >= 500 {
		return fmt.Errorf("refreshing the access token: %w", err)
	}
	code := re.ErrorCode
	if code == "" {
		code = re.Response.Status
	}
	if code == "invalid_client" || re.Response.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("the authorisation server refused the client id and secret (%s): check %s: %w", code, s.c.Credentials, ErrRefused)
	}
	return fmt.Errorf("the authorisation server refused the refresh token in %s (%s); run parchment-sync connect again to authorise anew: %w", s.c.File.Path, code, ErrRefused)
}

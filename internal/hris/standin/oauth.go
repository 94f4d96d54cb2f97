// Package standin holds what the HR systems' stand-ins share: an OAuth 2.0
// authorisation server with rotating refresh tokens, injected faults and
// a canonical roster to seed from. It imports no testing package: the
// binary serves the stand-ins too.
package standin

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// OAuth is an authorisation server: the code grant (with PKCE when
// required) and refresh tokens that work once, each refresh spending the
// old one, as Deputy's and Employment Hero's do.
type OAuth struct {
	ClientID, ClientSecret string
	// RedirectURIs are the registered ones, matched exactly.
	RedirectURIs []string
	RequirePKCE  bool
	// Scope, when set, must be sent with the code exchange and every
	// refresh (Deputy's longlife_refresh_token).
	Scope string
	// RefreshRedirect wants a registered redirect_uri with every refresh
	// too, as Deputy does.
	RefreshRedirect bool
	// ExpiresIn is an access token's life in seconds.
	ExpiresIn int
	// Extra adds fields to every token answer (Deputy's endpoint).
	Extra func(r *http.Request) map[string]any
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	mu        sync.Mutex
	codes     map[string]grant
	refreshes map[string]bool // refresh tokens not yet spent
	access    map[string]time.Time
	refreshed int
}

type grant struct {
	redirect, challenge string
	expires             time.Time
}

func (o *OAuth) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *OAuth) init() {
	if o.codes == nil {
		o.codes, o.refreshes, o.access = map[string]grant{}, map[string]bool{}, map[string]time.Time{}
	}
}

func newToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Grant issues a refresh token directly, as if someone had connected.
func (o *OAuth) Grant() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.init()
	t := newToken()
	o.refreshes[t] = true
	return t
}

// Valid reports whether an access token was issued and has not expired.
func (o *OAuth) Valid(token string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	exp, ok := o.access[token]
	return ok && o.now().Before(exp)
}

// Refreshes counts refreshes that succeeded.
func (o *OAuth) Refreshes() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refreshed
}

// Authorize is the authorisation endpoint. The stand-in has no login page:
// it approves at once and redirects to redirect_uri with a code and the
// state, so a test plays the browser by following the redirect.
func (o *OAuth) Authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	switch {
	case q.Get("client_id") != o.ClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case len(o.RedirectURIs) > 0 && !slices.Contains(o.RedirectURIs, redirect), redirect == "":
		http.Error(w, "redirect_uri is not registered for this client", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return
	case o.Scope != "" && q.Get("scope") != o.Scope:
		http.Error(w, "scope must be "+o.Scope, http.StatusBadRequest)
		return
	case o.RequirePKCE && (q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256"):
		http.Error(w, "PKCE is required: send code_challenge with code_challenge_method=S256", http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	o.init()
	code := newToken()
	o.codes[code] = grant{redirect: redirect, challenge: q.Get("code_challenge"), expires: o.now().Add(10 * time.Minute)}
	o.mu.Unlock()
	to, err := url.Parse(redirect)
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	v := to.Query()
	v.Set("code", code)
	if s := q.Get("state"); s != "" {
		v.Set("state", s)
	}
	to.RawQuery = v.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// Token is the token endpoint: grant_type authorization_code or
// refresh_token, client credentials in the form or as Basic auth.
func (o *OAuth) Token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is no form")
		return
	}
	f := r.PostForm
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = f.Get("client_id"), f.Get("client_secret")
	}
	if id != o.ClientID || secret != o.ClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	if o.Scope != "" && f.Get("scope") != o.Scope {
		oauthError(w, http.StatusBadRequest, "invalid_scope", "scope must be "+o.Scope)
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.init()
	switch f.Get("grant_type") {
	case "authorization_code":
		g, ok := o.codes[f.Get("code")]
		delete(o.codes, f.Get("code")) // a code works once
		switch {
		case !ok || o.now().After(g.expires):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or expired code")
			return
		case f.Get("redirect_uri") != g.redirect:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorisation request's")
			return
		case o.RequirePKCE && s256(f.Get("code_verifier")) != g.challenge:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge")
			return
		}
	case "refresh_token":
		if o.RefreshRedirect && !slices.Contains(o.RedirectURIs, f.Get("redirect_uri")) {
			oauthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri must be the client's registered one")
			return
		}
		if !o.refreshes[f.Get("refresh_token")] {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "refresh token unknown or already used")
			return
		}
		delete(o.refreshes, f.Get("refresh_token"))
		o.refreshed++
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	access, refresh := newToken(), newToken()
	o.access[access] = o.now().Add(time.Duration(o.ExpiresIn) * time.Second)
	o.refreshes[refresh] = true
	body := map[string]any{"access_token": access, "token_type": "bearer", "expires_in": o.ExpiresIn, "refresh_token": refresh}
	if o.Scope != "" {
		body["scope"] = o.Scope
	}
	if o.Extra != nil {
		for k, v := range o.Extra(r) {
			body[k] = v
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

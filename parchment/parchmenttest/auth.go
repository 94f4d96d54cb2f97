package parchmenttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Scopes the server knows. The scopes page marks the update and delete
// scopes "coming soon": organisations may well lack them.
const (
	scopeCreateUser = "create:user"
	scopeReadUser   = "read:user"
	scopeReadUsers  = "read:users"
	scopeUpdateUser = "update:user"
	scopeDeleteUser = "delete:user"
)

// KnownScopes lists every scope a token exchange may ask for, in the
// scopes page's order; Config.Scopes defaults to all of them.
func KnownScopes() []string {
	return []string{scopeCreateUser, scopeReadUser, scopeReadUsers, scopeUpdateUser, scopeDeleteUser}
}

// issuedToken is what the server remembers of a token it issued.
type issuedToken struct {
	org     string
	scopes  []string
	expires time.Time
}

// issueToken serves POST /v1/token.
func (s *Server) issueToken(r *http.Request, orgID string) reply {
	began := time.Now()
	h := r.Header
	if h.Get("x-partner-id") != s.cfg.PartnerID || h.Get("x-partner-secret") != s.cfg.PartnerSecret ||
		h.Get("x-organization-secret") != s.cfg.OrganizationSecret || orgID == "" || h.Get("x-user-id") == "" {
		s.count(func(c *Counters) { c.Unauthorized++ })
		return unauthorized("Invalid partner credentials")
	}
	var body struct {
		GrantType string   `json:"grantType"`
		Scope     []string `json:"scope"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return badRequest("Invalid request format")
	}
	if body.GrantType != "client_credentials" {
		return badRequest("grantType must be client_credentials")
	}
	for _, sc := range body.Scope {
		if !slices.Contains(KnownScopes(), sc) {
			return badRequest(fmt.Sprintf("Unknown scope '%s'", sc))
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	allowed := s.orgLocked(orgID).scopes
	granted := append([]string{}, allowed...) // answered as [], never null
	if len(body.Scope) > 0 {
		granted = slices.DeleteFunc(slices.Clone(body.Scope), func(sc string) bool { return !slices.Contains(allowed, sc) })
	}
	tok := "tok_" + s.randomString(32)
	s.tokens[tok] = issuedToken{org: orgID, scopes: granted, expires: time.Now().Add(s.cfg.TokenTTL)}
	rep := ok(http.StatusOK, "Token generated successfully", "", map[string]any{
		"accessToken": tok,
		"expiresIn":   int64(s.cfg.TokenTTL / time.Second),
		"tokenType":   "Bearer",
		"scope":       granted,
	})
	// The token page's sample carries meta; its values are ours.
	rep.env.Meta = map[string]any{"apiVersion": "1.0", "responseTime": time.Since(began).Milliseconds()}
	return rep
}

// authorize checks an API call's token, organisation secret and scope.
func (s *Server) authorize(r *http.Request, orgID string, ep endpoint) (reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, ok := s.authorizeLocked(r, orgID, ep)
	if !ok && rep.env.StatusCode == http.StatusUnauthorized {
		s.counters.Unauthorized++
	} else if !ok {
		s.counters.Forbidden++
	}
	return rep, ok
}

func (s *Server) authorizeLocked(r *http.Request, orgID string, ep endpoint) (reply, bool) {
	auth := r.Header.Get("Authorization")
	tok, found := strings.CutPrefix(auth, "Bearer ")
	if s.rejectTokens || !found || tok == "" {
		return unauthorized("Valid authentication token is required"), false
	}
	var scopes []string
	if tok == s.cfg.Token {
		scopes = s.orgLocked(orgID).scopes
	} else {
		it, known := s.tokens[tok]
		switch {
		case !known:
			return unauthorized("Valid authentication token is required"), false
		case !time.Now().Before(it.expires):
			return unauthorized("Token has expired"), false
		case it.org != orgID:
			return forbidden("Token was not issued for this organization"), false
		}
		scopes = it.scopes
	}
	if r.Header.Get("x-organization-secret") != s.cfg.OrganizationSecret {
		return unauthorized("Invalid organization secret"), false
	}
	if ep.scope != "" && !slices.Contains(scopes, ep.scope) {
		named := ep.scope
		if ep.refusalNames != "" {
			named = ep.refusalNames
		}
		return forbidden(fmt.Sprintf("This operation requires the '%s' scope", named)), false
	}
	return reply{}, true
}

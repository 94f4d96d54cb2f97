package parchmenttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Scopes the server checks. The scopes page marks the update and delete
// scopes "coming soon": organisations may well lack them. validate needs
// create:patient, which a users-only integration may lack.
const (
	scopeCreatePatient = "create:patient"
	scopeCreateUser    = "create:user"
	scopeReadUser      = "read:user"
	scopeReadUsers     = "read:users"
	scopeUpdateUser    = "update:user"
	scopeDeleteUser    = "delete:user"
)

// KnownScopes lists every scope an organisation may allow here, in the
// scopes page's order; Config.Scopes defaults to all of them.
func KnownScopes() []string {
	return []string{scopeCreatePatient, scopeCreateUser, scopeReadUser, scopeReadUsers, scopeUpdateUser, scopeDeleteUser}
}

// requestableScopes is the token request's enum, as openapi's validation
// example lists it: patient scopes the stand-in never checks included.
func requestableScopes() []string {
	return []string{"create:patient", "read:patient", "update:patient", "delete:patient", "read:patient_prescription",
		scopeCreateUser, scopeReadUser, scopeReadUsers, scopeUpdateUser, scopeDeleteUser}
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
		if !slices.Contains(requestableScopes(), sc) {
			return scopeInvalid(fmt.Sprintf("Invalid enum value. Expected %s, received '%s'", quotedAlternatives(requestableScopes()), sc))
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	allowed := s.orgLocked(orgID).scopes
	granted := append([]string{}, allowed...) // answered as [], never null
	if len(body.Scope) > 0 {
		granted = slices.DeleteFunc(slices.Clone(body.Scope), func(sc string) bool { return !slices.Contains(allowed, sc) })
	}
	if refused := notApproved(body.Scope, allowed); s.cfg.StrictScopes && len(refused) > 0 {
		return scopeInvalid("Scopes not approved for this organization: " + strings.Join(refused, ", "))
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

// scopeInvalid is the token page's answer to a scope it will not grant:
// openapi shows it under the 400 heading with a 422 validation body on
// the scope field, so both statuses are kept.
func scopeInvalid(message string) reply {
	rep := invalid([]FieldError{{Field: "scope", Message: message, Code: "VALIDATION_ERROR"}})
	rep.httpStatus = http.StatusBadRequest
	return rep
}

// quotedAlternatives writes values as the enum message does: 'a' | 'b'.
func quotedAlternatives(values []string) string {
	return "'" + strings.Join(values, "' | '") + "'"
}

// notApproved lists the requested scopes the organisation does not allow,
// each once, in the order asked.
func notApproved(requested, allowed []string) []string {
	var out []string
	for _, sc := range distinct(requested) {
		if !slices.Contains(allowed, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// authorize checks an API call's token, organisation secret and scope.
// A scope refusal counts as forbidden whichever status answers it.
func (s *Server) authorize(r *http.Request, orgID string, ep endpoint) (reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, ok, scopeRefused := s.authorizeLocked(r, orgID, ep)
	switch {
	case ok:
	case scopeRefused || rep.env.StatusCode == http.StatusForbidden:
		s.counters.Forbidden++
	default:
		s.counters.Unauthorized++
	}
	return rep, ok
}

// scopeRefusal answers a call whose token lacks its scope, in the status
// Config.ScopeRefusal picks; the documented one is 401 where the call's
// page shows 401 (validate and the reads), else 403.
func (s *Server) scopeRefusal(ep endpoint) reply {
	switch s.cfg.ScopeRefusal {
	case ScopeRefusal401:
		return insufficientScope()
	case ScopeRefusalDocumented:
		if ep.kind == kindValidate || ep.kind == kindList || ep.kind == kindGet {
			return insufficientScope()
		}
	}
	named := ep.scope
	if ep.refusalNames != "" {
		named = ep.refusalNames
	}
	return forbidden(fmt.Sprintf("This operation requires the '%s' scope", named))
}

func (s *Server) authorizeLocked(r *http.Request, orgID string, ep endpoint) (rep reply, ok, scopeRefused bool) {
	auth := r.Header.Get("Authorization")
	tok, found := strings.CutPrefix(auth, "Bearer ")
	if s.rejectTokens || !found || tok == "" {
		return unauthorized("Valid authentication token is required"), false, false
	}
	var scopes []string
	if tok == s.cfg.Token {
		scopes = s.orgLocked(orgID).scopes
	} else {
		it, known := s.tokens[tok]
		switch {
		case !known:
			return unauthorized("Valid authentication token is required"), false, false
		case !time.Now().Before(it.expires):
			return unauthorized("Token has expired"), false, false
		case it.org != orgID:
			return forbidden("Token was not issued for this organization"), false, false
		}
		scopes = it.scopes
	}
	if r.Header.Get("x-organization-secret") != s.cfg.OrganizationSecret {
		return unauthorized("Invalid organization secret"), false, false
	}
	if ep.scope != "" && !slices.Contains(scopes, ep.scope) {
		return s.scopeRefusal(ep), false, true
	}
	return reply{}, true, false
}

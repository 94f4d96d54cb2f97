package parchmenttest

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
)

// Counters are what the server has seen since it started.
type Counters struct {
	// Requests counts every request by kind: token, validate, create,
	// list, get, update, roles, disable, enable, other.
	Requests     map[string]int
	RateLimited  int // answered 429
	ServerErrors int // injected failures (FailStatus)
	Drops        int // connections closed after a change
	Unauthorized int // answered 401, scope refusals aside
	Forbidden    int // answered 403, and scope refusals whatever their status
	Creates      int // users created through the API
	Updates      int // updates applied
	RoleUpdates  int // roles calls applied
}

// Counters returns a copy of the counters.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters
	c.Requests = maps.Clone(s.counters.Requests)
	return c
}

// Snapshot returns a copy of the organisation's users in creation order.
func (s *Server) Snapshot(orgID string) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgLocked(orgID)
	users := make([]User, 0, len(o.order))
	for _, id := range o.order {
		users = append(users, o.users[id].clone())
	}
	return users
}

// SeedUser stores u directly, without validation, as if someone had made
// it in Parchment's portal before the sync ran: no partner user id is
// needed, any roles (owner, member, …) and Disabled are kept as given. An
// empty UserID gets a new one; an empty FullName is the given and family
// names joined. It fails when the id, partner user id or email is taken.
func (s *Server) SeedUser(orgID string, u User) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seedLocked(s.orgLocked(orgID), u)
}

func (s *Server) seedLocked(o *org, u User) (User, error) {
	if err := o.seedable(u); err != nil {
		return User{}, err
	}
	if u.FullName == "" {
		u.FullName = strings.TrimSpace(u.GivenName + " " + u.FamilyName)
	}
	return s.addLocked(o, u), nil
}

// seedable says why u cannot join o, if it cannot.
func (o *org) seedable(u User) error {
	if _, taken := o.users[u.UserID]; u.UserID != "" && taken {
		return errors.New("parchmenttest: user id " + u.UserID + " is taken")
	}
	switch byPartnerID, byEmail := o.conflict(u.ExternalUserID, u.Email); {
	case byPartnerID:
		return errors.New("parchmenttest: partner user id " + u.ExternalUserID + " is taken")
	case byEmail:
		return errors.New("parchmenttest: email " + u.Email + " is taken")
	}
	return nil
}

// UpdateLog returns every update request received so far, in order, with
// its raw body and the status it was answered (200 also for an update
// whose answer was then dropped). Calls refused before the update handler
// (401, 403, 429, injected 500) are not in it.
func (s *Server) UpdateLog() []UpdateRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.updates)
}

// RejectTokens makes every call answer 401 from now on, whatever its
// token, or stops doing so.
func (s *Server) RejectTokens(reject bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectTokens = reject
}

// ExpireTokens expires every token issued so far, as if their time had
// run out; new ones work. The static Config.Token is not affected.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, t := range s.tokens {
		t.expires = now
		s.tokens[k] = t
	}
}

// AllowScopes sets the scopes the organisation's future tokens (and the
// static Config.Token) may carry, overriding Config.Scopes for it; a token
// exchange asking for others gets only these.
func (s *Server) AllowScopes(orgID string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgLocked(orgID).scopes = slices.Clone(scopes)
}

package parchmenttest

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// User is everything the server stores about one user.
type User struct {
	UserID                 string
	ExternalUserID         string
	Email                  string
	GivenName              string
	FamilyName             string
	FullName               string
	DateOfBirth            string
	Sex                    string
	Phone                  string
	AccessRoles            []string
	Title                  string
	HPIINumber             string
	PrescriberType         string
	PrescriberNumber       string
	Qualifications         string
	ProviderNumber         string
	AHPRANumber            string
	HospitalProviderNumber string
	ERXEntityID            string
	Disabled               bool
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

// IsProvider reports whether the user holds the provider role.
func (u User) IsProvider() bool { return slices.Contains(u.AccessRoles, "provider") }

func (u User) clone() User {
	u.AccessRoles = slices.Clone(u.AccessRoles)
	return u
}

// org is one organisation's state.
type org struct {
	users   map[string]*User // by user id
	order   []string         // user ids in creation order, for listing
	limiter *rate.Limiter    // nil when unlimited
	scopes  []string         // scopes its tokens may carry
}

// org returns the organisation, provisioning it on first use.
func (s *Server) org(id string) *org {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.orgLocked(id)
}

func (s *Server) orgLocked(id string) *org {
	o, found := s.orgs[id]
	if !found {
		o = &org{users: map[string]*User{}, scopes: allScopes()}
		if s.cfg.Rate > 0 {
			o.limiter = rate.NewLimiter(rate.Limit(s.cfg.Rate), s.cfg.Burst)
		}
		s.orgs[id] = o
	}
	return o
}

// conflict names the stored user a new one would clash with: by partner
// user id first, then by email, ignoring case.
func (o *org) conflict(externalUserID, email string) (byExternalID, byEmail bool) {
	for _, u := range o.users {
		if externalUserID != "" && u.ExternalUserID == externalUserID {
			return true, false
		}
	}
	for _, u := range o.users {
		if strings.EqualFold(u.Email, email) {
			return false, true
		}
	}
	return false, false
}

// addLocked stores u under a new id unless it already has one; s.mu must be held.
func (s *Server) addLocked(o *org, u User) User {
	if u.UserID == "" {
		u.UserID = "usr_" + s.randomString(12)
	}
	now := time.Now().UTC()
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now
	}
	u.UpdatedAt = now
	stored := u.clone()
	o.users[u.UserID] = &stored
	o.order = append(o.order, u.UserID)
	return u
}

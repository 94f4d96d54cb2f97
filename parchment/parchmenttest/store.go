package parchmenttest

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// User is everything the server stores about one user.
type User struct {
	UserID string
	// ExternalUserID is the partner_user_id the user was created with,
	// answered as external_user_id; empty for a user made in the portal.
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
	// AustralianAddress is answered in provider_details when set; no
	// call the pages publish sets it, so only seeding does.
	AustralianAddress *Address
	// ProviderMissing marks a user holding the provider role without a
	// provider record, as a create whose provider part failed leaves it:
	// reads answer provider_details null until an update carrying
	// provider_details makes the record.
	ProviderMissing bool
	// Disabled users cannot sign in; no answer shows it.
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Address is a provider's australian_address, as the get page shows it.
type Address struct {
	StreetNumber string `json:"street_number"`
	StreetName   string `json:"street_name"`
	Suburb       string `json:"suburb"`
	State        string `json:"state"`
	Postcode     string `json:"postcode"`
}

// IsProvider reports whether the user holds the provider role.
func (u User) IsProvider() bool { return slices.Contains(u.AccessRoles, "provider") }

func (u User) clone() User {
	u.AccessRoles = slices.Clone(u.AccessRoles)
	if u.AustralianAddress != nil {
		a := *u.AustralianAddress
		u.AustralianAddress = &a
	}
	return u
}

// org is one organisation's state.
type org struct {
	users map[string]*User // by user id
	order []string         // user ids in creation order, for listing
	// position is each user id's index in order, so a page's lastKey
	// costs no scan.
	position map[string]int
	// byPartnerID and byEmail index users by partner user id and by
	// lower-cased email, so conflicts cost no scan; users are never
	// deleted and neither value changes after a create, so adding is all
	// that keeps them in step.
	byPartnerID map[string]string
	byEmail     map[string]string
	limiter     *rate.Limiter // nil when unlimited
	scopes      []string      // scopes its tokens may carry
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
		o = &org{
			users: map[string]*User{}, position: map[string]int{}, byPartnerID: map[string]string{}, byEmail: map[string]string{},
			scopes: slices.Clone(s.cfg.Scopes),
		}
		if s.cfg.Rate > 0 {
			o.limiter = rate.NewLimiter(rate.Limit(s.cfg.Rate), s.cfg.Burst)
		}
		s.orgs[id] = o
	}
	return o
}

// emailKey is how emails are compared: ignoring case, as Parchment
// matches existing users by email.
func emailKey(email string) string { return strings.ToLower(email) }

// conflict says what a new user would clash with: its partner user id
// first (the create page's own 409), then its email. Empty values clash
// with nothing: portal users have no partner id.
func (o *org) conflict(partnerID, email string) (byPartnerID, byEmail bool) {
	if _, taken := o.byPartnerID[partnerID]; partnerID != "" && taken {
		return true, false
	}
	if _, taken := o.byEmail[emailKey(email)]; email != "" && taken {
		return false, true
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
	o.position[u.UserID] = len(o.order)
	o.order = append(o.order, u.UserID)
	if u.ExternalUserID != "" {
		o.byPartnerID[u.ExternalUserID] = u.UserID
	}
	if u.Email != "" {
		o.byEmail[emailKey(u.Email)] = u.UserID
	}
	return u.clone()
}

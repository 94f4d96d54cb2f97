package parchmenttest

import (
	"encoding/json"
	"net/http"
	"time"
)

// updateBody is the update request. Pointers tell a field sent empty from
// one left out: only sent fields are checked and changed. email and
// access_roles are ignored, as the update page says.
type updateBody struct {
	FullName        *string       `json:"full_name"`
	ProviderDetails *providerBody `json:"provider_details"`
}

type providerBody struct {
	GivenName              *string `json:"given_name"`
	FamilyName             *string `json:"family_name"`
	DateOfBirth            *string `json:"date_of_birth"`
	Sex                    *string `json:"sex"`
	HPIINumber             *string `json:"hpii_number"`
	Phone                  *string `json:"phone"`
	Title                  *string `json:"title"`
	PrescriberType         *string `json:"prescriber_type"`
	PrescriberNumber       *string `json:"prescriber_number"`
	Qualifications         *string `json:"qualifications"`
	ProviderNumber         *string `json:"provider_number"`
	AHPRANumber            *string `json:"ahpra_number"`
	HospitalProviderNumber *string `json:"hospital_provider_number"`
	ERXEntityID            *string `json:"erx_entity_id"`
}

// dependencyMessage is the update page's own wording.
const dependencyMessage = "When providing provider_details with prescriber_type, qualifications and prescriber_number (if not podiatrist) are required"

// check applies the newer update page's rules: prescriber numbers have
// 1-10 characters (the first version said exactly 7), provider numbers
// 1-10 characters of any kind (it said exactly 9 letters or digits; since
// 2026-03-04 "10 characters or less"), tighter than create's 1-15.
func (b updateBody) check(u *User) []FieldError {
	var c checks
	c.optional("full_name", b.FullName, c.lengthOf(1, 255))
	p := b.ProviderDetails
	if p == nil {
		return c.problems
	}
	if !u.IsProvider() {
		c.add("provider_details", "User does not have the provider role")
		return c.problems
	}
	c.optional("given_name", p.GivenName, c.lengthOf(1, 255))
	c.optional("family_name", p.FamilyName, c.lengthOf(1, 255))
	c.optional("date_of_birth", p.DateOfBirth, c.date)
	c.optional("sex", p.Sex, c.among(sexes()))
	c.optional("hpii_number", p.HPIINumber, c.hpii)
	c.optional("phone", p.Phone, c.phone)
	c.optional("prescriber_type", p.PrescriberType, c.among(prescriberTypes()))
	c.optional("prescriber_number", p.PrescriberNumber, c.lengthOf(1, 10))
	c.optional("provider_number", p.ProviderNumber, c.lengthOf(1, 10))
	if p.PrescriberType != nil &&
		(isEmpty(p.Qualifications) || (*p.PrescriberType != podiatrist && isEmpty(p.PrescriberNumber))) {
		c.add("provider_details", dependencyMessage)
	}
	return c.problems
}

func isEmpty(v *string) bool { return v == nil || *v == "" }

// apply copies every sent field onto u.
func (b updateBody) apply(u *User) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&u.FullName, b.FullName)
	if p := b.ProviderDetails; p != nil {
		set(&u.GivenName, p.GivenName)
		set(&u.FamilyName, p.FamilyName)
		set(&u.DateOfBirth, p.DateOfBirth)
		set(&u.Sex, p.Sex)
		set(&u.HPIINumber, p.HPIINumber)
		set(&u.Phone, p.Phone)
		set(&u.Title, p.Title)
		set(&u.PrescriberType, p.PrescriberType)
		set(&u.PrescriberNumber, p.PrescriberNumber)
		set(&u.Qualifications, p.Qualifications)
		set(&u.ProviderNumber, p.ProviderNumber)
		set(&u.AHPRANumber, p.AHPRANumber)
		set(&u.HospitalProviderNumber, p.HospitalProviderNumber)
		set(&u.ERXEntityID, p.ERXEntityID)
		// Sending provider details makes the record a partial create
		// could not.
		u.ProviderMissing = false
	}
	u.UpdatedAt = time.Now().UTC()
}

// UpdateRequest is one update the server received, with what it answered.
type UpdateRequest struct {
	OrganizationID string
	UserID         string
	Body           json.RawMessage
	Status         int
}

// updateUser serves PUT .../users/{user}, logging every body it gets.
func (s *Server) updateUser(r *http.Request, orgID string) reply {
	userID := r.PathValue("user")
	var b updateBody
	raw, err := readJSON(r, &b)
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := s.updateLocked(orgID, userID, b, err)
	s.updates = append(s.updates, UpdateRequest{
		OrganizationID: orgID, UserID: userID, Body: json.RawMessage(raw), Status: rep.env.StatusCode,
	})
	return rep
}

func (s *Server) updateLocked(orgID, userID string, b updateBody, decodeErr error) reply {
	if decodeErr != nil {
		return badRequest("Invalid request format")
	}
	u, found := s.orgLocked(orgID).users[userID]
	if !found {
		return notFound("User not found")
	}
	if problems := b.check(u); len(problems) > 0 {
		return invalid(problems)
	}
	b.apply(u)
	s.counters.Updates++
	rep := ok(http.StatusOK, "User updated successfully", "", map[string]string{"user_id": userID})
	rep.applied = true
	return rep
}

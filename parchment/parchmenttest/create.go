package parchmenttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
)

// createBody is the create request as the create page documents it. The
// partner's id travels as partner_user_id; external_user_id is only ever
// an answer's name for it, so a body's external_user_id is not read.
type createBody struct {
	GivenName              string   `json:"given_name"`
	FamilyName             string   `json:"family_name"`
	Email                  string   `json:"email"`
	PartnerUserID          string   `json:"partner_user_id"`
	DateOfBirth            string   `json:"date_of_birth"`
	Sex                    string   `json:"sex"`
	Phone                  string   `json:"phone"`
	AccessRoles            []string `json:"access_roles"`
	HPIINumber             string   `json:"hpii_number"`
	PrescriberType         string   `json:"prescriber_type"`
	PrescriberNumber       string   `json:"prescriber_number"`
	Qualifications         string   `json:"qualifications"`
	Title                  string   `json:"title"`
	ProviderNumber         string   `json:"provider_number"`
	AHPRANumber            string   `json:"ahpra_number"`
	HospitalProviderNumber string   `json:"hospital_provider_number"`
}

// check applies the create page's rules: the provider role makes the
// prescriber fields required, and set fields are checked whatever the role.
func (b createBody) check() []FieldError {
	var c checks
	provider := b.isProvider()
	c.field("given_name", b.GivenName, true, c.lengthOf(1, 255))
	c.field("family_name", b.FamilyName, true, c.lengthOf(1, 255))
	c.field("email", b.Email, true, c.email)
	c.roles("access_roles", b.AccessRoles)
	c.field("date_of_birth", b.DateOfBirth, provider, c.date)
	c.field("sex", b.Sex, provider, c.among(sexes()))
	c.field("hpii_number", b.HPIINumber, provider, c.hpii)
	c.field("prescriber_type", b.PrescriberType, provider, c.among(prescriberTypes()))
	c.field("prescriber_number", b.PrescriberNumber, provider && b.PrescriberType != podiatrist, c.lengthOf(1, 10))
	c.field("qualifications", b.Qualifications, provider, c.lengthOf(1, 255))
	c.field("ahpra_number", b.AHPRANumber, false, c.lengthOf(1, 15))
	c.field("provider_number", b.ProviderNumber, false, c.lengthOf(1, 15))
	c.field("phone", b.Phone, false, c.phone)
	return c.problems
}

// isProvider says whether the body asks for the provider role.
func (b createBody) isProvider() bool { return slices.Contains(b.AccessRoles, "provider") }

func (b createBody) user() User {
	return User{
		ExternalUserID: b.PartnerUserID, Email: b.Email,
		GivenName: b.GivenName, FamilyName: b.FamilyName, FullName: b.GivenName + " " + b.FamilyName,
		DateOfBirth: b.DateOfBirth, Sex: b.Sex, Phone: b.Phone, AccessRoles: slices.Clone(b.AccessRoles),
		Title: b.Title, HPIINumber: b.HPIINumber, PrescriberType: b.PrescriberType,
		PrescriberNumber: b.PrescriberNumber, Qualifications: b.Qualifications,
		ProviderNumber: b.ProviderNumber, AHPRANumber: b.AHPRANumber,
		HospitalProviderNumber: b.HospitalProviderNumber,
	}
}

// createUser serves POST .../users: validate, refuse a taken partner user
// id or email, then store the roles the server keeps (see keptRoles).
func (s *Server) createUser(r *http.Request, orgID string) reply {
	var b createBody
	if _, err := readJSON(r, &b); err != nil {
		return badRequest("Invalid request format")
	}
	if problems := b.check(); len(problems) > 0 {
		return invalid(problems)
	}
	kept := keptRoles(b.AccessRoles, s.cfg.DropRoles)
	if len(b.AccessRoles) > 0 && len(kept) == 0 {
		return invalidRequest(emptyFilteredDetail)
	}
	// From here the body holds what the server keeps: a provider role it
	// dropped makes no provider part to fail.
	b.AccessRoles = kept
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgLocked(orgID)
	switch byPartnerID, byEmail := o.conflict(b.PartnerUserID, b.Email); {
	case byPartnerID:
		// The create page's 409 row; the pages show no code for it.
		return conflict("", "Partner user ID already exists")
	case byEmail:
		return s.alreadyExists()
	}
	answer := s.createAnswerLocked(b)
	nu := b.user()
	if _, isProvider := providerFailure[answer]; isProvider {
		nu = nu.withoutProvider()
	}
	u := s.addLocked(o, nu)
	s.counters.Creates++
	if answer != "" {
		return s.partialAnswer(r, orgID, answer, u)
	}
	rep := ok(http.StatusCreated, "User created successfully", "USER_CREATED", createdData(r, orgID, u))
	rep.applied = true
	return rep
}

// alreadyExists answers a create whose email is taken: the body is the
// create page's either way; the status line is 201, as the page's heading
// has it, under Config.ExistsAs201, else 409.
func (s *Server) alreadyExists() reply {
	rep := conflict("USER_ALREADY_EXISTS", "User with this email already exists")
	if s.cfg.ExistsAs201 {
		rep.httpStatus = http.StatusCreated
	}
	return rep
}

// createdData is a create answer's data; external_user_id is null for a
// create without a partner user id, as lists answer it.
func createdData(r *http.Request, orgID string, u User) map[string]any {
	return map[string]any{
		"external_user_id":  orNull(u.ExternalUserID),
		"parchment_user_id": u.UserID,
		"url":               portalURL(r, orgID, u.UserID),
	}
}

// orNull answers an unset string as JSON null.
func orNull(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// portalURL stands in for the link to the user in Parchment's portal.
func portalURL(r *http.Request, orgID, userID string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s/portal/organizations/%s/users/%s", scheme, r.Host, url.PathEscape(orgID), url.PathEscape(userID))
}

// maxRequestBody bounds what is read of a request body.
const maxRequestBody = 1 << 20

// readJSON decodes the body into v and returns the raw bytes.
func readJSON(r *http.Request, v any) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		return nil, err
	}
	return raw, json.Unmarshal(raw, v)
}

package parchment

import (
	"encoding/json"
	"strings"
)

// Create codes Parchment puts in the envelope's code.
const (
	CodeUserCreated       = "USER_CREATED"
	CodeUserAlreadyExists = "USER_ALREADY_EXISTS"
	// The create-user page's two partial successes: the user exists, the
	// provider part did not happen.
	CodeUserCreatedProviderAlreadyExists = "USER_CREATED_PROVIDER_ALREADY_EXISTS"
	CodeUserCreatedProviderNotFound      = "USER_CREATED_PROVIDER_NOT_FOUND"
	// Older readings' names for the same two outcomes, still tolerated.
	CodeProviderAlreadyExists  = "PROVIDER_ALREADY_EXISTS"
	CodeProviderCreationFailed = "PROVIDER_CREATION_FAILED"
)

// Access roles a user may hold. RoleMember is never assignable: it is what
// a disabled user is left with, and enable keeps it.
const (
	RoleAdmin        = "admin"
	RoleProvider     = "provider"
	RoleReceptionist = "receptionist"
	RoleRxReader     = "rx_reader"
	RoleMember       = "member"
)

// CreateUserRequest is the body of a create. Empty optional fields are not
// sent.
type CreateUserRequest struct {
	GivenName  string `json:"given_name"`
	FamilyName string `json:"family_name"`
	Email      string `json:"email"`
	// PartnerUserID is our identifier for the person. Answers call it
	// external_user_id, but the create body names it partner_user_id, and
	// Parchment's duplicate protection only sees it there.
	PartnerUserID          string   `json:"partner_user_id,omitempty"`
	DateOfBirth            string   `json:"date_of_birth,omitempty"`
	Sex                    string   `json:"sex,omitempty"`
	Phone                  string   `json:"phone,omitempty"`
	AccessRoles            []string `json:"access_roles,omitempty"`
	HPIINumber             string   `json:"hpii_number,omitempty"`
	PrescriberType         string   `json:"prescriber_type,omitempty"`
	PrescriberNumber       string   `json:"prescriber_number,omitempty"`
	Qualifications         string   `json:"qualifications,omitempty"`
	Title                  string   `json:"title,omitempty"`
	ProviderNumber         string   `json:"provider_number,omitempty"`
	AHPRANumber            string   `json:"ahpra_number,omitempty"`
	HospitalProviderNumber string   `json:"hospital_provider_number,omitempty"`
}

// UpdateUserRequest is a partial update: only non-empty fields are sent,
// and Parchment leaves the others as they are. Email and access roles
// cannot be changed through it.
type UpdateUserRequest struct {
	FullName        string           `json:"full_name,omitempty"`
	ProviderDetails *ProviderDetails `json:"provider_details,omitempty"`
}

// ProviderDetails are a prescriber's fields, as updates send them and
// reads return them.
type ProviderDetails struct {
	GivenName              string `json:"given_name,omitempty"`
	FamilyName             string `json:"family_name,omitempty"`
	DateOfBirth            string `json:"date_of_birth,omitempty"`
	Sex                    string `json:"sex,omitempty"`
	HPIINumber             string `json:"hpii_number,omitempty"`
	Phone                  string `json:"phone,omitempty"`
	Title                  string `json:"title,omitempty"`
	PrescriberType         string `json:"prescriber_type,omitempty"`
	PrescriberNumber       string `json:"prescriber_number,omitempty"`
	Qualifications         string `json:"qualifications,omitempty"`
	ProviderNumber         string `json:"provider_number,omitempty"`
	AHPRANumber            string `json:"ahpra_number,omitempty"`
	HospitalProviderNumber string `json:"hospital_provider_number,omitempty"`
	ERXEntityID            string `json:"erx_entity_id,omitempty"`
	// AustralianAddress is kept as the server sent it; the sync never
	// sends one.
	AustralianAddress json.RawMessage `json:"australian_address,omitempty"`
}

// CreateResult is a create Parchment accepted. Status 201 with Code
// USER_CREATED is a clean create; ProviderFailed marks the partial ones
// (the user exists, the provider part did not happen), and 202 means a
// matching user was returned despite demographic conflicts. "User already
// exists" is never a CreateResult: it is a 409 *Error, whatever the HTTP
// status line said.
type CreateResult struct {
	Result
	// UserID is data.parchment_user_id, else data.user_id; never empty.
	UserID         string
	ExternalUserID string
	Code           string
	URL            string
	// Warning is data.warning: what part of the create did not happen.
	Warning string
}

// ProviderFailed reports a create whose user exists but whose provider
// part did not happen: a code starting USER_CREATED_PROVIDER_, an older
// reading's provider code, or any warning.
func (r *CreateResult) ProviderFailed() bool {
	switch {
	case strings.HasPrefix(r.Code, "USER_CREATED_PROVIDER_"), r.Warning != "",
		r.Code == CodeProviderAlreadyExists, r.Code == CodeProviderCreationFailed:
		return true
	}
	return false
}

// UpdateResult is an update Parchment accepted.
type UpdateResult struct {
	Result
	UserID string
}

// User is one user as GET .../users/{user_id} returns it. No field says
// whether the user is disabled.
type User struct {
	Result
	UserID         string
	Email          string
	ExternalUserID string
	FullName       string
	AccessRoles    []string
	// Details is nil when the server answers the older shape, which has
	// only full_name.
	Details *UserDetails
	// ProviderDetails is nil for a user without the provider role.
	ProviderDetails *ProviderDetails
}

// UserDetails are a user's general fields (data.details). DateOfBirth is
// YYYY-MM-DD, whatever timestamp the server sent.
type UserDetails struct {
	GivenName   string `json:"given_name"`
	FamilyName  string `json:"family_name"`
	Title       string `json:"title"`
	DateOfBirth string `json:"date_of_birth"`
	Sex         string `json:"sex"`
}

// RolesResult is a roles call Parchment accepted.
type RolesResult struct {
	Result
	AccessRoles []string
}

// ListedUser is one entry of the users list.
// Which fields are present depends on the API version: the paged shape
// lists external_user_id, full_name and access_roles, the bare one only
// email. Absent fields are empty.
type ListedUser struct {
	UserID         string   `json:"user_id"`
	Email          string   `json:"email"`
	ExternalUserID string   `json:"external_user_id"`
	FullName       string   `json:"full_name"`
	AccessRoles    []string `json:"access_roles"`
}

// UserList is every user of the organisation, all pages followed.
type UserList struct {
	Result
	Users []ListedUser
	// Total is the count the server reported with the last page.
	Total int
}

// ValidateResult tells whether the organisation is connected.
type ValidateResult struct {
	Result
	Validated bool
}

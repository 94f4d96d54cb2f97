package parchment

// Create codes Parchment puts in the envelope's code.
const (
	CodeUserCreated            = "USER_CREATED"
	CodeUserAlreadyExists      = "USER_ALREADY_EXISTS"
	CodeProviderAlreadyExists  = "PROVIDER_ALREADY_EXISTS"
	CodeProviderCreationFailed = "PROVIDER_CREATION_FAILED"
	CodePartnerUserIDExists    = "PARTNER_USER_ID_EXISTS"
)

// Access roles a user may hold.
const (
	RoleAdmin        = "admin"
	RoleProvider     = "provider"
	RoleReceptionist = "receptionist"
	RoleRxReader     = "rx_reader"
)

// CreateUserRequest is the body of a create. Empty optional fields are not
// sent.
type CreateUserRequest struct {
	GivenName              string   `json:"given_name"`
	FamilyName             string   `json:"family_name"`
	Email                  string   `json:"email"`
	ExternalUserID         string   `json:"external_user_id,omitempty"`
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
}

// CreateResult is a create Parchment accepted. Status 201 with Code
// USER_CREATED is a clean create; other codes (USER_ALREADY_EXISTS,
// PROVIDER_ALREADY_EXISTS, PROVIDER_CREATION_FAILED) are partial
// successes, and 202 means a matching user was returned despite
// demographic conflicts.
type CreateResult struct {
	Result
	// UserID is data.parchment_user_id, else data.user_id; never empty.
	UserID         string
	ExternalUserID string
	Code           string
	URL            string
}

// UpdateResult is an update Parchment accepted.
type UpdateResult struct {
	Result
	UserID string
}

// User is one user as GET .../users/{user_id} returns it.
type User struct {
	Result
	Details UserDetails
	// ProviderDetails is nil for a user without the provider role.
	ProviderDetails *ProviderDetails
}

// UserDetails are a user's general fields.
type UserDetails struct {
	UserID         string   `json:"user_id"`
	ExternalUserID string   `json:"external_user_id"`
	Email          string   `json:"email"`
	FullName       string   `json:"full_name"`
	GivenName      string   `json:"given_name"`
	FamilyName     string   `json:"family_name"`
	Phone          string   `json:"phone"`
	AccessRoles    []string `json:"access_roles"`
	Status         string   `json:"status"`
}

// ListedUser is one entry of the users list.
type ListedUser struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	// ExternalUserID is empty when the server does not list it.
	ExternalUserID string `json:"external_user_id"`
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

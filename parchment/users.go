package parchment

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Operation names of the calls that change an existing user: a 403 on one
// of them means the organisation does not allow that kind of change, not
// that the integration is locked out (see Class).
const (
	opUpdate  = "update user"
	opRoles   = "update roles"
	opDisable = "disable user"
	opEnable  = "enable user"
	opToken   = "token"
)

func (c *Client) usersPath() string { return c.org + "/users" }

func (c *Client) userPath(userID string) string {
	return c.usersPath() + "/" + url.PathEscape(userID)
}

// CreateUser creates a user. It is not sent again after an attempt that
// may have made the user (no answer, or a 5xx): the caller looks the
// person up first (see Error.MayHaveApplied). A 409 (the partner user id or the email is
// taken) is a ClassRecord *Error whose Code says which; together with
// MayHaveApplied it tells a lost create of ours from someone else's user.
func (c *Client) CreateUser(ctx context.Context, u CreateUserRequest) (*CreateResult, error) {
	const op = "create user"
	var ref userRef
	res, err := c.do(ctx, request{op: op, method: http.MethodPost, path: c.usersPath(), body: u, into: &ref, once: true})
	if err != nil {
		return nil, err
	}
	if ref.id() == "" {
		return nil, res.unreadable(op, "no user id in the answer")
	}
	code := res.code
	if code == "" {
		code = c.cfg.Redactor.String(ref.Code)
	}
	return &CreateResult{Result: *res, UserID: ref.id(), ExternalUserID: ref.ExternalUserID, Code: code, URL: ref.URL, Warning: c.cfg.Redactor.String(ref.Warning)}, nil
}

// UpdateUser sends a partial update of userID.
func (c *Client) UpdateUser(ctx context.Context, userID string, u UpdateUserRequest) (*UpdateResult, error) {
	var ref userRef
	res, err := c.do(ctx, request{op: opUpdate, method: http.MethodPut, path: c.userPath(userID), body: u, into: &ref})
	if err != nil {
		return nil, err
	}
	id := ref.id()
	if id == "" {
		id = userID
	}
	return &UpdateResult{Result: *res, UserID: id}, nil
}

// userData is the data of a get-user answer, in both shapes the pages
// show: with details and provider_details, or the older one without.
type userData struct {
	UserID          string           `json:"user_id"`
	Email           string           `json:"email"`
	ExternalUserID  string           `json:"external_user_id"`
	FullName        string           `json:"full_name"`
	AccessRoles     []string         `json:"access_roles"`
	Details         *UserDetails     `json:"details"`
	ProviderDetails *ProviderDetails `json:"provider_details"`
}

// GetUser reads one user. Dates of birth come back as YYYY-MM-DD even when
// the server sent a full timestamp.
func (c *Client) GetUser(ctx context.Context, userID string) (*User, error) {
	const op = "get user"
	var data userData
	res, err := c.do(ctx, request{op: op, method: http.MethodGet, path: c.userPath(userID), into: &data})
	if err != nil {
		return nil, err
	}
	u := &User{
		Result: *res, UserID: data.UserID, Email: data.Email, ExternalUserID: data.ExternalUserID,
		FullName: data.FullName, AccessRoles: data.AccessRoles, Details: data.Details, ProviderDetails: data.ProviderDetails,
	}
	if u.UserID == "" {
		u.UserID = userID
	}
	for _, dob := range []*string{detailsDOB(u.Details), providerDOB(u.ProviderDetails)} {
		if dob == nil || *dob == "" {
			continue
		}
		day, ok := datePart(*dob)
		if !ok {
			return nil, res.unreadable(op, "date_of_birth is neither a date nor a timestamp")
		}
		*dob = day
	}
	return u, nil
}

func detailsDOB(d *UserDetails) *string {
	if d == nil {
		return nil
	}
	return &d.DateOfBirth
}

func providerDOB(p *ProviderDetails) *string {
	if p == nil {
		return nil
	}
	return &p.DateOfBirth
}

// datePart reads YYYY-MM-DD or an RFC 3339 timestamp and returns the
// calendar date as written: a date of birth has no time zone, so the
// timestamp's own date is the one meant.
func datePart(s string) (string, bool) {
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return s, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.Format(time.DateOnly), true
	}
	return "", false
}

// UpdateRoles replaces userID's roles with roles (at least one; member,
// owner and support are not assignable). The general update ignores roles.
func (c *Client) UpdateRoles(ctx context.Context, userID string, roles []string) (*RolesResult, error) {
	var data struct {
		AccessRoles []string `json:"access_roles"`
	}
	body := struct {
		AccessRoles []string `json:"access_roles"`
	}{roles}
	res, err := c.do(ctx, request{op: opRoles, method: http.MethodPut, path: c.userPath(userID) + "/roles", body: body, into: &data})
	if err != nil {
		return nil, err
	}
	return &RolesResult{Result: *res, AccessRoles: data.AccessRoles}, nil
}

// DisableUser disables userID; disabling a disabled user succeeds.
func (c *Client) DisableUser(ctx context.Context, userID string) (*Result, error) {
	return c.do(ctx, request{op: opDisable, method: http.MethodPut, path: c.userPath(userID) + "/disable"})
}

// EnableUser enables userID; enabling an enabled user succeeds.
func (c *Client) EnableUser(ctx context.Context, userID string) (*Result, error) {
	return c.do(ctx, request{op: opEnable, method: http.MethodPut, path: c.userPath(userID) + "/enable"})
}

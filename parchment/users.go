package parchment

import (
	"context"
	"net/http"
	"net/url"
)

func (c *Client) usersPath() string { return c.org + "/users" }

func (c *Client) userPath(userID string) string {
	return c.usersPath() + "/" + url.PathEscape(userID)
}

// CreateUser creates a user. A 409 (the partner user id or the email is
// taken) is a ClassRecord *Error whose Code says which; together with
// MayHaveApplied it tells a lost create of ours from someone else's user.
func (c *Client) CreateUser(ctx context.Context, u CreateUserRequest) (*CreateResult, error) {
	const op = "create user"
	var ref userRef
	res, err := c.do(ctx, request{op: op, method: http.MethodPost, path: c.usersPath(), body: u, into: &ref})
	if err != nil {
		return nil, err
	}
	if ref.id() == "" {
		return nil, res.unreadable(op, "no user id in the answer")
	}
	code := res.code
	if code == "" {
		code = ref.Code
	}
	return &CreateResult{Result: *res, UserID: ref.id(), ExternalUserID: ref.ExternalUserID, Code: code, URL: ref.URL}, nil
}

// UpdateUser sends a partial update of userID.
func (c *Client) UpdateUser(ctx context.Context, userID string, u UpdateUserRequest) (*UpdateResult, error) {
	var ref userRef
	res, err := c.do(ctx, request{op: "update user", method: http.MethodPut, path: c.userPath(userID), body: u, into: &ref})
	if err != nil {
		return nil, err
	}
	id := ref.id()
	if id == "" {
		id = userID
	}
	return &UpdateResult{Result: *res, UserID: id}, nil
}

// GetUser reads one user.
func (c *Client) GetUser(ctx context.Context, userID string) (*User, error) {
	var data struct {
		Details         UserDetails      `json:"details"`
		ProviderDetails *ProviderDetails `json:"provider_details"`
	}
	res, err := c.do(ctx, request{op: "get user", method: http.MethodGet, path: c.userPath(userID), into: &data})
	if err != nil {
		return nil, err
	}
	return &User{Result: *res, Details: data.Details, ProviderDetails: data.ProviderDetails}, nil
}

// DisableUser disables userID; disabling a disabled user succeeds.
func (c *Client) DisableUser(ctx context.Context, userID string) (*Result, error) {
	return c.do(ctx, request{op: "disable user", method: http.MethodPut, path: c.userPath(userID) + "/disable"})
}

// EnableUser enables userID; enabling an enabled user succeeds.
func (c *Client) EnableUser(ctx context.Context, userID string) (*Result, error) {
	return c.do(ctx, request{op: "enable user", method: http.MethodPut, path: c.userPath(userID) + "/enable"})
}

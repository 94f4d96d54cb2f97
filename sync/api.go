package sync

import (
	"context"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// API is the part of Parchment's partner API the engine sends through.
type API interface {
	CreateUser(ctx context.Context, req parchment.CreateUserRequest) (*parchment.CreateResult, error)
	UpdateUser(ctx context.Context, userID string, req parchment.UpdateUserRequest) (*parchment.UpdateResult, error)
	// UpdateRoles replaces the user's roles with roles.
	UpdateRoles(ctx context.Context, userID string, roles []string) (*parchment.RolesResult, error)
	DisableUser(ctx context.Context, userID string) (*parchment.Result, error)
	EnableUser(ctx context.Context, userID string) (*parchment.Result, error)
	GetUser(ctx context.Context, userID string) (*parchment.User, error)
	// ListUsers returns every user of the organisation, all pages followed.
	ListUsers(ctx context.Context) (*parchment.UserList, error)
}

// scopeSource is an API that can say which scopes the organisation
// granted; known is false when it cannot tell.
type scopeSource interface {
	GrantedScopes(ctx context.Context) (scopes []string, known bool, err error)
}

package sync

import (
	"context"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// API is the part of Parchment's partner API the engine sends through.
type API interface {
	CreateUser(ctx context.Context, req parchment.CreateUserRequest) (*parchment.CreateResult, error)
	UpdateUser(ctx context.Context, userID string, req parchment.UpdateUserRequest) (*parchment.UpdateResult, error)
	// ListUsers returns every user of the organisation, all pages followed.
	ListUsers(ctx context.Context) (*parchment.UserList, error)
}

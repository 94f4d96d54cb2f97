package sync

import (
	"context"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// gatedAPI sends every call of the run through its scope gate, each call
// as its kind.
type gatedAPI struct {
	api  API
	gate *scopeGate
}

// through is gate.call for a call with a result.
func through[R any](ctx context.Context, g *scopeGate, k stepKind, send func() (R, error)) (R, error) {
	var res R
	err := g.call(ctx, k, func() (err error) {
		res, err = send()
		return err
	})
	return res, err
}

func (a gatedAPI) CreateUser(ctx context.Context, req parchment.CreateUserRequest) (*parchment.CreateResult, error) {
	return through(ctx, a.gate, stepCreate, func() (*parchment.CreateResult, error) { return a.api.CreateUser(ctx, req) })
}

func (a gatedAPI) UpdateUser(ctx context.Context, userID string, req parchment.UpdateUserRequest) (*parchment.UpdateResult, error) {
	return through(ctx, a.gate, stepUpdate, func() (*parchment.UpdateResult, error) { return a.api.UpdateUser(ctx, userID, req) })
}

func (a gatedAPI) UpdateRoles(ctx context.Context, userID string, roles []string) (*parchment.RolesResult, error) {
	return through(ctx, a.gate, stepRoles, func() (*parchment.RolesResult, error) { return a.api.UpdateRoles(ctx, userID, roles) })
}

func (a gatedAPI) DisableUser(ctx context.Context, userID string) (*parchment.Result, error) {
	return through(ctx, a.gate, stepDisable, func() (*parchment.Result, error) { return a.api.DisableUser(ctx, userID) })
}

func (a gatedAPI) EnableUser(ctx context.Context, userID string) (*parchment.Result, error) {
	return through(ctx, a.gate, stepEnable, func() (*parchment.Result, error) { return a.api.EnableUser(ctx, userID) })
}

func (a gatedAPI) GetUser(ctx context.Context, userID string) (*parchment.User, error) {
	return through(ctx, a.gate, stepRead, func() (*parchment.User, error) { return a.api.GetUser(ctx, userID) })
}

func (a gatedAPI) ListUsers(ctx context.Context) (*parchment.UserList, error) {
	return through(ctx, a.gate, stepList, func() (*parchment.UserList, error) { return a.api.ListUsers(ctx) })
}

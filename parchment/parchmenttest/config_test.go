package parchmenttest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, parchmenttest.Config{}.Validate())
	require.NoError(t, parchmenttest.Config{FailStatus: 503, ListShape: "bare", GetShape: "older", Scopes: []string{"delete:user"}}.Validate())
	require.NoError(t, parchmenttest.Config{ListShape: "toplevel", ScopeRefusal: "401", PartialProviderRate: 1, DropRoles: []string{"admin"},
		PartialProviderHPII: map[string]parchmenttest.CreateAnswer{"0000": parchmenttest.ProviderAlreadyExists}}.Validate())
	for _, tc := range []struct {
		cfg  parchmenttest.Config
		want string
	}{
		{parchmenttest.Config{FailStatus: 502}, "FailStatus 502"},
		{parchmenttest.Config{ListShape: "pages"}, `ListShape "pages"`},
		{parchmenttest.Config{GetShape: "new"}, `GetShape "new"`},
		{parchmenttest.Config{Scopes: []string{"read:user", "delete:everything"}}, `"delete:everything"`},
		{parchmenttest.Config{ScopeRefusal: "402"}, `ScopeRefusal "402"`},
		{parchmenttest.Config{PartialProviderRate: 1.5}, "PartialProviderRate 1.5"},
		{parchmenttest.Config{PartialProviderHPII: map[string]parchmenttest.CreateAnswer{"95x": parchmenttest.ProviderNotFound}}, `suffix "95x"`},
		{parchmenttest.Config{PartialProviderHPII: map[string]parchmenttest.CreateAnswer{"95": "USER_CREATED"}}, `"USER_CREATED" must be`},
		{parchmenttest.Config{DropRoles: []string{"owner"}}, `DropRoles: "owner"`},
		{parchmenttest.Config{LatencyJitter: 1.2}, "LatencyJitter 1.2"},
	} {
		require.ErrorContains(t, tc.cfg.Validate(), tc.want)
		require.Panics(t, func() { parchmenttest.New(tc.cfg) }, tc.want)
	}
}

func TestKnownScopes(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"create:patient", "create:user", "read:user", "read:users", "update:user", "delete:user"}, parchmenttest.KnownScopes())
}

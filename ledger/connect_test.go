package ledger

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
)

const secret = "s3cret-never-printed"

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback refuses at once.
	_, err := Open(t.Context(), "postgres://sync:"+secret+"@127.0.0.1:1/ledger?connect_timeout=5", nil)
	require.ErrorIs(t, err, ErrUnreachable)
	require.NotContains(t, err.Error(), secret)

	_, err = Migrate(t.Context(), "postgres://sync:"+secret+"@127.0.0.1:1/ledger?connect_timeout=5", nil)
	require.ErrorIs(t, err, ErrUnreachable)
}

func TestOpenInvalidURLHidesIt(t *testing.T) {
	t.Parallel()
	_, err := Open(t.Context(), "postgres://sync:"+secret+"@127.0.0.1:notaport/ledger", nil)
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrUnreachable)
	require.NotContains(t, err.Error(), secret)
	require.NotContains(t, err.Error(), "127.0.0.1")
}

func TestOpenWrongPassword(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(pgtest.URL(t))
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), secret)

	store, err := Open(t.Context(), u.String(), nil)
	if err == nil {
		store.Close()
		t.Skip("the test server trusts every password")
	}
	require.ErrorIs(t, err, ErrUnreachable)
	require.NotContains(t, err.Error(), secret)
}

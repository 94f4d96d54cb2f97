package ledger

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
)

// setup opens a ledger in a schema of the test's own and returns it with its
// URL, for tests that open a second handle on the same ledger.
func setup(t *testing.T) (*Store, string) {
	t.Helper()
	url := pgtest.URL(t)
	return open(t, url), url
}

func open(t *testing.T, url string) *Store {
	t.Helper()
	store, err := OpenPostgres(t.Context(), url, nil)
	require.NoError(t, err)
	t.Cleanup(store.Close)
	return store
}

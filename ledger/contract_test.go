// The contract runs from an external test package: storetest imports
// ledger, for its history types.
package ledger_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/ledger/storetest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func TestStoreContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) psync.Store {
		store, err := ledger.Open(t.Context(), pgtest.URL(t), nil)
		require.NoError(t, err)
		t.Cleanup(store.Close)
		return store
	})
}

func TestSQLiteStoreContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) psync.Store {
		store, err := ledger.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "ledger.db"), nil)
		require.NoError(t, err)
		t.Cleanup(store.Close)
		return store
	})
}

// Stores may share one ledger, as processes do; the contract holds then too.
func TestSQLiteStoreContractShared(t *testing.T) {
	t.Parallel()
	url := "sqlite:" + filepath.Join(t.TempDir(), "nested", "folder", "ledger.db")
	storetest.Run(t, func(t *testing.T) psync.Store {
		store, err := ledger.Open(t.Context(), url, nil)
		require.NoError(t, err)
		t.Cleanup(store.Close)
		return store
	})
}

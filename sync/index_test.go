package sync

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLedgerIndexFindsEveryEntryInAnyOrder(t *testing.T) {
	t.Parallel()
	b := newIndexBuilder()
	var ids []string
	for i := range 1000 {
		id := fmt.Sprintf("E%d", i) // E0, E1, E10, E100, …: ledger order is not numeric
		ids = append(ids, id)
	}
	// The ledger gives its entries in byte order.
	sorted := append([]string(nil), ids...)
	slices.Sort(sorted)
	for i, id := range sorted {
		e := EntrySummary{ExternalUserID: id, State: StateSynced, Digest: FieldsDigest(map[string]string{"title": id}), AbsentRuns: i % 3}
		if i%7 == 0 {
			e.DisabledRunID = 9
		}
		require.NoError(t, b.add(e))
	}
	ix := b.done()
	check := func(order []string) {
		for _, id := range order {
			s := ix.find(id)
			require.NotNil(t, s, id)
			require.Equal(t, id, ix.id(s))
			d, ok := parseDigest(FieldsDigest(map[string]string{"title": id}))
			require.True(t, ok)
			require.Equal(t, d, s.digest, id)
			require.Nil(t, ix.find(id+"x"), "an id not in the ledger")
		}
	}
	check(sorted) // the ledger's order: found by the next slot
	check(ids)    // roster order
	shuffled := append([]string(nil), ids...)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	check(shuffled)
	require.Nil(t, ix.find(""))

	disabled := 0
	ix.unseen(func(_ string, s *slot) {
		if s.has(slotDisabled) {
			disabled++
		}
	})
	require.Equal(t, 1000/7+1, disabled)
	require.Equal(t, 1000-disabled, ix.active)
}

func TestEmptyLedgerIndexFindsNothing(t *testing.T) {
	t.Parallel()
	ix := newIndexBuilder().done()
	require.Nil(t, ix.find("E1"))
	require.Nil(t, ix.find(""))
}

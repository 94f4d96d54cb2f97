package sync

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSpoolMergesItsChunksInOrder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var all []Change
	s := newSpool(changeOrder)
	defer s.close()
	for i := range 3*spoolChunk + 17 {
		// Few distinct lines, so ties must keep the order they came in.
		c := Change{Line: rng.IntN(50), ExternalUserID: "E", Note: string(rune('a' + i%26)), Fields: []string{"given_name"}}
		all = append(all, c)
		require.NoError(t, s.add(c))
	}
	require.True(t, s.spilled())
	slices.SortStableFunc(all, changeOrder)

	var got []Change
	require.NoError(t, s.each(func(c Change) error { got = append(got, c); return nil }))
	require.Equal(t, all, got)
	first, err := s.first(10)
	require.NoError(t, err)
	require.Equal(t, all[:10], first)
}

func TestSmallReportStaysInMemory(t *testing.T) {
	t.Parallel()
	tl := newTally(noProgress{})
	tl.add(ActionCreate, Change{ExternalUserID: "b", Line: 3})
	tl.add(ActionCreate, Change{ExternalUserID: "a", Line: 2})
	var r Report
	require.NoError(t, tl.report(&r))
	require.True(t, r.Complete())
	require.Equal(t, []Change{{ExternalUserID: "a", Line: 2, Action: ActionCreate}, {ExternalUserID: "b", Line: 3, Action: ActionCreate}}, r.Changes)
	require.Equal(t, []Failure{}, r.Failures)
}

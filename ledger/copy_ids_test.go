package ledger

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

func TestCopyKeepsRunIDsUnlessTakenAndLaterRunsFollow(t *testing.T) {
	t.Parallel()
	dst, _ := setup(t)
	taken, err := dst.StartRun(t.Context(), psync.Run{OrganizationID: "org-there", Mode: "apply", StartedAt: time.Now(), Outcome: psync.OutcomeDone})
	require.NoError(t, err)
	src, _ := openSQLiteTest(t)
	var ids []int64
	for range 3 {
		id, err := src.StartRun(t.Context(), psync.Run{OrganizationID: "org-moved", Mode: "apply", StartedAt: time.Now(), Outcome: psync.OutcomeDone})
		require.NoError(t, err)
		ids = append(ids, id)
	}
	_, err = Copy(t.Context(), src, dst)
	require.NoError(t, err)
	runs, err := dst.Runs(t.Context(), RunFilter{OrganizationID: "org-moved"})
	require.NoError(t, err)
	var got []int64
	for _, r := range runs {
		got = append(got, r.ID)
	}
	require.Contains(t, ids, taken, "the destination's run holds one of the ids")
	require.Len(t, got, 3)
	for _, id := range ids {
		if id != taken {
			require.Contains(t, got, id, "kept")
		}
	}
	next, err := dst.StartRun(t.Context(), psync.Run{OrganizationID: "org-there", Mode: "apply", StartedAt: time.Now(), Outcome: psync.OutcomeDone})
	require.NoError(t, err)
	require.Greater(t, next, slices.Max(got), "the identity moved past the kept ids")
}

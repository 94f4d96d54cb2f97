package employmenthero_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero"
	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
)

// samples/employment-hero-api.yaml maps what the client reads back to the
// roster the stand-in was seeded from: work numbers, never the personal
// mobile; "unspecified" gender as N.
func TestSampleMappingGivesTheRoster(t *testing.T) {
	t.Parallel()
	fx := start(t)
	fx.emps[11].Terminate("2026-11-30")
	fx.emps[6].Fields["gender"] = "unspecified"
	got, err := collect(fx.client(employmenthero.Config{CustomFields: true}))
	require.NoError(t, err)
	recs, err := standin.Mapped(got, filepath.Join("..", "..", "..", "samples", "employment-hero-api.yaml"))
	require.NoError(t, err)
	roster := fx.roster(t)
	roster[11].EndDate = "2026-11-30"
	require.Len(t, recs, 12)
	for i, r := range recs {
		require.Empty(t, standin.DiffFields(roster[i], r), roster[i].ExternalUserID)
	}
	require.Equal(t, "F", recs[0].Sex)
	require.Equal(t, "N", recs[6].Sex)
	require.Equal(t, "", recs[7].Phone, "no work number: the personal mobile is not taken")
	require.Equal(t, "EHHR#"+got[0]["id"], recs[0].ExternalUserID)
}

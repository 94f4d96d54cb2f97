package deputy_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/parchment-sync/parchment-sync/internal/hris/deputy"
	"github.com/parchment-sync/parchment-sync/internal/hris/deputy/deputytest"
	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
)

// samples/deputy-api.yaml maps what the client reads back to the roster
// the stand-in was seeded from, for either spelling of the contact.
func TestSampleMappingGivesTheRoster(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("..", "..", "..", "samples", "roster.csv"))
	require.NoError(t, err)
	defer f.Close()
	roster, err := standin.Roster(f, "roster.csv")
	require.NoError(t, err)
	roster[11].EndDate = "2026-11-30"
	for _, legacy := range []bool{false, true} {
		emps := seed(t, legacy)
		emps[11].Archive("2026-11-30")
		_, url := start(t, deputytest.Config{Token: "perm", Employees: emps})
		got, err := collect(deputy.New(deputy.Config{URL: url, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "perm"})}))
		require.NoError(t, err)
		recs, err := standin.Mapped(got, filepath.Join("..", "..", "..", "samples", "deputy-api.yaml"))
		require.NoError(t, err)
		require.Len(t, recs, 12)
		for i, r := range recs {
			require.Empty(t, standin.DiffFields(roster[i], r), "%s (legacy contact %v)", roster[i].ExternalUserID, legacy)
		}
		require.Equal(t, "DEPUTY#1", recs[0].ExternalUserID)
		require.Equal(t, []string{"provider"}, recs[0].AccessRoles)
	}
}

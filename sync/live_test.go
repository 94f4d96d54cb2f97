package sync

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

func TestUntitledDisplayNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ full, title, want string }{
		{"Dr Aroha Ngata", "Dr", "Aroha Ngata"},
		{"Dr. Aroha Ngata", "", "Aroha Ngata"},
		{"dr aroha ngata", "", "aroha ngata"},
		{"Prof Sam Lee", "", "Sam Lee"},
		{"A/Prof Sam Lee", "", "Sam Lee"},
		{"Sister Mary Jones", "Sister", "Mary Jones"},
		{"Drew Barry", "", "Drew Barry"},
		{"Dr", "Dr", "Dr"},
		{"Mrs Smith", "", "Smith"},
	} {
		require.Equal(t, c.want, untitled(c.full, c.title), c.full)
	}
}

func TestLiveFieldsReadTheDocsShapes(t *testing.T) {
	t.Parallel()
	roster := map[string]string{
		mapping.FieldGivenName: "Aroha", mapping.FieldFamilyName: "Ngata", mapping.FieldTitle: "Dr",
		mapping.FieldSex: "N", mapping.FieldAccessRoles: "provider",
	}
	u := &parchment.User{
		FullName: "Dr Aroha Ngata", AccessRoles: []string{"provider"},
		Details:         &parchment.UserDetails{GivenName: "Aroha", FamilyName: "Ngata", Title: "Dr", Sex: "O"},
		ProviderDetails: &parchment.ProviderDetails{GivenName: "Aroha", FamilyName: "Ngata", Title: "Dr", Sex: "O"},
	}
	live := liveFields(u, roster)
	require.Equal(t, "Aroha", live[mapping.FieldGivenName])
	require.Equal(t, "Ngata", live[mapping.FieldFamilyName])
	require.Equal(t, "N", live[mapping.FieldSex], "a read O is the roster's N")
	require.Empty(t, drifted(roster, live))

	roster[mapping.FieldSex] = "F"
	require.Equal(t, "O", liveFields(u, roster)[mapping.FieldSex], "O is a change from F")
}

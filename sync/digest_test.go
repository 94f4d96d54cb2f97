package sync

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/mapping"
)

func TestRecordDigestIsFieldsDigest(t *testing.T) {
	t.Parallel()
	rec := mapping.Record{
		ExternalUserID: "E1", GivenName: "Ada", FamilyName: "Lovelace", Email: "ada@example.com",
		DateOfBirth: "1990-01-02", Sex: "F", Phone: "0400000000", AccessRoles: []string{"provider", "receptionist"},
		Title: "Dr", HPIINumber: "8003610000000000", PrescriberType: "M", PrescriberNumber: "123",
		Qualifications: "MBBS", ProviderNumber: "P1", AHPRANumber: "MED1", HospitalProviderNumber: "H1",
	}
	d, ok := parseDigest(FieldsDigest(rec.Fields()))
	require.True(t, ok)
	require.Equal(t, d, recordDigest(&rec))
	for f := range rec.Fields() {
		changed := rec.Fields()
		changed[f] += "x"
		require.NotEqual(t, FieldsDigest(rec.Fields()), FieldsDigest(changed), f)
	}
	// Values cannot slide into the next field.
	a := map[string]string{mapping.FieldGivenName: "ab", mapping.FieldFamilyName: "c"}
	b := map[string]string{mapping.FieldGivenName: "a", mapping.FieldFamilyName: "bc"}
	require.NotEqual(t, FieldsDigest(a), FieldsDigest(b))
	require.Equal(t, FieldsDigest(nil), FieldsDigest(map[string]string{mapping.FieldTitle: ""}))
}

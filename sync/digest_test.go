package sync

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// fullRecord has every field set.
func fullRecord() mapping.Record {
	return mapping.Record{
		ExternalUserID: "E1", GivenName: "Ada", FamilyName: "Lovelace", Email: "ada@example.com",
		DateOfBirth: "1990-01-02", Sex: "F", Phone: "0400000000", AccessRoles: []string{"provider", "receptionist"},
		Title: "Dr", HPIINumber: "8003610000000000", PrescriberType: "M", PrescriberNumber: "123",
		Qualifications: "MBBS", ProviderNumber: "P1", AHPRANumber: "MED1", HospitalProviderNumber: "H1",
	}
}

func TestRecordDigestIsFieldsDigest(t *testing.T) {
	t.Parallel()
	rec := fullRecord()
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

// Digests are kept in ledgers: the same fields must give the same digest
// in every release that writes digestVersion "f1:".
func TestFieldsDigestIsStable(t *testing.T) {
	t.Parallel()
	rec := fullRecord()
	require.Equal(t, "f1:224b260ad960629b", FieldsDigest(rec.Fields()))
	require.Equal(t, "f1:2eb09ce4c4320587", FieldsDigest(nil))
	for _, c := range []struct {
		roles []string
		want  string
	}{
		{[]string{"receptionist"}, "f1:c76a13eb140c1345"},
		{nil, "f1:4292378699578052"},
		{[]string{"provider", "receptionist"}, "f1:416b55204e63823f"},
	} {
		r := mapping.Record{GivenName: "Ada", AccessRoles: c.roles}
		require.Equal(t, c.want, digestVersion+strconv.FormatUint(recordDigest(&r), 16), c.roles)
		require.Equal(t, c.want, FieldsDigest(r.Fields()), c.roles)
	}
}

// A digest is read back as the number it was written from; anything else
// kept in a ledger reads as no digest, so the entry's fields decide.
func TestParseDigest(t *testing.T) {
	t.Parallel()
	for _, v := range []uint64{0, 1, 0xa, 0xdeadbeef, 0x0123456789abcdef, math.MaxUint64} {
		got, ok := parseDigest(digestVersion + strconv.FormatUint(v, 16))
		require.True(t, ok, "%x", v)
		require.Equal(t, v, got)
	}
	got, ok := parseDigest(digestVersion + "DEADBEEF")
	require.True(t, ok)
	require.Equal(t, uint64(0xdeadbeef), got)
	for _, bad := range []string{"", "f1:", "f1:xyz", "f1:12g", "f1:-1", "f1:+1", "f1:0x1", "f1:10000000000000000", "f2:abc", "abc", "F1:abc"} {
		_, ok := parseDigest(bad)
		require.False(t, ok, bad)
	}
}

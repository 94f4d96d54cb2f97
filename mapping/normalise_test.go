package mapping

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClean(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Zoë", clean("Zoe\u0308"))
	require.Equal(t, "Mary Ann", clean("  Mary \t\u00a0 Ann\n"))
	require.Equal(t, "", clean(" \n\t"))
}

func TestNormalise(t *testing.T) {
	t.Parallel()
	rec := Record{
		Phone:                  "(04) 1234-5678",
		Sex:                    "f",
		PrescriberType:         "m",
		HPIINumber:             "8003 6149 0002 9560",
		AHPRANumber:            "med 0001234567",
		ProviderNumber:         "2429591l",
		PrescriberNumber:       "1318605",
		HospitalProviderNumber: "h123",
		AccessRoles:            []string{"Provider", " admin", "provider", ""},
	}
	require.Empty(t, normalise(&rec))
	require.Equal(t, Record{
		Phone:                  "0412345678",
		Sex:                    "F",
		PrescriberType:         "M",
		HPIINumber:             "8003614900029560",
		AHPRANumber:            "MED0001234567",
		ProviderNumber:         "2429591L",
		PrescriberNumber:       "1318605",
		HospitalProviderNumber: "H123",
		AccessRoles:            []string{"admin", "provider"},
	}, rec)
}

func TestNormaliseRestoresLeadingZeros(t *testing.T) {
	t.Parallel()
	rec := Record{Phone: "412 345 678", PrescriberNumber: "182634"}
	warnings := normalise(&rec)
	require.Equal(t, "0412345678", rec.Phone)
	require.Equal(t, "0182634", rec.PrescriberNumber)
	require.Len(t, warnings, 2)
	for _, w := range warnings {
		require.Equal(t, SeverityWarning, w.Severity)
	}

	// Ambiguous shapes are left for validation to report.
	rec = Record{Phone: "512345678", PrescriberNumber: "18263A"}
	require.Empty(t, normalise(&rec))
	require.Equal(t, "512345678", rec.Phone)
}

func TestNormaliseRoles(t *testing.T) {
	t.Parallel()
	require.Nil(t, normaliseRoles(splitRoles(" ; ,")))
	require.Equal(t, []string{"admin", "rx_reader"}, normaliseRoles(splitRoles("RX_READER; admin,admin")))
}

package mapping

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// requireVerdicts checks that check accepts every good value and refuses
// every bad one.
func requireVerdicts(t *testing.T, check func(string) bool, good, bad []string) {
	t.Helper()
	for _, s := range good {
		require.True(t, check(s), "should accept %q", s)
	}
	for _, s := range bad {
		require.False(t, check(s), "should refuse %q", s)
	}
}

func TestValidHPII(t *testing.T) {
	t.Parallel()
	requireVerdicts(t, ValidHPII,
		[]string{"8003614900029560", "8003615260181594", "8003619099603083"},
		[]string{
			"8003614900029561",  // check digit off by one
			"8003614900029506",  // last two digits swapped
			"8003624900029560",  // HPI-O prefix
			"800361490002956",   // 15 digits
			"80036149000295600", // 17 digits
			"80036149000295A0",
			"",
		})
}

func TestLuhn(t *testing.T) {
	t.Parallel()
	requireVerdicts(t, luhn, []string{"79927398713", "0"}, []string{"79927398710", "7992739871x", ""})
}

func TestMedicareProviderNumberOK(t *testing.T) {
	t.Parallel()
	requireVerdicts(t, MedicareProviderNumberOK,
		[]string{
			"2429591L", // 2·3+4·5+2·8+9·4+5·2+9·1 + 1·6 = 103; 103 mod 11 = 4 → L
			"2468011T", // 2·3+4·5+6·8+8·4+0·2+1·1 + 1·6 = 113; 113 mod 11 = 3 → T
			"0830166B", "2462819A", "252760AL",
			"830166B", // a 5-digit stem reads with a leading 0
		},
		[]string{
			"2429591K",  // wrong check character
			"2429592L",  // wrong location
			"242959IL",  // I is never a location character
			"2429591",   // no check character
			"2429591LX", // too long
			"A429591L",
			"",
		})
}

func TestPBSPrescriberNumberOK(t *testing.T) {
	t.Parallel()
	requireVerdicts(t, PBSPrescriberNumberOK,
		[]string{
			"1318605", // 1·1+3·3+1·7+8·9+6·1+0·3 = 95 → 5
			"4821997",
			"0182634", // leading 0: 1·5+8·8+2·4+6·2+3·1 = 92; 92 mod 11 = 4
		},
		[]string{"1318606", "0182635", "131860", "13186050", "131860A", ""})
}

func TestAHPRANumber(t *testing.T) {
	t.Parallel()
	requireVerdicts(t, AHPRANumberShapeOK,
		[]string{"MED0001234567", "XYZ0001234567"},
		[]string{"MED000123456", "MED00012345678", "ME10001234567", "med0001234567", "MED000123456X", ""})
	requireVerdicts(t, AHPRAProfessionKnown,
		[]string{"MED0001234567", "NMW0001234567", "POD0001234567"},
		[]string{"XYZ0001234567", "ME", ""})
}

func TestValidProviderNumberForUpdate(t *testing.T) {
	t.Parallel()
	requireVerdicts(t, ValidProviderNumberForUpdate,
		[]string{
			"2468011T", "2429591L", "830166B", // Medicare provider numbers
			"123456789", "2429591LA", "H", "ABCDEFGHIJ", "1234567890", "h12345",
			"2429591-L", "2429591 L", "ÉCOLE", // any characters since 2026-03-04
		},
		[]string{"12345678901", "ABCDEFGHIJK", ""})
}

func TestValidPhone(t *testing.T) {
	t.Parallel()
	requireVerdicts(t, ValidPhone,
		[]string{"0412345678", "0312345678", "0212345678", "0712345678", "0812345678", "61412345678", "+61312345678"},
		[]string{"0123456789", "04123456789", "041234567", "04-1234-5678", "+1234567890", "0512345678", "+6141234567", "",
			"+61112345678", "61912345678", "+61512345678", // no mobile or area digit after 61
			"+61+12345678", "6141234567",
		})
}

func TestValidPrescriberNumber(t *testing.T) {
	t.Parallel()
	requireVerdicts(t, ValidPrescriberNumber,
		[]string{"1234567", "AB12345", "1", "123456", "12345678", "1234567890", "ÉÉÉÉÉÉÉÉÉÉ"},
		[]string{"12345678901", "ÉÉÉÉÉÉÉÉÉÉÉ", ""})
}

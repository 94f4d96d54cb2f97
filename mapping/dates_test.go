package mapping

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDateLayout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		layout, in, want string
		ok               bool
	}{
		{"DD/MM/YYYY", "03/04/1980", "1980-04-03", true},
		{"DD/MM/YYYY", "3/4/1980", "1980-04-03", true},
		{"MM/DD/YYYY", "03/04/1980", "1980-03-04", true},
		{"YYYY-MM-DD", "1980-04-03", "1980-04-03", true},
		{"D.M.YYYY", "31.12.1999", "1999-12-31", true},
		{"DDMMYYYY", "03041980", "1980-04-03", true},
		{"DDMMYYYY", "3041980", "", false},
		{"DD/MM/YYYY", "03/04/80", "", false},
		{"DD/MM/YYYY", "03/04/19800", "", false},
		{"DD/MM/YYYY", "1980-04-03", "", false},
		{"DD/MM/YYYY", "03/04/1980 00:00", "", false},
		{"DD/MM/YYYY", "", "", false},
		// Shape only: validation says whether the date is real.
		{"DD/MM/YYYY", "31/02/1980", "1980-02-31", true},

		// A time, and an offset: the date is kept as written, never moved
		// to UTC.
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11T00:00:00", "1980-03-11", true},
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11T23:59:60", "1980-03-11", true},
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11", "", false},
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11 00:00:00", "", false},
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11T00:00", "", false},
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11T24:00:00", "", false},
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11T00:60:00", "", false},
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11T00:00:61", "", false},
		{"YYYY-MM-DDThh:mm:ss", "1980-03-11T00:00:00+10:00", "", false},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00+10:00", "1980-03-11", true},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T23:30:00-05:30", "1980-03-11", true},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00Z", "1980-03-11", true},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00+14:00", "1980-03-11", true},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00", "", false},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00+1000", "", false},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00+10", "", false},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00+15:00", "", false},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00+10:60", "", false},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00 +10:00", "", false},
		{"YYYY-MM-DDThh:mm:ss±hh:mm", "1980-03-11T00:00:00z", "", false},
		{"YYYY-MM-DDThh:mm±hh:mm", "1980-03-11T09:05-05:30", "1980-03-11", true},
		{"DD/MM/YYYY hh:mm", "11/03/1980 00:00", "1980-03-11", true},
		{"DD/MM/YYYY hh:mm", "11/03/1980 9:05", "1980-03-11", true},
		{"DD/MM/YYYY hh:mm", "11/03/1980 09:5", "", false},
		{"DD/MM/YYYY hh:mm", "11/03/1980", "", false},
		{"YYYYMMDDThhmmss", "19800311T000000", "1980-03-11", true},

		// Month names, English, any case.
		{"DD-MMM-YYYY", "25-Dec-2024", "2024-12-25", true},
		{"DD-MMM-YYYY", "25-DEC-2024", "2024-12-25", true},
		{"DD-MMM-YYYY", "25-dec-2024", "2024-12-25", true},
		{"DD-MMM-YYYY", "5-Jan-2024", "2024-01-05", true},
		{"DD-MMM-YYYY", "25-Sep-2024", "2024-09-25", true},
		{"DD-MMM-YYYY", "25-Sept-2024", "2024-09-25", true},
		{"DD-MMM-YYYY", "25-December-2024", "", false},
		{"DD-MMM-YYYY", "25-12-2024", "", false},
		{"DD-MMM-YYYY", "25-Dez-2024", "", false},
		{"DD MMMM YYYY", "25 December 2024", "2024-12-25", true},
		{"DD MMMM YYYY", "1 may 1980", "1980-05-01", true},
		{"DD MMMM YYYY", "25 Dec 2024", "", false},
		{"DD MMMM YYYY", "25 Decembers 2024", "", false},
		{"MMMM D, YYYY", "March 11, 1980", "1980-03-11", true},
		{"DMMMYYYY", "5Mar1980", "1980-03-05", true},
		{"DDMMMYYYY", "11MAR1980", "1980-03-11", true},
	}
	for _, c := range cases {
		l, err := parseDateLayout(c.layout)
		require.NoError(t, err, c.layout)
		got, ok := l.parse(c.in)
		require.Equal(t, c.ok, ok, "%s %s", c.layout, c.in)
		require.Equal(t, c.want, got, "%s %s", c.layout, c.in)
	}
}

func TestDateLayoutErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ layout, want string }{
		{"", "no day"},
		{"DD/MM", "no year"},
		{"DD/MM/YY", "two-digit year (YY), which is refused: a date of birth written 11/03/25 could be 1925 or 2025"},
		{"YY-MM-DD", "two-digit year"},
		{"DD/MM/YYY", `"YYY" is not one of`},
		{"DD/DD/YYYY", "names the day (D or DD) twice"},
		{"DDD/MM/YYYY", `"DDD" is not one of`},
		{"YYYY/MM/DD/YYYY", "twice"},
		{"DMYYYY", "separator"},
		{"dd/mm/yyyy", `"dd" is not one of`},
		{"DD/MMMMM/YYYY", `"MMMMM" is not one of`},
		{"DD/MM/MMM/YYYY", "names the month (M, MM, MMM or MMMM) twice"},
		{"DD/MM/YYYY mm", "has minutes (mm) but no hour (hh)"},
		{"DD/MM/YYYY hh:ss", "has seconds (ss) but no minutes (mm)"},
		{"YYYY-MM-DD±hh:mm", "has offset (±hh:mm) but no hour (hh)"},
		{"DD/MM/YYYY h:mm", `"h" is not one of`},
		{"DD/MM/YYYY hh:mm:ss.sss", `"sss" is not one of`},
		{"DD/MM/YYYY hh:mm hh", "names the hour (hh) twice"},
		{"YYYY-MM-DDThh:mm:ssZ", "write a UTC offset as ±hh:mm, which also accepts Z"},
		{"YYYY-MM-DDThh:mm:ss±hhmm", "an offset is written ±hh:mm"},
		{"YYYY-MM-DDThh:mm±hh:mm±hh:mm", "names the offset (±hh:mm) twice"},
		{"YYYY-MM-DDTT", `"TT" is not one of`},
		{"DD/MM/1980", `"1" is not one of`},
	}
	for _, c := range cases {
		_, err := parseDateLayout(c.layout)
		require.ErrorContains(t, err, c.want, c.layout)
	}
}

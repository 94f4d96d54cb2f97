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
	for _, l := range []string{"", "DD/MM", "DD/MM/YY", "DD/DD/YYYY", "YYYY/MM/DD/YYYY", "DMYYYY", "dd/mm/yyyy"} {
		_, err := parseDateLayout(l)
		require.Error(t, err, l)
	}
}

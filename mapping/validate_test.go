package mapping

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func validProvider() Record {
	return Record{
		ExternalUserID: "E1", GivenName: "Ann", FamilyName: "Lee", Email: "ann.lee@example.com.au",
		DateOfBirth: "1980-02-29", Sex: "F", AccessRoles: []string{"provider"},
		HPIINumber: "8003614900029560", PrescriberType: "M", PrescriberNumber: "1318605",
		Qualifications: "MBBS", ProviderNumber: "2429591L", AHPRANumber: "MED0001234567",
	}
}

func testToday() time.Time { return time.Date(2025, 6, 30, 15, 0, 0, 0, time.UTC) }

func fieldsOf(ps []Problem, sev Severity) []string {
	var out []string
	for _, p := range ps {
		if p.Severity == sev {
			out = append(out, p.Field)
		}
	}
	return out
}

func TestValidateProvider(t *testing.T) {
	t.Parallel()
	ps := Validate(validProvider(), 7, testToday())
	require.Empty(t, fieldsOf(ps, SeverityError))
	require.Equal(t, []string{FieldProviderNumber}, fieldsOf(ps, SeverityWarning), "8-character provider numbers fail the update rule")
	for _, p := range ps {
		require.Equal(t, 7, p.Line)
		require.Equal(t, "E1", p.ExternalUserID)
	}
}

func TestValidateRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		edit   func(*Record)
		errors []string
	}{
		{"podiatrist needs no prescriber number", func(r *Record) { r.PrescriberType, r.PrescriberNumber = "T", "" }, nil},
		{"others do", func(r *Record) { r.PrescriberNumber = "" }, []string{FieldPrescriberNumber}},
		{"born today", func(r *Record) { r.DateOfBirth = "2025-06-30" }, nil},
		{"born tomorrow", func(r *Record) { r.DateOfBirth = "2025-07-01" }, []string{FieldDateOfBirth}},
		{"not a leap year", func(r *Record) { r.DateOfBirth = "1981-02-29" }, []string{FieldDateOfBirth}},
		{"display name", func(r *Record) { r.Email = "Ann <ann@example.com.au>" }, []string{FieldEmail}},
		{"no dot in domain", func(r *Record) { r.Email = "ann@localhost" }, []string{FieldEmail}},
		{"two at signs", func(r *Record) { r.Email = "ann@@example.com.au" }, []string{FieldEmail}},
		{"name too long", func(r *Record) { r.FamilyName = string(make([]rune, 256)) }, []string{FieldFamilyName}},
		{"255 accented letters fit", func(r *Record) {
			b := make([]rune, 255)
			for i := range b {
				b[i] = 'é'
			}
			r.GivenName = string(b)
		}, nil},
		{"not a provider", func(r *Record) {
			*r = Record{ExternalUserID: "E2", GivenName: "Bo", FamilyName: "Ng", Email: "bo@example.com.au", AccessRoles: []string{"receptionist"}}
		}, nil},
		{"optional fields still checked", func(r *Record) {
			*r = Record{ExternalUserID: "E2", GivenName: "Bo", FamilyName: "Ng", Email: "bo@example.com.au", Sex: "Q", HPIINumber: "123"}
		}, []string{FieldSex, FieldHPIINumber}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rec := validProvider()
			c.edit(&rec)
			require.Equal(t, c.errors, fieldsOf(Validate(rec, 2, testToday()), SeverityError))
		})
	}
}

package mapping

import (
	"net/mail"
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
	require.Empty(t, Validate(validProvider(), 7, testToday()), "a valid Medicare provider number raises no warning")
	rec := validProvider()
	rec.ProviderNumber, rec.EndDate = "2429591K", "Soon"
	ps := Validate(rec, 7, testToday())
	require.Equal(t, []string{FieldEndDate}, fieldsOf(ps, SeverityError))
	require.Equal(t, []string{FieldProviderNumber}, fieldsOf(ps, SeverityWarning))
	for _, p := range ps {
		require.Equal(t, 7, p.Line)
		require.Equal(t, "E1", p.ExternalUserID)
	}
}

// Messages of the identifier rules CONTRACT.md revised: only what Parchment
// refuses is an error; the PBS and Medicare checks are warnings.
func TestValidateIdentifierMessages(t *testing.T) {
	t.Parallel()
	const (
		notPBS         = "prescriber_number is not a 7-digit PBS prescriber number; check it"
		pbsCheck       = "prescriber_number fails the PBS check digit; check it against the prescriber's PBS details"
		medicareCheck  = "provider_number fails the Medicare check character (or is not 6 digits, a location character and a check character); check it against the Medicare provider number letter"
		failsUpdate    = "provider_number is longer than 10 characters, so it would fail Parchment's update rule: the user can be created, but later provider updates may be refused"
		prescriberLong = "prescriber_number is 11 characters long; Parchment allows at most 10"
		providerLong   = "provider_number is 16 characters long; Parchment allows at most 15"
	)
	type problem struct {
		sev Severity
		msg string
	}
	cases := []struct {
		name string
		edit func(*Record)
		want []problem
	}{
		{"PBS number", func(r *Record) { r.PrescriberNumber = "1318605" }, nil},
		{"PBS number with a leading 0", func(r *Record) { r.PrescriberNumber = "0182634" }, nil},
		{"PBS check digit", func(r *Record) { r.PrescriberNumber = "1318606" }, []problem{{SeverityWarning, pbsCheck}}},
		{"letters in a prescriber number", func(r *Record) { r.PrescriberNumber = "AB12345" }, []problem{{SeverityWarning, notPBS}}},
		{"8-digit prescriber number", func(r *Record) { r.PrescriberNumber = "13186050" }, []problem{{SeverityWarning, notPBS}}},
		{"1-character prescriber number", func(r *Record) { r.PrescriberNumber = "7" }, []problem{{SeverityWarning, notPBS}}},
		{"10-character prescriber number", func(r *Record) { r.PrescriberNumber = "1234567890" }, []problem{{SeverityWarning, notPBS}}},
		{"11-character prescriber number", func(r *Record) { r.PrescriberNumber = "12345678901" }, []problem{{SeverityError, prescriberLong}}},
		{"Medicare number", func(r *Record) { r.ProviderNumber = "2468011T" }, nil},
		{"Medicare number, letter location", func(r *Record) { r.ProviderNumber = "252760AL" }, nil},
		{"Medicare number, 5-digit stem", func(r *Record) { r.ProviderNumber = "830166B" }, nil},
		{"Medicare check character", func(r *Record) { r.ProviderNumber = "2468011A" }, []problem{{SeverityWarning, medicareCheck}}},
		{"9 characters", func(r *Record) { r.ProviderNumber = "2468011TA" }, []problem{{SeverityWarning, medicareCheck}}},
		{"10 characters", func(r *Record) { r.ProviderNumber = "H123456789" }, []problem{{SeverityWarning, medicareCheck}}},
		{"11 characters", func(r *Record) { r.ProviderNumber = "H1234567890" }, []problem{{SeverityWarning, medicareCheck}, {SeverityWarning, failsUpdate}}},
		{"not alphanumeric: the update page's rule was dropped", func(r *Record) { r.ProviderNumber = "H12/345" }, []problem{{SeverityWarning, medicareCheck}}},
		{"15 characters", func(r *Record) { r.ProviderNumber = "123456789012345" }, []problem{{SeverityWarning, medicareCheck}, {SeverityWarning, failsUpdate}}},
		{"16 characters", func(r *Record) { r.ProviderNumber = "1234567890123456" }, []problem{{SeverityError, providerLong}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rec := validProvider()
			c.edit(&rec)
			var got []problem
			for _, p := range Validate(rec, 2, testToday()) {
				got = append(got, problem{p.Severity, p.Message})
			}
			require.Equal(t, c.want, got)
		})
	}
}

func TestValidateEndDate(t *testing.T) {
	t.Parallel()
	const (
		shape  = "end_date must be written YYYY-MM-DD (a spreadsheet may have reformatted it; a mapping file can name another format)"
		unreal = "end_date is not a real date"
	)
	cases := []struct{ end, want string }{
		{"", ""},
		{"2024-06-30", ""},
		{"2025-06-30", ""}, // today
		{"2099-01-31", ""}, // notice given, not yet gone
		{"2024-02-29", ""},
		{"1900-01-01", ""},
		{"2023-02-29", unreal},
		{"2024-13-01", unreal},
		{"2024-00-10", unreal},
		{"30/06/2024", shape},
		{"2024-6-30", shape},
		{"2024-06-30T00:00:00", shape},
		{"20240630", shape},
		{"soon", shape},
	}
	for _, c := range cases {
		rec := validProvider()
		rec.EndDate = c.end
		ps := Validate(rec, 3, testToday())
		if c.want == "" {
			require.Empty(t, ps, c.end)
			continue
		}
		require.Equal(t, []Problem{{Line: 3, ExternalUserID: "E1", Field: FieldEndDate, Message: c.want, Severity: SeverityError}}, ps, c.end)
	}
}

func TestLeftBy(t *testing.T) {
	t.Parallel()
	today := testToday() // 2025-06-30 15:00 UTC
	cases := []struct {
		end  string
		left bool
	}{
		{"2025-06-29", true},  // yesterday
		{"2025-06-30", true},  // today: their last day has come
		{"2025-07-01", false}, // tomorrow
		{"2099-01-31", false}, // notice given
		{"1999-12-31", true},
		{"", false},
		{"2025-02-30", false}, // not a real date: validation reports it
		{"30/06/2025", false},
	}
	for _, c := range cases {
		require.Equal(t, c.left, Record{EndDate: c.end}.LeftBy(today), c.end)
	}

	// Calendar dates compare in today's location, not UTC's.
	east := time.Date(2025, 7, 1, 8, 0, 0, 0, time.FixedZone("AEST", 10*60*60)) // 2025-06-30 22:00 UTC
	require.True(t, Record{EndDate: "2025-07-01"}.LeftBy(east))
	require.False(t, Record{EndDate: "2025-07-02"}.LeftBy(east))
	west := time.Date(2025, 6, 30, 20, 0, 0, 0, time.FixedZone("HST", -10*60*60)) // 2025-07-01 06:00 UTC
	require.False(t, Record{EndDate: "2025-07-01"}.LeftBy(west))
	require.True(t, Record{EndDate: "2025-06-30"}.LeftBy(west))
	// The first and last instants of a day are that day.
	require.True(t, Record{EndDate: "2025-06-30"}.LeftBy(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)))
	require.False(t, Record{EndDate: "2025-07-01"}.LeftBy(time.Date(2025, 6, 30, 23, 59, 59, 999999999, time.UTC)))
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
		{"left yesterday", func(r *Record) { r.EndDate = "2025-06-29" }, nil},
		{"leaves in the future", func(r *Record) { r.EndDate = "2099-01-31" }, nil},
		{"end date day first", func(r *Record) { r.EndDate = "31/01/2025" }, []string{FieldEndDate}},
		{"end date not real", func(r *Record) { r.EndDate = "2025-02-29" }, []string{FieldEndDate}},
		{"long prescriber number", func(r *Record) { r.PrescriberNumber = "12345678901" }, []string{FieldPrescriberNumber}},
		{"10-character prescriber number", func(r *Record) { r.PrescriberNumber = "1234567890" }, nil},
		{"long provider number", func(r *Record) { r.ProviderNumber = "1234567890123456" }, []string{FieldProviderNumber}},
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

func TestDotAtomAddressesAreWhatParseAddressAccepts(t *testing.T) {
	t.Parallel()
	for _, email := range []string{
		"ann@clinic.example", "a.b+tag@sub.clinic.com.au", "o'neil@x.au", "x_y-z@a-b.c",
		"a..b@x.au", ".a@x.au", "a.@x.au", "a@x", "a@.x.au", "a@x..au", "a@x.au.", "a b@x.au",
		"ann@clinic.example ", "@x.au", "a@", "a@b@c.au", "Ann <ann@x.au>", "ann@[127.0.0.1]", "ä@x.au",
		"\"quoted\"@x.au", "a@x_y.au",
	} {
		if !isDotAtomAddress(email) {
			continue
		}
		addr, err := mail.ParseAddress(email)
		require.NoError(t, err, email)
		require.Equal(t, email, addr.Address, email)
		require.Empty(t, addr.Name, email)
	}
	require.True(t, isDotAtomAddress("ann@clinic.example"))
	require.False(t, isDotAtomAddress("a..b@x.au"))
	require.False(t, isDotAtomAddress("a@x"))
}

func TestRxReaderNeedsReceptionist(t *testing.T) {
	t.Parallel()
	rec := Record{ExternalUserID: "E2", GivenName: "Jo", FamilyName: "Ray", Email: "jo.ray@example.com.au", AccessRoles: []string{"rx_reader"}}
	ps := Validate(rec, 3, testToday())
	require.Equal(t, []string{FieldAccessRoles}, fieldsOf(ps, SeverityError))
	require.Contains(t, ps[0].Message, "rx_reader without receptionist")
	rec.AccessRoles = []string{"receptionist", "rx_reader"}
	require.Empty(t, Validate(rec, 3, testToday()))
}

package mapping

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// briefExample is the mapping format as documented for clinics.
const briefExample = `external_user_id: { column: "Payroll ID", prefix: "DEPUTY#" }
given_name: First Name
family_name: Last Name
email: Email
phone: Mobile
date_of_birth: { column: DOB, format: DD/MM/YYYY }
sex: { column: Gender, values: { Male: M, Female: F, Intersex: I, "Prefer not to say": N } }
access_roles: { column: Role, values: { GP: [provider], "Practice Manager": [admin], Reception: [receptionist] } }
prescriber_type: { column: Role, values: { GP: M, Nurse: U }, default: "" }
hpii_number: HPI-I
skip: { column: Termination Date, when: not_empty }
encoding: windows-1252
delimiter: ";"
`

func TestParseMappingExample(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte(briefExample), "deputy.yaml")
	require.NoError(t, err)
	require.Equal(t, charsetWindows1252, m.charset)
	require.Equal(t, ';', m.comma())
	require.Equal(t, "Payroll ID", m.fields[FieldExternalUserID].column)
	require.Equal(t, "DEPUTY#", m.fields[FieldExternalUserID].prefix)
	require.Equal(t, "provider", m.fields[FieldAccessRoles].values["gp"])
	require.Equal(t, "N", m.fields[FieldSex].values["prefer not to say"])
	require.Equal(t, "", *m.fields[FieldPrescriberType].def)
	require.Equal(t, []skipRule{{column: "Termination Date", when: skipNotEmpty}}, m.skips)
}

func TestLoadMapping(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "deputy.yaml")
	require.NoError(t, os.WriteFile(path, []byte(briefExample), 0o600))
	m, err := LoadMapping(path)
	require.NoError(t, err)
	require.Equal(t, "Email", m.fields[FieldEmail].column)

	_, err = LoadMapping(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestParseMappingErrors(t *testing.T) {
	t.Parallel()
	const base = "external_user_id: ID\ngiven_name: G\nfamily_name: F\nemail: E\n"
	cases := []struct {
		name, yaml, want string
		line             int
	}{
		{"empty", "", "empty", 0},
		{"comments only", "# nothing\n", "empty", 0},
		{"not a map", "- a\n- b\n", "field: column", 1},
		{"syntax", "given_name: [\n", "not valid YAML", 0},
		{"unknown key", base + "emial: Email\n", `unknown key "emial"`, 5},
		{"unknown field key", base + "phone: { colum: Mobile }\n", `unknown key "colum" under phone`, 5},
		{"missing required", "external_user_id: ID\ngiven_name: G\nfamily_name: F\n", "email", 1},
		{"empty column", base + "phone:\n", "needs a column name", 5},
		{"column and value", base + "title: { column: T, value: Dr }\n", "title takes one of column, join and value, not both column and value", 5},
		{"neither column nor value", base + "title: { prefix: X }\n", "title needs a column, a join or a value", 5},
		{"bad sex value", base + "sex: { column: S, values: { Male: Man } }\n", "not something Parchment accepts", 5},
		{"bad role", base + "access_roles: { column: R, values: { GP: [doctor] } }\n", "not something Parchment accepts", 5},
		{"bad prescriber type", base + "prescriber_type: { column: R, default: Q }\n", "not something Parchment accepts", 5},
		{"list for plain field", base + "sex: { column: S, values: { Male: [M] } }\n", "plain text", 5},
		{"duplicate value key", base + "sex: { column: S, values: { Male: M, \" male \": M } }\n", "twice", 5},
		{"format elsewhere", base + "phone: { column: P, format: DD/MM/YYYY }\n", "format applies only to date_of_birth and end_date", 5},
		{"two-digit end date year", base + "end_date: { column: D, format: DD/MM/YY }\n", "two-digit year (YY), which is refused: a date of birth written 11/03/25 could be 1925 or 2025", 5},
		{"end date without column", base + "end_date:\n", "end_date needs a column name", 5},
		{"end date misspelt", base + "enddate: Left\n", `unknown key "enddate"`, 5},
		{"end date twice", base + "end_date: Left\nend_date: Gone\n", `"end_date" is given twice`, 6},
		{"two-digit year", base + "date_of_birth: { column: D, format: DD/MM/YY }\n", "two-digit year (YY), which is refused", 5},
		{"two-digit year, block style", base + "date_of_birth:\n  column: D\n  format: YY-MM-DD\n", "two-digit year", 7},
		{"bad format", base + "date_of_birth: { column: D, format: DD/MMM/YYYY hh:mm:ss.sss }\n", `"sss" is not one of`, 5},
		{"Z in a format", base + "date_of_birth: { column: D, format: YYYY-MM-DDThh:mm:ssZ }\n", "which also accepts Z", 5},
		{"format without day", base + "date_of_birth: { column: D, format: MM/YYYY }\n", "no day", 5},
		{"format twice", base + "date_of_birth: { column: D, format: DD/MM/DD/YYYY }\n", "twice", 5},
		{"ambiguous format", base + "date_of_birth: { column: D, format: DMYYYY }\n", "separator", 5},
		{"bad encoding", base + "encoding: latin-9\n", "utf-8 or windows-1252", 5},
		{"bad delimiter", base + "delimiter: \"|\"\n", "delimiter", 5},
		{"skip without when", base + "skip: { column: X }\n", "skip needs", 5},
		{"skip bad when", base + "skip: { column: X, when: sometimes }\n", "one of", 5},
		{"skip two conditions", base + "skip: { column: X, when: empty, equals: Y }\n", "one of", 5},
		{"skip unknown key", base + "skip: { column: X, when: empty, unless: Y }\n", `unknown key "unless"`, 5},
		{"skip not a map", base + "skip: Termination Date\n", "skip must be", 5},
		{"alias", base + "title: &t { column: T }\nphone: *t\n", "aliases", 5},
		{"field twice", base + "phone: Mobile\ngiven_name: Preferred\n", `"given_name" is given twice`, 6},
		{"key twice in a field", base + "phone: { column: Mobile, column: Home }\n", `"column" is given twice`, 5},
		{"value key twice", base + "sex: { column: S, values: { Male: M, Male: F } }\n", "twice", 5},
		{"top-level key twice", base + "encoding: windows-1252\nencoding: utf-8\n", `"encoding" is given twice`, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			requireMappingError(t, c.yaml, c.want, c.line)
		})
	}
}

// requireMappingError checks that the mapping is refused with a message
// containing want, naming the file and the line.
func requireMappingError(t *testing.T, yaml, want string, line int) *SourceError {
	t.Helper()
	_, err := ParseMapping([]byte(yaml), "map.yaml")
	var se *SourceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "map.yaml", se.File)
	require.Contains(t, se.Message, want)
	require.Equal(t, line, se.Line, se.Error())
	return se
}

// The unknown-key message lists every key a mapping file may name.
func TestUnknownKeyListsEveryField(t *testing.T) {
	t.Parallel()
	_, err := ParseMapping([]byte("emial: Email\n"), "map.yaml")
	var se *SourceError
	require.ErrorAs(t, err, &se)
	for _, key := range append(RosterFieldNames(), "skip", "encoding", "delimiter") {
		require.Contains(t, se.Message, key)
	}
	require.Equal(t, `unknown key "emial"; expected a Parchment field (external_user_id, given_name, family_name, email, `+
		`date_of_birth, sex, phone, access_roles, title, hpii_number, prescriber_type, prescriber_number, qualifications, `+
		`provider_number, ahpra_number, hospital_provider_number), end_date, or skip, encoding, delimiter`, se.Message)
}

func TestMappedEndDate(t *testing.T) {
	t.Parallel()
	const base = "external_user_id: ID\ngiven_name: G\nfamily_name: F\nemail: E\n"
	const in = "ID,G,F,E,Left\n" +
		"1,Ann,Lee,a@example.com.au,30/06/2024\n" +
		"2,Bob,Ng,b@example.com.au,\n" +
		"3,Cy,Oh,c@example.com.au,1/1/2099\n" +
		"4,Di,Ma,d@example.com.au,2024-06-30\n" +
		"5,Ed,Fa,e@example.com.au,31/02/2024\n" +
		"6,Flo,Gu,f@example.com.au,n/a\n"
	cases := []struct {
		name, mapping string
		ends          []string
		errors        []string // the end_date error per row, "" for none
	}{
		{"day first", "end_date: { column: Left, format: DD/MM/YYYY }\n",
			[]string{"2024-06-30", "", "2099-01-01", "", "2024-02-31", ""},
			[]string{"", "", "", `end_date in column "Left" does not match the format DD/MM/YYYY set in the mapping`,
				"end_date is not a real date", `end_date in column "Left" does not match the format DD/MM/YYYY set in the mapping`}},
		{"default goes through the format", "end_date: { column: Left, format: D/M/YYYY, default: 31/12/2099 }\n",
			[]string{"2024-06-30", "2099-12-31", "2099-01-01", "", "2024-02-31", ""},
			[]string{"", "", "", `end_date in column "Left" does not match the format D/M/YYYY set in the mapping`,
				"end_date is not a real date", `end_date in column "Left" does not match the format D/M/YYYY set in the mapping`}},
		{"values map to canonical dates", "end_date: { column: Left, values: { n/a: \"\", 30/06/2024: 2024-06-30 }, default: \"\" }\n",
			[]string{"2024-06-30", "", "", "", "", ""},
			[]string{"", "", "", "", "", ""}},
		{"as written", "end_date: Left\n",
			[]string{"30/06/2024", "", "1/1/2099", "2024-06-30", "31/02/2024", "n/a"},
			[]string{"end_date must be written YYYY-MM-DD (a spreadsheet may have reformatted it; a mapping file can name another format)", "", "end_date must be written YYYY-MM-DD (a spreadsheet may have reformatted it; a mapping file can name another format)", "",
				"end_date must be written YYYY-MM-DD (a spreadsheet may have reformatted it; a mapping file can name another format)", "end_date must be written YYYY-MM-DD (a spreadsheet may have reformatted it; a mapping file can name another format)"}},
		{"constant", "end_date: { value: 2024-01-31 }\n",
			[]string{"2024-01-31", "2024-01-31", "2024-01-31", "2024-01-31", "2024-01-31", "2024-01-31"},
			[]string{"", "", "", "", "", ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMapping([]byte(base+c.mapping), "m.yaml")
			require.NoError(t, err)
			rows, err := readString(t, in, m)
			require.NoError(t, err)
			require.Len(t, rows, len(c.ends))
			for i, row := range rows {
				require.Equal(t, c.ends[i], row.Record.EndDate, "line %d", row.Line)
				require.NotContains(t, row.Record.Fields(), FieldEndDate)
				if c.errors[i] == "" {
					require.Empty(t, row.Problems, "line %d", row.Line)
					continue
				}
				require.Equal(t, []Problem{{Line: row.Line, ExternalUserID: row.Record.ExternalUserID, Field: FieldEndDate, Message: c.errors[i], Severity: SeverityError}}, row.Problems)
			}
		})
	}
}

func TestMappedEndDateColumnMustExist(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte("external_user_id: ID\ngiven_name: G\nfamily_name: F\nemail: E\nend_date: Termination Date\n"), "m.yaml")
	require.NoError(t, err)
	_, err = readString(t, "ID,G,F,E\n1,Ann,Lee,a@example.com.au\n", m)
	se := requireSourceError(t, err, 1)
	require.Contains(t, se.Message, `"Termination Date"`)
}

func TestParseMappingTooLarge(t *testing.T) {
	t.Parallel()
	_, err := ParseMapping([]byte(strings.Repeat("#", maxMappingBytes+1)), "big.yaml")
	var se *SourceError
	require.ErrorAs(t, err, &se)
}

func TestMappingWithoutFieldsKeepsCanonicalHeaders(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte("delimiter: tab\nskip: { column: left, equals: yes }\n"), "tab.yaml")
	require.NoError(t, err)
	rows, err := readString(t, "external_user_id\tgiven_name\tfamily_name\temail\tleft\nE1\tAnn\tLee\ta@example.com.au\tYes\nE2\tBob\tNg\tb@example.com.au\tno\n", m)
	require.NoError(t, err)
	require.True(t, rows[0].Skipped)
	require.True(t, rows[1].Valid())
}

func TestConstantAndDefaultValues(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte("external_user_id: ID\ngiven_name: G\nfamily_name: F\nemail: E\naccess_roles: { value: [Receptionist, admin] }\ntitle: { column: T, default: Dr }\n"), "m.yaml")
	require.NoError(t, err)
	rows, err := readString(t, "ID,G,F,E,T\n1,Ann,Lee,a@example.com.au,\n2,Bob,Ng,b@example.com.au,Prof\n", m)
	require.NoError(t, err)
	require.Equal(t, []string{"admin", "receptionist"}, rows[0].Record.AccessRoles)
	require.Equal(t, "Dr", rows[0].Record.Title)
	require.Equal(t, "Prof", rows[1].Record.Title)
}

func TestOneColumnFeedsSeveralFields(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte(briefExample), "deputy.yaml")
	require.NoError(t, err)
	m.charset, m.delimiter = charsetUTF8, ','
	in := "Payroll ID,First Name,Last Name,Email,Mobile,DOB,Gender,Role,HPI-I,Termination Date\n" +
		"7,Ann,Lee,a@example.com.au,,01/02/1980,female,GP,8003614900029560,\n"
	rows, err := readString(t, in, m)
	require.NoError(t, err)
	rec := rows[0].Record
	require.Equal(t, "DEPUTY#7", rec.ExternalUserID)
	require.Equal(t, []string{"provider"}, rec.AccessRoles)
	require.Equal(t, "M", rec.PrescriberType)
	require.Equal(t, "1980-02-01", rec.DateOfBirth)
	require.Equal(t, "F", rec.Sex)
}

func TestSkipEqualsSpellings(t *testing.T) {
	t.Parallel()
	for _, rule := range []string{
		"{ column: Status, equals: Terminated }",
		"{ column: Status, when: { equals: Terminated } }",
		`{ column: Status, when: "equals: Terminated" }`,
	} {
		m, err := ParseMapping([]byte("skip: "+rule+"\n"), "m.yaml")
		require.NoError(t, err, rule)
		require.Equal(t, []skipRule{{column: "Status", when: skipEquals, equals: fold("Terminated")}}, m.skips, rule)
	}
}

package mapping

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// baseMapping names the required fields; cases add a line 5 (and on).
const baseMapping = "external_user_id: ID\ngiven_name: G\nfamily_name: F\nemail: E\n"

// readMapped reads the CSV text in with the mapping file text yaml.
func readMapped(t *testing.T, yaml, in string) []Row {
	t.Helper()
	m, err := ParseMapping([]byte(yaml), "m.yaml")
	require.NoError(t, err)
	rows, err := readString(t, in, m)
	require.NoError(t, err)
	return rows
}

func TestParseMappingSourceKeys(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte(baseMapping+
		"phone: { column: [Mobile, Home] }\n"+
		"title: { column: [Title] }\n"+
		"qualifications: { join: [Degree, College] }\n"+
		"ahpra_number: { join: [Board, Number], with: \"\" }\n"+
		"access_roles: { column: tags, separator: \"|\", values: { \"parchment:provider\": provider } }\n"+
		"prescriber_type: { column: tags, separator: \" \", values: { gp: M } }\n"), "m.yaml")
	require.NoError(t, err)
	require.Equal(t, fieldRule{columns: []string{"Mobile", "Home"}}, m.fields[FieldPhone])
	require.Equal(t, fieldRule{column: "Title"}, m.fields[FieldTitle], "a list of one is the column")
	require.Equal(t, fieldRule{columns: []string{"Degree", "College"}, join: true, with: " "}, m.fields[FieldQualifications], "with defaults to a space")
	require.Equal(t, fieldRule{columns: []string{"Board", "Number"}, join: true}, m.fields[FieldAHPRANumber])
	require.Equal(t, fieldRule{column: "tags", separator: "|", values: map[string]string{"parchment:provider": "provider"}}, m.fields[FieldAccessRoles])
	require.Equal(t, " ", m.fields[FieldPrescriberType].separator)
}

func TestParseMappingSourceKeyErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, yaml, want string
		line             int
	}{
		{"empty column list", "phone: { column: [] }\n", "column of phone lists no columns", 5},
		{"empty name in list", "phone: { column: [Mobile, \"\"] }\n", "column of phone needs a column name", 5},
		{"list in list", "phone: { column: [Mobile, [Home]] }\n", "column of phone must be plain text", 5},
		{"column twice in list", "phone:\n  column:\n    - Mobile\n    - \" mobile \"\n", `column of phone lists the column "mobile" twice`, 8},
		{"alias in list", "title: { column: &t T }\nphone: { column: [Mobile, *t] }\n", "aliases", 5},
		{"join of a column", "title: { join: T }\n", "join of title must be a list", 5},
		{"join of one", "title: { join: [T] }\n", "join of title needs at least two columns; for one, write column", 5},
		{"join twice", "title: { join: [T, t] }\n", `join of title lists the column "t" twice`, 5},
		{"column and join", "title:\n  column: T\n  join: [A, B]\n", "title takes one of column, join and value, not both column and join", 7},
		{"join and value", "title:\n  value: Dr\n  join: [A, B]\n", "not both join and value", 7},
		{"join and column", "title: { join: [A, B], column: [C, D] }\n", "not both column and join", 5},
		{"with without join", "title:\n  column: T\n  with: \"-\"\n", "with of title applies only to join", 7},
		{"with misspelt join", "title: { jion: [A, B], with: \" \" }\n", `unknown key "jion" under title`, 5},
		{"with a list", "title: { join: [A, B], with: [\" \"] }\n", "with of title must be plain text", 5},
		{"empty separator", "access_roles: { column: R, separator: \"\" }\n", "separator of access_roles is empty", 5},
		{"tab separator", "access_roles: { column: R, separator: \"\\t\" }\n", "may be one space", 5},
		{"separator with value", "access_roles: { value: admin, separator: \"|\" }\n", "separator of access_roles splits a column's cells; it does not apply to value", 5},
		{"separator with format", "end_date:\n  column: Left\n  format: DD/MM/YYYY\n  separator: \"|\"\n", "end_date takes format or separator, not both", 8},
		{"separator without values", "title: { column: tags, separator: \"|\" }\n", "separator of title needs values", 5},
		{"separator a list", "access_roles: { column: R, separator: [\"|\"] }\n", "separator of access_roles must be plain text", 5},
		{"bad role through separator", "access_roles: { column: R, separator: \"|\", values: { x: doctor } }\n", "not something Parchment accepts", 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			se := requireMappingError(t, baseMapping+c.yaml, c.want, c.line)
			require.NotEmpty(t, se.Field)
		})
	}
}

func TestFirstNonEmptyColumn(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte("external_user_id: ID\ngiven_name: G\nfamily_name: F\n"+
		"email: { column: [ContactObject.Email, ContactObject.Email1] }\n"), "m.yaml")
	require.NoError(t, err)
	// A dotted name is a plain CSV column name.
	rows, err := readString(t, "ID,G,F,ContactObject.Email,ContactObject.Email1\n"+
		"1,Ann,Lee,a@example.com.au,a1@example.com.au\n"+
		"2,Bob,Ng,,b1@example.com.au\n"+
		"3,Cy,Oh,,\n", m)
	require.NoError(t, err)
	require.Equal(t, "a@example.com.au", rows[0].Record.Email)
	require.Equal(t, "b1@example.com.au", rows[1].Record.Email)
	require.Equal(t, "", rows[2].Record.Email)
	require.False(t, rows[2].Valid())

	// One of the columns is enough for the header.
	rows, err = readString(t, "ID,G,F,contactobject.email1\n1,Ann,Lee,a1@example.com.au\n", m)
	require.NoError(t, err)
	require.Equal(t, "a1@example.com.au", rows[0].Record.Email)

	// None of them is an error before any row, naming the field and every
	// column.
	_, err = readString(t, "ID,G,F,Phone\n1,Ann,Lee,0412345678\n", m)
	se := requireSourceError(t, err, 1)
	require.Equal(t, `the header lacks every column listed for email ("ContactObject.Email", "ContactObject.Email1") named in the mapping m.yaml`, se.Message)

	// Ambiguous columns are refused as for a single column.
	_, err = readString(t, "ID,G,F,ContactObject.Email1,ContactObject.Email1\n1,Ann,Lee,a,b\n", m)
	se = requireSourceError(t, err, 1)
	require.Contains(t, se.Message, `column "ContactObject.Email1" appears 2 times`)
}

func TestMissingColumnsAndListsTogether(t *testing.T) {
	t.Parallel()
	m, err := ParseMapping([]byte(baseMapping+"phone: { column: [Mobile, Home] }\ntitle: Title\n"), "m.yaml")
	require.NoError(t, err)
	_, err = readString(t, "ID,G,F,E\n1,Ann,Lee,a@example.com.au\n", m)
	se := requireSourceError(t, err, 1)
	require.Equal(t, `the header lacks the column(s) "Title" and every column listed for phone ("Mobile", "Home") named in the mapping m.yaml`, se.Message)
}

func TestJoinColumns(t *testing.T) {
	t.Parallel()
	rows := readMapped(t, "external_user_id: { join: [Board, Number], with: \"-\", prefix: \"HR#\" }\n"+
		"given_name: { join: [FirstName, MiddleName] }\n"+
		"family_name: F\nemail: E\n"+
		"date_of_birth: { join: [Born, At], format: DD/MM/YYYY hh:mm }\n",
		"Board,Number,FirstName,MiddleName,F,E,Born,At\n"+
			"A,1,Mary,Ann,Lee,a@example.com.au,11/03/1980,09:05\n"+
			"B,,Bob,,Ng,b@example.com.au,,\n"+
			",3, Cy , , Oh,c@example.com.au,11/03/1980,\n")
	require.Equal(t, "HR#A-1", rows[0].Record.ExternalUserID)
	require.Equal(t, "Mary Ann", rows[0].Record.GivenName)
	require.Equal(t, "1980-03-11", rows[0].Record.DateOfBirth)
	require.Empty(t, rows[0].Problems)

	require.Equal(t, "HR#B", rows[1].Record.ExternalUserID, "an empty part adds no separator")
	require.Equal(t, "Bob", rows[1].Record.GivenName)
	require.Equal(t, "", rows[1].Record.DateOfBirth)

	require.Equal(t, "HR#3", rows[2].Record.ExternalUserID)
	require.Equal(t, "Cy", rows[2].Record.GivenName, "parts are trimmed")
	require.Equal(t, []Problem{{Line: 4, ExternalUserID: "HR#3", Field: FieldDateOfBirth, Severity: SeverityError,
		Message: `date_of_birth in columns "Born", "At" does not match the format DD/MM/YYYY hh:mm set in the mapping`}}, rows[2].Problems)
}

func TestSeparatedItems(t *testing.T) {
	t.Parallel()
	rows := readMapped(t, baseMapping+
		"access_roles: { column: tags, separator: \"|\", values: { \"parchment:provider\": provider, \"parchment:np\": [provider, rx_reader], \"parchment:admin\": admin } }\n"+
		"prescriber_type: { column: tags, separator: \"|\", values: { \"parchment:provider\": M, \"parchment:np\": U }, default: \"\" }\n"+
		"qualifications: { column: quals, separator: \";\", values: { mbbs: MBBS, fracgp: FRACGP } }\n",
		"ID,G,F,E,tags,quals\n"+
			"1,Ann,Lee,a@example.com.au,staff | Parchment:Provider |parchment:admin|parchment:provider,MBBS\n"+
			"2,Bob,Ng,b@example.com.au,staff|payroll,\n"+
			"3,Cy,Oh,c@example.com.au,,\n"+
			"4,Di,Ma,d@example.com.au,parchment:np||parchment:provider,mbbs;fracgp\n")
	require.Len(t, rows, 4)

	require.Equal(t, []string{"admin", "provider"}, rows[0].Record.AccessRoles, "unlisted tags are ignored, repeats collapse")
	require.Equal(t, "M", rows[0].Record.PrescriberType)
	require.Equal(t, "MBBS", rows[0].Record.Qualifications)

	require.Nil(t, rows[1].Record.AccessRoles, "no listed tag: no role")
	require.Equal(t, "", rows[1].Record.PrescriberType, "no listed tag: the default")
	require.Empty(t, rows[1].Problems)

	require.Nil(t, rows[2].Record.AccessRoles)
	require.Empty(t, rows[2].Problems)

	require.Equal(t, []string{"provider", "rx_reader"}, rows[3].Record.AccessRoles)
	require.Equal(t, "", rows[3].Record.Qualifications)
	// A provider lacking provider fields has problems besides these.
	problems := map[string]string{}
	for _, p := range rows[3].Problems {
		if p.Field == FieldPrescriberType || p.Field == FieldQualifications {
			problems[p.Field] = p.Message
		}
	}
	require.Equal(t, map[string]string{
		FieldPrescriberType: `column "tags" lists items that give prescriber_type different values ("U, M"); it holds one: list only one of them under values`,
		FieldQualifications: `column "quals" lists items that give qualifications different values; it holds one: list only one of them under values`,
	}, problems)
}

func TestSeparatedRolesWithoutValues(t *testing.T) {
	t.Parallel()
	rows := readMapped(t, baseMapping+"access_roles: { column: Roles, separator: \" \", default: [receptionist] }\n",
		"ID,G,F,E,Roles\n"+
			"1,Ann,Lee,a@example.com.au,Admin  provider admin\n"+
			"2,Bob,Ng,b@example.com.au,\n"+
			"3,Cy,Oh,c@example.com.au,doctor\n")
	require.Equal(t, []string{"admin", "provider"}, rows[0].Record.AccessRoles)
	require.Equal(t, []string{"receptionist"}, rows[1].Record.AccessRoles)
	require.False(t, rows[2].Valid(), "items are roles, checked as any role is")
}

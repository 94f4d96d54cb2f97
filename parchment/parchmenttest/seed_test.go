package parchmenttest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

const seedHeader = "organization_id,external_user_id,given_name,family_name,email,access_roles,date_of_birth,sex,phone,title," +
	"hpii_number,prescriber_type,prescriber_number,qualifications,provider_number,ahpra_number,hospital_provider_number,disabled\n"

func TestLoadUsers(t *testing.T) {
	t.Parallel()
	in := "\ufeff" + seedHeader +
		"org_1,HRIS#1,Aroha,Ngata,aroha@example.com,provider;admin,1981-07-19,F,0398765432,Dr,8003614900029560,M,2468011,\"MBBS, FRACGP\",2468011T,MED0002468013,H246801,false\n" +
		"org_1,,Sam,Okafor,sam@example.com,\"receptionist, rx_reader\",,,,,,,,,,,,\n" +
		"\n" + // blank lines are skipped
		"org_1,,Old,Hand,old@example.com,,,,,,,,,,,,,TRUE\n" +
		"org_2,, Pat , Lee ,SAM@example.com,owner,,O,,,,,,,,,,\n"
	seeds, err := parchmenttest.LoadUsers(strings.NewReader(in), "staff.csv")
	require.NoError(t, err)
	require.Len(t, seeds, 4)

	a := seeds[0]
	require.Equal(t, "org_1", a.OrganizationID)
	require.Equal(t, 2, a.Line)
	require.Equal(t, parchmenttest.User{
		ExternalUserID: "HRIS#1", GivenName: "Aroha", FamilyName: "Ngata", Email: "aroha@example.com",
		AccessRoles: []string{"provider", "admin"}, DateOfBirth: "1981-07-19", Sex: "F", Phone: "0398765432",
		Title: "Dr", HPIINumber: "8003614900029560", PrescriberType: "M", PrescriberNumber: "2468011",
		Qualifications: "MBBS, FRACGP", ProviderNumber: "2468011T", AHPRANumber: "MED0002468013",
		HospitalProviderNumber: "H246801",
	}, a.User)
	require.Equal(t, []string{"receptionist", "rx_reader"}, seeds[1].User.AccessRoles, "commas separate roles too")
	require.Empty(t, seeds[1].User.ExternalUserID, "made in the portal: no partner id")
	require.Equal(t, 5, seeds[2].Line)
	require.True(t, seeds[2].User.Disabled)
	require.Equal(t, []string{"member"}, seeds[2].User.AccessRoles, "disabling leaves member")
	require.Equal(t, "Pat", seeds[3].User.GivenName, "values are trimmed")
	require.Equal(t, []string{"owner"}, seeds[3].User.AccessRoles, "portal users may hold roles no call assigns")
	require.Equal(t, "O", seeds[3].User.Sex)

	// Columns in any order, optional ones left out.
	seeds, err = parchmenttest.LoadUsers(strings.NewReader("email,family_name,given_name,organization_id\na@example.com,Lee,Ann,org_1\n"), "min.csv")
	require.NoError(t, err)
	require.Equal(t, parchmenttest.User{Email: "a@example.com", GivenName: "Ann", FamilyName: "Lee"}, seeds[0].User)
}

func TestLoadUsersErrors(t *testing.T) {
	t.Parallel()
	const row = "org_1,E1,Ann,Lee,a@example.com,admin,1980-01-02,F,,,,,,,,,,false"
	// replace swaps the value in one column of row.
	replace := func(col int, v string) string {
		f := strings.Split(row, ",")
		f[col-1] = v
		return strings.Join(f, ",")
	}
	cases := []struct {
		name, in string
		line     int
		column   int
		header   string
		message  string
	}{
		{"empty file", "", 0, 0, "", "staff.csv: no header row"},
		{"unknown header", "organization_id,email,given_name,family_name,nickname\n", 1, 5, "nickname", `staff.csv line 1, column 5 "nickname": unknown column`},
		{"repeated header", "organization_id,email,given_name,family_name,Email\n", 1, 5, "email", "repeated column"},
		{"required header missing", "organization_id,email,given_name\n", 1, 0, "family_name", `staff.csv line 1, column "family_name": required column missing`},
		{"organisation missing", seedHeader + replace(1, ""), 2, 1, "organization_id", `staff.csv line 2, column 1 "organization_id": required`},
		{"given name missing", seedHeader + replace(3, " "), 2, 3, "given_name", "required"},
		{"family name missing", seedHeader + replace(4, ""), 2, 4, "family_name", "required"},
		{"email missing", seedHeader + replace(5, ""), 2, 5, "email", "required"},
		{"bad email", seedHeader + replace(5, "not-an-email"), 2, 5, "email", "not an email address"},
		{"unknown role", seedHeader + replace(6, "admin;doctor"), 2, 6, "access_roles", `unknown access role "doctor"`},
		{"day-first date", seedHeader + replace(7, "02/01/1980"), 2, 7, "date_of_birth", "not a YYYY-MM-DD date"},
		{"bad sex", seedHeader + replace(8, "X"), 2, 8, "sex", `"X" is not one of M, F, I, N, O`},
		{"bad prescriber type", seedHeader + replace(12, "P"), 2, 12, "prescriber_type", "is not one of"},
		{"bad disabled", seedHeader + replace(18, "yes"), 2, 18, "disabled", `"yes" is neither true nor false`},
		{"too few fields", seedHeader + "org_1,E1,Ann\n", 2, 0, "", "staff.csv line 2: 3 fields where the header has 18"},
		{"repeated email", seedHeader + row + "\n" + strings.Replace(replace(2, "E2"), "a@", "b@", 1) + "\n" + strings.Replace(replace(2, "E3"), "a@example.com", "A@Example.COM", 1),
			4, 5, "email", `staff.csv line 4, column 5 "email": repeats line 2 in organisation org_1`},
		{"repeated partner id", seedHeader + row + "\n" + replace(5, "b@example.com"), 3, 2, "external_user_id", "repeats line 2"},
		{"bare quote", seedHeader + `org_1,E1,An"n,Lee,a@example.com,,,,,,,,,,,,,` + "\n", 2, 0, "", "staff.csv line 2: character 12: bare \" in non-quoted-field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parchmenttest.LoadUsers(strings.NewReader(tc.in), "staff.csv")
			require.Error(t, err)
			require.ErrorContains(t, err, tc.message)
			require.True(t, strings.HasPrefix(err.Error(), "staff.csv"), err.Error())
			var se *parchmenttest.SeedError
			require.True(t, errors.As(err, &se))
			require.Equal(t, "staff.csv", se.File)
			require.Equal(t, tc.line, se.Line, err.Error())
			require.Equal(t, tc.column, se.Column, err.Error())
			require.Equal(t, tc.header, se.Header, err.Error())
		})
	}
	// One organisation's email may be another's.
	_, err := parchmenttest.LoadUsers(strings.NewReader(seedHeader+row+"\n"+strings.Replace(row, "org_1", "org_2", 1)), "staff.csv")
	require.NoError(t, err)
}

func TestSeedCSVUsersWorkEverywhere(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	in := seedHeader +
		"org_1,,Sam,Okafor,sam@example.com,receptionist,,,,,,,,,,,,\n" +
		"org_1,HRIS#1,Aroha,Ngata,aroha@example.com,provider;admin,1981-07-19,F,,Dr,8003614900029560,M,2468011,MBBS,,,,\n" +
		"org_1,,Old,Hand,old@example.com,,,,,,,,,,,,,true\n" +
		"org_1,,Own,Er,owner@example.com,owner,,,,,,,,,,,,\n"
	n, err := s.SeedCSV(strings.NewReader(in), "staff.csv")
	require.NoError(t, err)
	require.Equal(t, 4, n)
	users := s.Snapshot(org)
	require.Len(t, users, 4)
	sam, aroha, old, owner := users[0], users[1], users[2], users[3]
	require.Equal(t, "Sam Okafor", sam.FullName)
	require.True(t, old.Disabled)

	// Get and list, in every shape.
	a := send(t, s, http.MethodGet, usersPath(org)+"/"+sam.UserID, nil)
	require.Equal(t, http.StatusOK, a.Status)
	require.Nil(t, a.Data["external_user_id"])
	require.Equal(t, "1981-07-19T00:00:00.000Z", send(t, s, http.MethodGet, usersPath(org)+"/"+aroha.UserID, nil).Data["provider_details"].(map[string]any)["date_of_birth"])
	list := send(t, s, http.MethodGet, usersPath(org), nil).Data["users"].([]any)
	require.Len(t, list, 4)
	require.Nil(t, list[0].(map[string]any)["external_user_id"])
	require.Equal(t, []any{"member"}, list[2].(map[string]any)["access_roles"])

	// Creates clash with seeded users by email and partner id.
	a = send(t, s, http.MethodPost, usersPath(org), staff("HRIS#2", "SAM@example.com"))
	require.Equal(t, http.StatusConflict, a.Status)
	require.Equal(t, "USER_ALREADY_EXISTS", a.Code)
	a = send(t, s, http.MethodPost, usersPath(org), staff("HRIS#1", "new@example.com"))
	require.Equal(t, "Partner user ID already exists", a.Error.Detail)
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath(org), staff("HRIS#3", "new@example.com")).Status)

	// Changes: update, roles, disable, enable.
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, usersPath(org)+"/"+sam.UserID, `{"full_name":"Sam O"}`).Status)
	require.Equal(t, http.StatusOK, send(t, s, http.MethodPut, rolesPath(owner.UserID), map[string]any{"access_roles": []string{"admin"}}).Status,
		"a portal role is replaced like any other")
	require.Equal(t, "User is already disabled", send(t, s, http.MethodPut, usersPath(org)+"/"+old.UserID+"/disable", nil).Message)
	require.Equal(t, "User enabled successfully", send(t, s, http.MethodPut, usersPath(org)+"/"+old.UserID+"/enable", nil).Message)
	require.Equal(t, "User disabled successfully", send(t, s, http.MethodPut, usersPath(org)+"/"+owner.UserID+"/disable", nil).Message)

	bare := start(t, parchmenttest.Config{ListShape: parchmenttest.ListBare})
	_, err = bare.SeedCSV(strings.NewReader(in), "staff.csv")
	require.NoError(t, err)
	_, body := sendRaw(t, bare, http.MethodGet, usersPath(org), nil)
	require.Len(t, body["data"], 4)
	require.Equal(t, "Retrieved 4 users successfully", body["message"])
}

func TestSeedCSVAllOrNone(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	_, err := s.SeedUser(org, parchmenttest.User{ExternalUserID: "HRIS#9", Email: "taken@example.com"})
	require.NoError(t, err)
	in := seedHeader +
		"org_1,,Ann,Lee,ann@example.com,,,,,,,,,,,,,\n" +
		"org_1,,Bob,Ng,TAKEN@example.com,,,,,,,,,,,,,\n"
	_, err = s.SeedCSV(strings.NewReader(in), "staff.csv")
	require.EqualError(t, err, `staff.csv line 3, column 5 "email": email TAKEN@example.com is taken in organisation org_1`)
	require.Len(t, s.Snapshot(org), 1, "nothing from the file was stored")

	in = seedHeader + "org_1,HRIS#9,Ann,Lee,ann@example.com,,,,,,,,,,,,,\n"
	_, err = s.SeedCSV(strings.NewReader(in), "staff.csv")
	require.ErrorContains(t, err, `staff.csv line 2, column 2 "external_user_id": partner user id HRIS#9 is taken`)

	_, err = s.SeedCSV(strings.NewReader("organization_id,email\n"), "bad.csv")
	require.ErrorContains(t, err, "bad.csv")
}

func TestSeedUserFillsFullNameAndIndexes(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	u, err := s.SeedUser(org, parchmenttest.User{Email: "Ann@Example.com", GivenName: "Ann", FamilyName: "Lee"})
	require.NoError(t, err)
	require.Equal(t, "Ann Lee", u.FullName)
	_, err = s.SeedUser(org, parchmenttest.User{Email: "ann@example.COM"})
	require.ErrorContains(t, err, "email")
	// Users without partner id or email never clash on them.
	_, err = s.SeedUser(org, parchmenttest.User{})
	require.NoError(t, err)
	_, err = s.SeedUser(org, parchmenttest.User{})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath(org), staff("", "other@example.com")).Status)
}

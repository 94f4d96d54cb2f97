package parchmenttest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	a := send(t, s, http.MethodPost, usersPath(org), prescriber("EXT-1", "darlene@example.com"))
	require.Equal(t, http.StatusCreated, a.Status)
	require.True(t, a.Success)
	require.Equal(t, "USER_CREATED", a.Code)
	require.Equal(t, "EXT-1", a.Data["external_user_id"])
	id, _ := a.Data["parchment_user_id"].(string)
	require.Regexp(t, `^usr_[a-z0-9]{12}$`, id)
	require.Contains(t, a.Data["url"], id)
	require.NotEmpty(t, a.Timestamp)

	users := s.Snapshot(org)
	require.Len(t, users, 1)
	u := users[0]
	require.Equal(t, id, u.UserID)
	require.Equal(t, "Darlene Cameron", u.FullName)
	require.Equal(t, "8003614900029560", u.HPIINumber)
	require.Equal(t, []string{"admin", "provider"}, u.AccessRoles)
	require.Equal(t, 1, s.Counters().Creates)
}

func TestCreateUserValidation(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	p := prescriber("EXT-V", "v@example.com")
	cases := []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"names and email required", map[string]any{}, []string{"given_name", "family_name", "email"}},
		{"empty given name", with(staff("E", "e@example.com"), map[string]any{"given_name": ""}), []string{"given_name"}},
		{"long family name", with(staff("E", "e@example.com"), map[string]any{"family_name": string(make([]byte, 256))}), []string{"family_name"}},
		{"bad email", with(staff("E", "e@example.com"), map[string]any{"email": "not-an-email"}), []string{"email"}},
		{"unknown role", with(staff("E", "e@example.com"), map[string]any{"access_roles": []string{"doctor"}}), []string{"access_roles"}},
		{"provider fields required", map[string]any{
			"given_name": "A", "family_name": "B", "email": "ab@example.com", "access_roles": []string{"provider"},
		}, []string{"date_of_birth", "sex", "hpii_number", "prescriber_type", "prescriber_number", "qualifications"}},
		{"impossible date", with(p, map[string]any{"date_of_birth": "1980-02-30"}), []string{"date_of_birth"}},
		{"day-first date", with(p, map[string]any{"date_of_birth": "02/10/1969"}), []string{"date_of_birth"}},
		{"sex O", with(p, map[string]any{"sex": "O"}), []string{"sex"}},
		{"short hpii", with(p, map[string]any{"hpii_number": "800361490002956"}), []string{"hpii_number"}},
		{"letters in hpii", with(p, map[string]any{"hpii_number": "800361490002956X"}), []string{"hpii_number"}},
		{"prescriber type P", with(p, map[string]any{"prescriber_type": "P"}), []string{"prescriber_type"}},
		{"prescriber number over 10", with(p, map[string]any{"prescriber_number": "12345678901"}), []string{"prescriber_number"}},
		{"prescriber number missing", with(p, map[string]any{"prescriber_number": nil}), []string{"prescriber_number"}},
		{"ahpra over 15", with(p, map[string]any{"ahpra_number": "MED00012345678901"}), []string{"ahpra_number"}},
		{"provider number over 15", with(p, map[string]any{"provider_number": "1234567890123456"}), []string{"provider_number"}},
		{"formatted phone", with(p, map[string]any{"phone": "04-1234-5678"}), []string{"phone"}},
		{"phone area 1", with(p, map[string]any{"phone": "0123456789"}), []string{"phone"}},
		{"phone too long", with(p, map[string]any{"phone": "04123456789"}), []string{"phone"}},
		{"phone too short", with(p, map[string]any{"phone": "041234567"}), []string{"phone"}},
		{"foreign phone", with(p, map[string]any{"phone": "+1234567890"}), []string{"phone"}},
		{"sex checked without provider role", with(staff("E", "e@example.com"), map[string]any{"sex": "X"}), []string{"sex"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := send(t, s, http.MethodPost, usersPath(org), tc.body)
			require.Equal(t, http.StatusUnprocessableEntity, a.Status)
			require.False(t, a.Success)
			require.Equal(t, "Validation failed", a.Error.Title)
			require.Equal(t, tc.fields, a.fields())
			for _, v := range a.Error.Validation {
				require.Equal(t, "VALIDATION_ERROR", v.Code)
				require.NotEmpty(t, v.Message)
			}
		})
	}
	t.Cleanup(func() { require.Empty(t, s.Snapshot(org), "no invalid create was stored") })
}

func TestCreateUserAcceptsDocumentedForms(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	phones := []string{"0412345678", "0312345678", "0212345678", "0712345678", "0812345678", "61412345678", "+61312345678"}
	for i, phone := range phones {
		body := with(prescriber("P"+phone, phone+"@example.com"), map[string]any{"phone": phone})
		a := send(t, s, http.MethodPost, usersPath(org), body)
		require.Equal(t, http.StatusCreated, a.Status, "phone %d %s: %v", i, phone, a.Error.Validation)
	}
	podiatrist := with(prescriber("POD", "pod@example.com"), map[string]any{"prescriber_type": "T", "prescriber_number": nil})
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath(org), podiatrist).Status)
	noID := with(staff("", "noid@example.com"), map[string]any{"partner_user_id": nil, "access_roles": nil})
	a := send(t, s, http.MethodPost, usersPath(org), noID)
	require.Equal(t, http.StatusCreated, a.Status)
	require.Contains(t, a.Data, "external_user_id")
	require.Nil(t, a.Data["external_user_id"], "no partner id: null, as lists answer it")
}

func TestCreateUserIgnoresExternalUserIDInBody(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	body := with(staff("HRIS#1", "a@example.com"), map[string]any{"external_user_id": "WRONG#1"})
	a := send(t, s, http.MethodPost, usersPath(org), body)
	require.Equal(t, http.StatusCreated, a.Status)
	require.Equal(t, "HRIS#1", a.Data["external_user_id"], "the id is read from partner_user_id")
	require.Equal(t, "HRIS#1", s.Snapshot(org)[0].ExternalUserID)

	// Only external_user_id: the user has no partner id, so nothing clashes
	// on it and the next create with that value as a partner id succeeds.
	onlyExternal := with(staff("", "b@example.com"), map[string]any{"partner_user_id": nil, "external_user_id": "HRIS#2"})
	a = send(t, s, http.MethodPost, usersPath(org), onlyExternal)
	require.Equal(t, http.StatusCreated, a.Status)
	require.Nil(t, a.Data["external_user_id"])
	require.Empty(t, s.Snapshot(org)[1].ExternalUserID)
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath(org), staff("HRIS#2", "c@example.com")).Status)
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath(org),
		with(staff("", "d@example.com"), map[string]any{"partner_user_id": nil, "external_user_id": "HRIS#1"})).Status,
		"a body's external_user_id never conflicts")
}

func TestCreateUserConflicts(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath(org), staff("EXT-1", "rose@example.com")).Status)

	a := send(t, s, http.MethodPost, usersPath(org), staff("EXT-1", "other@example.com"))
	require.Equal(t, http.StatusConflict, a.Status)
	require.Empty(t, a.Code, "the pages show no code for a taken partner id")
	require.Equal(t, "Partner user ID already exists", a.Error.Detail)
	require.Empty(t, a.Data, "no id in a conflict")

	a = send(t, s, http.MethodPost, usersPath(org), staff("EXT-2", "ROSE@Example.com"))
	require.Equal(t, http.StatusConflict, a.Status)
	require.Equal(t, "USER_ALREADY_EXISTS", a.Code)
	require.Equal(t, "User with this email already exists", a.Error.Detail)
	require.Equal(t, "https://parchment.health/errors/resource-conflict", a.Error.Type)
	require.Empty(t, a.Data)

	// Both taken: the partner id is named first, as the create page's 409.
	a = send(t, s, http.MethodPost, usersPath(org), staff("EXT-1", "rose@example.com"))
	require.Equal(t, "Partner user ID already exists", a.Error.Detail)

	// Another organisation is separate.
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath("org_2"), staff("EXT-1", "rose@example.com")).Status)
	require.Len(t, s.Snapshot(org), 1)
	require.Equal(t, 2, s.Counters().Creates)
}

func TestCreateUserExistsAs201(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{ExistsAs201: true})
	require.Equal(t, http.StatusCreated, send(t, s, http.MethodPost, usersPath(org), staff("EXT-1", "rose@example.com")).Status)

	status, body := sendRaw(t, s, http.MethodPost, usersPath(org), staff("EXT-2", "ROSE@example.com"))
	require.Equal(t, http.StatusCreated, status, "the page's 201 heading")
	require.Equal(t, false, body["success"])
	require.EqualValues(t, http.StatusConflict, body["statusCode"])
	require.Equal(t, "USER_ALREADY_EXISTS", body["code"])
	require.NotContains(t, body, "data")

	a := send(t, s, http.MethodPost, usersPath(org), staff("EXT-1", "other@example.com"))
	require.Equal(t, http.StatusConflict, a.Status, "a taken partner id stays the page's 409")
	require.Equal(t, "Partner user ID already exists", a.Error.Detail)
	require.Len(t, s.Snapshot(org), 1, "never a second user")
}

func TestCreateUserKeepsFilteredRoles(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{DropRoles: []string{"admin"}})
	a := send(t, s, http.MethodPost, usersPath(org), with(staff("E1", "a@example.com"), map[string]any{"access_roles": []string{"admin", "rx_reader"}}))
	require.Equal(t, http.StatusBadRequest, a.Status, "nothing kept: admin dropped, rx_reader without receptionist")
	require.Equal(t, "access_roles must contain at least one valid role after filtering", a.Error.Detail)
	require.Empty(t, s.Snapshot(org))

	a = send(t, s, http.MethodPost, usersPath(org), with(staff("E1", "a@example.com"), map[string]any{"access_roles": []string{"admin", "receptionist", "rx_reader"}}))
	require.Equal(t, http.StatusCreated, a.Status)
	require.Equal(t, []string{"receptionist", "rx_reader"}, s.Snapshot(org)[0].AccessRoles)
}

func TestMalformedBody(t *testing.T) {
	t.Parallel()
	s := start(t, parchmenttest.Config{})
	a := send(t, s, http.MethodPost, usersPath(org), "{not json")
	require.Equal(t, http.StatusBadRequest, a.Status)
	a = send(t, s, http.MethodPost, usersPath(org), `{"given_name": 5}`)
	require.Equal(t, http.StatusBadRequest, a.Status)
}

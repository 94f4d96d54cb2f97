package parchment_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func provider() parchment.CreateUserRequest {
	return parchment.CreateUserRequest{
		GivenName: "Darlene", FamilyName: "Cameron", Email: "darlene@example.com", PartnerUserID: "CLINIKO#USER_12345",
		DateOfBirth: "1969-10-02", Sex: "F", Phone: "0412345678", AccessRoles: []string{"admin", "provider"},
		HPIINumber: "8003614900029560", PrescriberType: "M", PrescriberNumber: "1234567", Qualifications: "MBBS",
		Title: "Dr", ProviderNumber: "123456789", AHPRANumber: "MED0001234567",
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil)
	res, err := c.CreateUser(t.Context(), provider())
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, res.Status)
	require.Equal(t, parchment.CodeUserCreated, res.Code)
	require.Equal(t, "CLINIKO#USER_12345", res.ExternalUserID)
	require.Contains(t, res.URL, res.UserID)
	require.NotEmpty(t, res.RequestID)
	require.Equal(t, []int{201}, statuses(res.Attempts))

	users := s.Snapshot(org)
	require.Len(t, users, 1)
	require.Equal(t, res.UserID, users[0].UserID)
	require.Equal(t, "8003614900029560", users[0].HPIINumber)
	require.Equal(t, "Dr", users[0].Title)
}

// fixed answers every API call with one body and status.
func fixed(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func TestCreateUserOtherShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body    string
		status        int
		id, code, msg string
	}{
		{"user_id", `{"success":true,"statusCode":201,"code":"USER_CREATED","data":{"user_id":"usr_abc123def456"},"requestId":"req_1_a"}`,
			201, "usr_abc123def456", parchment.CodeUserCreated, ""},
		{"demographic conflict", `{"success":true,"statusCode":202,"message":"Demographic conflicts found","data":{"parchment_user_id":"usr_2","external_user_id":"E"},"requestId":"req_1_a"}`,
			202, "usr_2", "", "Demographic conflicts found"},
		{"provider creation failed", `{"success":true,"statusCode":201,"code":"PROVIDER_CREATION_FAILED","data":{"parchment_user_id":"usr_3"},"requestId":"req_1_a"}`,
			201, "usr_3", parchment.CodeProviderCreationFailed, ""},
		{"code inside data", `{"success":true,"statusCode":201,"data":{"user_id":"usr_4","code":"USER_ALREADY_EXISTS"},"requestId":"req_1_a"}`,
			201, "usr_4", parchment.CodeUserAlreadyExists, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := standIn(t, parchmenttest.Config{}, interceptFirst(1, fixed(tc.status, tc.body)))
			res, err := c.CreateUser(t.Context(), provider())
			require.NoError(t, err)
			require.Equal(t, tc.status, res.Status)
			require.Equal(t, tc.id, res.UserID)
			require.Equal(t, tc.code, res.Code)
			require.Equal(t, tc.msg, res.Message)
			require.Equal(t, "req_1_a", res.RequestID)
		})
	}
}

func TestCreateUserUnreadableSuccess(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`not json`, `{"success":true,"statusCode":201,"data":{},"requestId":"req_9_z"}`} {
		_, c := standIn(t, parchmenttest.Config{}, interceptFirst(1, fixed(201, body)))
		_, err := c.CreateUser(t.Context(), provider())
		require.True(t, parchment.IsRecord(err), body)
		e, _ := parchment.AsError(err)
		require.Equal(t, 201, e.Status)
		require.True(t, e.MayHaveApplied(), "the server did create something")
		require.Len(t, e.Attempts, 1)
	}
}

func TestConflictCarryingAnID(t *testing.T) {
	t.Parallel()
	body := `{"success":false,"statusCode":409,"code":"USER_ALREADY_EXISTS","data":{"user_id":"usr_7"},` +
		`"error":{"title":"Conflict","detail":"User with this email already exists"},"requestId":"req_3_c"}`
	_, c := standIn(t, parchmenttest.Config{}, interceptFirst(1, fixed(409, body)))
	_, err := c.CreateUser(t.Context(), provider())
	e, ok := parchment.AsError(err)
	require.True(t, ok)
	require.Equal(t, "usr_7", e.UserID)
	require.Equal(t, "req_3_c", e.RequestID)
	require.Equal(t, parchment.ClassRecord, e.Class())
}

func TestValidationErrorParsed(t *testing.T) {
	t.Parallel()
	_, c := standIn(t, parchmenttest.Config{}, nil)
	req := provider()
	req.Sex, req.Phone = "O", "04-1234-5678"
	_, err := c.CreateUser(t.Context(), req)
	require.True(t, parchment.IsRecord(err))
	e, _ := parchment.AsError(err)
	require.Equal(t, http.StatusUnprocessableEntity, e.Status)
	require.Equal(t, "Validation failed", e.Title)
	require.Equal(t, "https://parchment.health/errors/validation-error", e.Type)
	require.Len(t, e.Validation, 2)
	require.Equal(t, "sex", e.Validation[0].Field)
	require.Equal(t, "phone", e.Validation[1].Field)
	require.Equal(t, "VALIDATION_ERROR", e.Validation[0].Code)
	require.Regexp(t, `^req_\d+_[a-z0-9]+$`, e.RequestID)
	require.Equal(t, e.RequestID, e.Attempts[0].RequestID)
	require.Contains(t, err.Error(), "sex: ")
	require.Contains(t, err.Error(), e.RequestID)
	require.False(t, e.MayHaveApplied())

	_, err = c.Validate(t.Context())
	require.NoError(t, err, "a record error does not stop the client")
}

func TestUpdateUserSendsOnlyItsFields(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil)
	created, err := c.CreateUser(t.Context(), provider())
	require.NoError(t, err)

	_, err = c.UpdateUser(t.Context(), created.UserID, parchment.UpdateUserRequest{FullName: "Darlene Scott"})
	require.NoError(t, err)
	_, err = c.UpdateUser(t.Context(), created.UserID, parchment.UpdateUserRequest{
		ProviderDetails: &parchment.ProviderDetails{PrescriberType: "M", PrescriberNumber: "7654321", Qualifications: "MBBS, FRACGP"},
	})
	require.NoError(t, err)

	log := s.UpdateLog()
	require.Len(t, log, 2)
	require.JSONEq(t, `{"full_name":"Darlene Scott"}`, string(log[0].Body))
	require.JSONEq(t, `{"provider_details":{"prescriber_type":"M","prescriber_number":"7654321","qualifications":"MBBS, FRACGP"}}`, string(log[1].Body))
	u := s.Snapshot(org)[0]
	require.Equal(t, "Darlene Scott", u.FullName)
	require.Equal(t, "7654321", u.PrescriberNumber)

	_, err = c.UpdateUser(t.Context(), "usr_missing", parchment.UpdateUserRequest{FullName: "X Y"})
	e, _ := parchment.AsError(err)
	require.Equal(t, http.StatusNotFound, e.Status)
	require.Equal(t, parchment.ClassRecord, e.Class())
}

func TestGetUserEscapesItsID(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil)
	_, err := s.SeedUser(org, parchmenttest.User{
		UserID: "usr/../odd id", Email: "odd@example.com", ExternalUserID: "E1", FullName: "Odd One",
		AccessRoles: []string{"provider"}, PrescriberNumber: "1234567",
	})
	require.NoError(t, err)
	u, err := c.GetUser(t.Context(), "usr/../odd id")
	require.NoError(t, err)
	require.Equal(t, "usr/../odd id", u.UserID)
	require.Equal(t, "Odd One", u.FullName)
	require.Equal(t, "1234567", u.ProviderDetails.PrescriberNumber)

	_, err = c.DisableUser(t.Context(), "usr/../odd id")
	require.NoError(t, err)
	require.True(t, s.Snapshot(org)[0].Disabled)
	res, err := c.EnableUser(t.Context(), "usr/../odd id")
	require.NoError(t, err)
	require.Equal(t, "User enabled successfully", res.Message)
}

func TestListUsersFollowsPages(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil)
	for i := range 250 {
		_, err := s.SeedUser(org, parchmenttest.User{ExternalUserID: fmt.Sprint("E", i), Email: fmt.Sprintf("u%d@example.com", i)})
		require.NoError(t, err)
	}
	list, err := c.ListUsers(t.Context())
	require.NoError(t, err)
	require.Len(t, list.Users, 250)
	require.Equal(t, 250, list.Total)
	require.Equal(t, []int{200, 200, 200}, statuses(list.Attempts))
	require.Equal(t, "E249", list.Users[249].ExternalUserID)
	require.NotEmpty(t, list.Users[0].UserID)
	require.Equal(t, list.Attempts[2].RequestID, list.RequestID)
	require.Equal(t, 3, s.Counters().Requests["list"])
}

func TestListUsersKeepsAttemptsOfEarlierPages(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("lastKey") != "" {
				fixed(502, "bad gateway")(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}, func(cfg *parchment.Config) { cfg.MaxAttempts = 2 })
	for i := range 150 {
		_, err := s.SeedUser(org, parchmenttest.User{Email: fmt.Sprintf("u%d@example.com", i)})
		require.NoError(t, err)
	}
	_, err := c.ListUsers(t.Context())
	e, _ := parchment.AsError(err)
	require.Equal(t, []int{200, 502, 502}, statuses(e.Attempts))
	require.Equal(t, "list users", e.Op)
}

func TestListUsersRefusesALoopingServer(t *testing.T) {
	t.Parallel()
	body := `{"success":true,"statusCode":200,"data":{"users":[{"user_id":"usr_1","email":"a@example.com"}],"pagination":{"total":2,"limit":100,"lastKey":"usr_1"}},"requestId":"req_1_a"}`
	_, c := standIn(t, parchmenttest.Config{}, interceptFirst(10, fixed(200, body)))
	_, err := c.ListUsers(t.Context())
	require.ErrorContains(t, err, "repeated a lastKey")
	e, _ := parchment.AsError(err)
	require.Len(t, e.Attempts, 2)
}

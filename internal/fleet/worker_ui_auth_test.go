package fleet

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.10": true, "::1": true, "localhost": true, "LocalHost.": true, "::ffff:127.0.0.1": true,
		"": false, "0.0.0.0": false, "::": false, "10.0.0.5": false, "192.168.1.2": false, "fe80::1": false,
		"worker.example": false, "localhost.example": false, "128.0.0.1": false,
	} {
		require.Equal(t, want, isLoopback(host), "%q", host)
	}
}

func TestUILoginFor(t *testing.T) {
	t.Parallel()
	vars := func(m map[string]string) env { return func(k string) string { return m[k] } }
	both := vars(map[string]string{EnvUIUsername: "ops", EnvUIPassword: "s3cret"})

	login, err := uiLoginFor("127.0.0.1:8081", vars(nil))
	require.NoError(t, err)
	require.Nil(t, login, "loopback stays open")
	login, err = uiLoginFor("[::1]:8081", both)
	require.NoError(t, err)
	require.Equal(t, &uiLogin{"ops", "s3cret"}, login, "a login set is asked for on loopback too")
	login, err = uiLoginFor("0.0.0.0:8081", both)
	require.NoError(t, err)
	require.Equal(t, &uiLogin{"ops", "s3cret"}, login)

	for _, addr := range []string{"0.0.0.0:8081", ":8081", "10.1.2.3:8081", "worker.example:8081"} {
		_, err = uiLoginFor(addr, vars(nil))
		require.ErrorContains(t, err, "set PARCHMENT_UI_USERNAME and PARCHMENT_UI_PASSWORD", addr)
	}
	_, err = uiLoginFor("127.0.0.1:8081", vars(map[string]string{EnvUIPassword: "s3cret"}))
	require.ErrorContains(t, err, "set both PARCHMENT_UI_USERNAME and PARCHMENT_UI_PASSWORD")
}

// The wrapper demands basic auth (401 with a challenge) and serves the
// right pair only.
func TestRequireLogin(t *testing.T) {
	t.Parallel()
	inner := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "river ui") })
	srv := httptest.NewServer(requireLogin(inner, uiLogin{username: "ops", password: "s3cret"}))
	t.Cleanup(srv.Close)

	get := func(user, pass string, auth bool) (int, string, string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/jobs", nil)
		require.NoError(t, err)
		if auth {
			req.SetBasicAuth(user, pass)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, resp.Header.Get("WWW-Authenticate"), string(body)
	}
	for _, tc := range []struct {
		user, pass string
		auth       bool
	}{{"", "", false}, {"ops", "wrong", true}, {"other", "s3cret", true}, {"ops", "s3cret2", true}, {"", "", true}} {
		code, challenge, body := get(tc.user, tc.pass, tc.auth)
		require.Equal(t, http.StatusUnauthorized, code, "%+v", tc)
		require.Equal(t, `Basic realm="parchment-sync worker", charset="UTF-8"`, challenge)
		require.NotContains(t, body, "river ui")
	}
	code, _, body := get("ops", "s3cret", true)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "river ui", body)
}

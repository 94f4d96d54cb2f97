package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/hris/deputy/deputytest"
	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero/employmentherotest"
	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
	"github.com/parchment-sync/parchment-sync/internal/redact"
)

// freePort finds a loopback port to register as the redirect URI's.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func sampleRoster(t *testing.T) io.Reader {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "samples", "roster.csv"))
	require.NoError(t, err)
	return strings.NewReader(string(data))
}

var connectEnv = map[string]string{"HR_CLIENT_ID": "cid", "HR_CLIENT_SECRET": "client-secret-5eed"}

// connect runs connect in-process and plays the browser: it opens the
// printed address and follows the stand-in's redirect back to connect.
func connect(t *testing.T, config, system string, port int) result {
	t.Helper()
	return connectWith(t, connectEnv, config, system, port)
}

// connectWith is connect with the environment vars.
func connectWith(t *testing.T, vars map[string]string, config, system string, port int) result {
	t.Helper()
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"connect", system, "--config", config, "--org", "north", "--redirect-port", fmt.Sprint(port), "--timeout", "30s"},
			func(k string) string { return vars[k] }, strings.NewReader(""), &out, &errOut)
	}()
	var authURL string
	require.Eventually(t, func() bool {
		authURL = strings.TrimSpace(out.String())
		return authURL != ""
	}, 10*time.Second, 5*time.Millisecond, "connect prints the address to open; stderr: %s", errOut.String())
	resp, err := http.Get(authURL) // the stand-in approves and redirects to the loopback listener
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(page))
	require.Contains(t, string(page), "connected")
	return result{<-done, out.String(), errOut.String()}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parchment-sync.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func requirePrivateToken(t *testing.T, path string) *oauthfile.File {
	t.Helper()
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	return &oauthfile.File{Path: path}
}

func TestConnectEmploymentHeroEndToEnd(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	emps, err := employmentherotest.Seed(sampleRoster(t), "roster.csv")
	require.NoError(t, err)
	s := employmentherotest.New(employmentherotest.Config{ClientID: "cid", ClientSecret: "client-secret-5eed",
		RedirectURIs: []string{fmt.Sprintf("http://127.0.0.1:%d/", port)}, OrganisationID: "eh-org", Employees: emps})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	config := writeConfig(t, fmt.Sprintf(`
organizations:
  - name: north
    employment_hero:
      organization_id: eh-org
      url: %[1]s
      oauth: {client_id_env: HR_CLIENT_ID, client_secret_env: HR_CLIENT_SECRET, token_file: tokens/eh.json, url: %[1]s}
`, srv.URL))

	r := connect(t, config, "employment-hero", port)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "code_challenge_method=S256")
	require.NotContains(t, r.stdout+r.stderr, "client-secret-5eed")
	tokenPath := filepath.Join(filepath.Dir(config), "tokens", "eh.json")
	require.Contains(t, r.stderr, tokenPath)
	requirePrivateToken(t, tokenPath)

	// The stored token reads staff, through the client a sync builds.
	a := &fleet.App{Getenv: func(k string) string { return connectEnv[k] }, Redactor: redact.New()}
	c, err := a.StaffReader(context.Background(), config, "north")
	require.NoError(t, err)
	got, err := standin.Collect(context.Background(), c.Read)
	require.NoError(t, err)
	require.Len(t, got, 12)
	require.Equal(t, 0, s.OAuth.Refreshes(), "connect's access token is still good for 15 minutes")
}

func TestConnectDeputyEndToEnd(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	redirect := fmt.Sprintf("http://127.0.0.1:%d/", port)
	emps, err := deputytest.Seed(sampleRoster(t), "roster.csv", false)
	require.NoError(t, err)
	s := deputytest.New(deputytest.Config{ClientID: "cid", ClientSecret: "client-secret-5eed", RedirectURIs: []string{redirect}, Employees: emps})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	config := writeConfig(t, fmt.Sprintf(`
defaults:
  deputy:
    oauth: {client_id_env: HR_CLIENT_ID, client_secret_env: HR_CLIENT_SECRET, url: %[1]s}
organizations:
  - name: north
    deputy:
      url: %[1]s
      oauth: {token_file: deputy-north.json}
`, srv.URL))

	r := connect(t, config, "deputy", port)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "scope=longlife_refresh_token")
	require.NotContains(t, r.stderr, "warning", "the stand-in's endpoint is the configured install")
	tokenPath := filepath.Join(filepath.Dir(config), "deputy-north.json")
	f := requirePrivateToken(t, tokenPath)
	tok, err := f.Read()
	require.NoError(t, err)
	require.Equal(t, redirect, tok.Extra(oauthfile.ExtraRedirectURI), "kept for Deputy's refreshes")
	require.Equal(t, strings.TrimPrefix(srv.URL, "http://"), tok.Extra(oauthfile.ExtraEndpoint))

	// Make the access token stale so the read refreshes on the install
	// host, with the stored redirect URI.
	tok.Expiry = time.Now().Add(-time.Hour)
	require.NoError(t, f.Write(tok))
	a := &fleet.App{Getenv: func(k string) string { return connectEnv[k] }, Redactor: redact.New()}
	c, err := a.StaffReader(context.Background(), config, "north")
	require.NoError(t, err)
	got, err := standin.Collect(context.Background(), c.Read)
	require.NoError(t, err)
	require.Len(t, got, 12)
	require.Equal(t, 1, s.OAuth.Refreshes())
	after, err := f.Read()
	require.NoError(t, err)
	require.NotEqual(t, tok.RefreshToken, after.RefreshToken, "the rotated refresh token was stored")
}

func TestConnectRefusesBadSetups(t *testing.T) {
	t.Parallel()
	config := writeConfig(t, `
organizations:
  - name: north
    deputy: {url: "https://acme.au.deputy.com", token_env: DEPUTY_TOKEN}
  - name: south
    deputy: {url: "https://acme.au.deputy.com", oauth: {client_id_env: NOPE_ID, client_secret_env: NOPE_SECRET, token_file: t.json}}
`)
	f := &fixture{t: t}
	r := f.runWith(nil, "connect", "deputy", "--config", config, "--org", "north", "--redirect-port", fmt.Sprint(freePort(t)))
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "permanent token (token_env)")
	r = f.runWith(nil, "connect", "deputy", "--config", config, "--org", "south", "--redirect-port", fmt.Sprint(freePort(t)))
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "NOPE_ID is not set")
	r = f.runWith(nil, "connect", "deputy", "--config", config, "--org", "west")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, `no organisation "west" (it has north, south)`)
}

func TestHRConfigKeys(t *testing.T) {
	t.Parallel()
	config := writeConfig(t, `
organizations:
  - name: north
    deputy: {url: "https://acme.au.deputy.com", token_env: DEPUTY_TOKEN, oauth: {token_file: x.json}}
`)
	app := &fleet.App{Getenv: func(string) string { return "" }, Redactor: redact.New()}
	_, err := app.StaffReader(context.Background(), config, "north")
	require.ErrorContains(t, err, "needs client_id_env")

	for body, want := range map[string]string{
		"deputy: {url: x, tokn_env: A}":                        `unknown key "tokn_env" under deputy`,
		"deputy: {url: x, oauth: {client_id_env: lower}}":      "is not an environment variable name",
		"employment_hero: [a]":                                 "employment_hero must be a mapping",
		`employment_hero: {organization_id: "${MISSING_VAR}"}`: "MISSING_VAR is not set",
	} {
		_, err := fleet.LoadConfig(writeConfig(t, "organizations:\n  - name: north\n    "+body+"\n"), func(string) string { return "" })
		require.ErrorContains(t, err, want, body)
		require.ErrorContains(t, err, "parchment-sync.yaml:3", "names file and line")
	}
}

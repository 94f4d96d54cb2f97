package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

const sandboxToken = "sandbox-test-token"

// lockedBuffer is a bytes.Buffer the sandbox may write while a test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sandboxEnv is the environment a sandbox test runs under.
func sandboxEnv(k string) string {
	return map[string]string{fleet.EnvToken: sandboxToken}[k]
}

// startSandbox runs the sandbox command in-process on a free port until
// the test ends, and answers its base URL as the first line prints it.
func startSandbox(t *testing.T, args ...string) string {
	t.Helper()
	url, _ := startSandboxOut(t, args...)
	return url
}

// startSandboxOut is startSandbox, also answering what it prints.
func startSandboxOut(t *testing.T, args ...string) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...),
			sandboxEnv, strings.NewReader(""), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			require.Equal(t, ExitOK, code, stderr.String())
		case <-time.After(10 * time.Second):
			t.Error("the sandbox did not stop")
		}
	})
	return standInBase(t, &stdout, &stderr, "Parchment stand-in"), &stdout
}

// standInBase waits for the line where the sandbox prints the stand-in's
// base URL (title as printed) and answers the URL.
func standInBase(t *testing.T, stdout, stderr *lockedBuffer, title string) string {
	t.Helper()
	baseURL := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(title) + ` listening; base URL (http://\S+)\n`)
	var url string
	require.Eventually(t, func() bool {
		if m := baseURL.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			return true
		}
		return false
	}, 10*time.Second, 5*time.Millisecond, "no base URL line: %s", stderr.String())
	return url
}

// sandboxCall sends one call with the static token and decodes the body.
func sandboxCall(t *testing.T, method, url string, body any, header ...string) (int, map[string]any) {
	t.Helper()
	var raw []byte
	if body != nil {
		var err error
		raw, err = json.Marshal(body)
		require.NoError(t, err)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+sandboxToken)
	req.Header.Set("x-organization-secret", parchmenttest.DefaultOrganizationSecret)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func writeSeedFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestSandboxFlagsAreChecked(t *testing.T) {
	t.Parallel()
	bad := writeSeedFile(t, "bad.csv", "organization_id,given_name,family_name,email\norg_1,Ann,Lee,not-an-email\n")
	unknown := writeSeedFile(t, "unknown.csv", "organization_id,given_name,family_name,email,nickname\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--list-shape", "pages"}, `--list-shape must be paged, bare, toplevel, not "pages"`},
		{[]string{"--scope-refusal-status", "402"}, `--scope-refusal-status must be documented, 401, 403, not "402"`},
		{[]string{"--partial-provider-rate", "-0.1"}, "--partial-provider-rate is a fraction from 0 to 1"},
		{[]string{"--partial-provider-hpii-suffix", "95x=not-found"}, `--partial-provider-hpii-suffix "95x=not-found": want 1-16 digits`},
		{[]string{"--partial-provider-hpii-suffix", "9560=missing"}, `then =not-found or =already-exists`},
		{[]string{"--drop-roles", "admin,owner"}, `--drop-roles: "owner" is not a role the roles call accepts`},
		{[]string{"--get-shape", "newest"}, `--get-shape must be details or older, not "newest"`},
		{[]string{"--fail-status", "502"}, "--fail-status must be 500 or 503, not 502"},
		{[]string{"--scopes", "read:user,delete:everything"}, `--scopes: unknown scope "delete:everything"`},
		{[]string{"--scopes", " , "}, "--scopes must name at least one"},
		{[]string{"--fail-rate", "2"}, "--fail-rate"},
		{[]string{"--latency-jitter", "1.5"}, "--latency-jitter are fractions"},
		{[]string{"--burst", "-1"}, "--burst"},
		{[]string{"--seed", filepath.Join(t.TempDir(), "missing.csv")}, "--seed: open"},
		{[]string{"--seed", bad}, `--seed: ` + bad + ` line 2, column 4 "email": "not-an-email" is not an email address`},
		{[]string{"--seed", unknown}, `--seed: ` + unknown + ` line 1, column 5 "nickname": unknown column`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"sandbox", "--addr", "127.0.0.1:0"}, tc.args...),
			sandboxEnv, strings.NewReader(""), &stdout, &stderr)
		require.Equal(t, ExitUsage, code, tc.args)
		require.Contains(t, stderr.String(), tc.want)
		require.Empty(t, stdout.String(), "nothing listened")
	}
}

func TestSandboxServesTheChosenShapesAndScopes(t *testing.T) {
	t.Parallel()
	seed := writeSeedFile(t, "portal.csv", "organization_id,given_name,family_name,email,access_roles,title,disabled\n"+
		"org_1,Sam,Okafor,sam@example.com,receptionist,,false\n"+
		"org_1,Old,Hand,old@example.com,,,true\n")
	base := startSandbox(t, "--seed", seed, "--list-shape", "bare", "--get-shape", "older",
		"--scopes", "create:user,read:user,read:users")

	status, body := sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/users", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "Retrieved 2 users successfully", body["message"])
	users := body["data"].([]any)
	require.Len(t, users, 2)
	first := users[0].(map[string]any)
	require.Equal(t, "sam@example.com", first["email"])

	status, body = sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/users/"+first["user_id"].(string), nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, map[string]any{
		"user_id": first["user_id"], "external_user_id": nil, "email": "sam@example.com",
		"full_name": "Sam Okafor", "access_roles": []any{"receptionist"}, "title": nil,
	}, body["data"])

	status, body = sandboxCall(t, http.MethodPut, base+"/v1/organizations/org_1/users/"+first["user_id"].(string)+"/disable", nil)
	require.Equal(t, http.StatusForbidden, status)
	require.Equal(t, "This operation requires the 'delete:user' scope", body["error"].(map[string]any)["detail"])

	status, body = sandboxCall(t, http.MethodPost, base+"/v1/token",
		map[string]any{"grantType": "client_credentials", "scope": parchmenttest.KnownScopes()},
		"x-partner-id", parchmenttest.DefaultPartnerID, "x-partner-secret", parchmenttest.DefaultPartnerSecret,
		"x-organization-id", "org_1", "x-user-id", "rehearsal")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, []any{"create:user", "read:user", "read:users"}, body["data"].(map[string]any)["scope"])
}

func TestSandboxFailStatus(t *testing.T) {
	t.Parallel()
	base := startSandbox(t, "--fail-rate", "1", "--fail-status", "503")
	status, body := sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/users", nil)
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, "External service temporarily unavailable", body["error"].(map[string]any)["detail"])
}

func TestSandboxDefaults(t *testing.T) {
	t.Parallel()
	base := startSandbox(t)
	status, body := sandboxCall(t, http.MethodGet, base+"/v1/organizations/org_1/users", nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body["data"], "pagination", "paged by default")
	status, body = sandboxCall(t, http.MethodPost, base+"/v1/token",
		map[string]any{"grantType": "client_credentials"},
		"x-partner-id", parchmenttest.DefaultPartnerID, "x-partner-secret", parchmenttest.DefaultPartnerSecret,
		"x-organization-id", "org_1", "x-user-id", "rehearsal")
	require.Equal(t, http.StatusOK, status)
	require.Len(t, body["data"].(map[string]any)["scope"], len(parchmenttest.KnownScopes()), "every scope by default")
}

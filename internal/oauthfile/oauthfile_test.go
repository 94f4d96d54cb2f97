package oauthfile

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// rotatingServer is a token endpoint whose refresh tokens work once: each
// refresh issues a new one and spends the old, as Deputy's and
// Employment Hero's do.
type rotatingServer struct {
	mu        sync.Mutex
	current   string
	n         int
	expiresIn int
	forms     []url.Values
}

func (s *rotatingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm() // a bad form leaves the values empty, which fails below
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forms = append(s.forms, r.PostForm)
	w.Header().Set("Content-Type", "application/json")
	if r.PostForm.Get("client_secret") != "secret" {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client"}`)
		return
	}
	if r.PostForm.Get("refresh_token") != s.current {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"refresh token already used"}`)
		return
	}
	s.n++
	s.current = "refresh-" + strconv.Itoa(s.n)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": "access-" + strconv.Itoa(s.n), "token_type": "bearer",
		"expires_in": s.expiresIn, "refresh_token": s.current,
	})
}

func (s *rotatingServer) state() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current, s.n
}

func startRotating(t *testing.T, expiresIn int) (*rotatingServer, string) {
	t.Helper()
	s := &rotatingServer{current: "refresh-0", expiresIn: expiresIn}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func seedFile(t *testing.T, path string) File {
	t.Helper()
	f := File{Path: path}
	require.NoError(t, f.Write(&oauth2.Token{RefreshToken: "refresh-0"}))
	return f
}

func config(f File, tokenURL, secret string) Config {
	return Config{
		OAuth: &oauth2.Config{ClientID: "client", ClientSecret: secret,
			Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}},
		File: f, Credentials: "HR_CLIENT_ID and HR_CLIENT_SECRET",
	}
}

func TestWriteIsAtomicAndPrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	require.NoError(t, os.WriteFile(path, []byte("{}"), 0o644))
	f := File{Path: path}
	tok := (&oauth2.Token{AccessToken: "a", RefreshToken: "r", Expiry: time.Unix(1e9, 0).UTC()}).
		WithExtra(map[string]any{"endpoint": "acme.au.deputy.com"})
	require.NoError(t, f.Write(tok))

	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "a token file is its owner's alone")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")

	got, err := f.Read()
	require.NoError(t, err)
	require.Equal(t, "r", got.RefreshToken)
	require.True(t, got.Expiry.Equal(tok.Expiry))
	require.Equal(t, "acme.au.deputy.com", got.Extra("endpoint"))
}

func TestReadNamesAMissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "none.json")
	_, err := File{Path: path}.Read()
	require.ErrorIs(t, err, ErrNoToken)
	require.ErrorContains(t, err, path)
}

// Every Token call refreshes (the server's tokens expire within the early
// refresh margin), from several sources at once: a source that refreshed
// with a spent token would fail, and the file must end on the newest.
func TestRotationAcrossSourcesNeverLosesTheNewestToken(t *testing.T) {
	t.Parallel()
	srv, tokenURL := startRotating(t, 1)
	f := seedFile(t, filepath.Join(t.TempDir(), "token.json"))
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		src := NewSource(context.Background(), config(File{Path: f.Path}, tokenURL, "secret"))
		wg.Go(func() {
			if err := tokens(src, 10); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	current, n := srv.state()
	require.Equal(t, 40, n)
	got, err := f.Read()
	require.NoError(t, err)
	require.Equal(t, current, got.RefreshToken)
}

// The same across processes: this test binary runs twice more as a helper.
func TestRotationAcrossProcessesNeverLosesTheNewestToken(t *testing.T) {
	t.Parallel()
	srv, tokenURL := startRotating(t, 1)
	f := seedFile(t, filepath.Join(t.TempDir(), "token.json"))
	var cmds []*exec.Cmd
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "OAUTHFILE_HELPER="+f.Path, "OAUTHFILE_TOKEN_URL="+tokenURL)
		require.NoError(t, cmd.Start())
		cmds = append(cmds, cmd)
	}
	require.NoError(t, tokens(NewSource(context.Background(), config(f, tokenURL, "secret")), 10))
	for _, cmd := range cmds {
		require.NoError(t, cmd.Wait(), "a helper process failed to refresh")
	}
	current, n := srv.state()
	require.Equal(t, 30, n)
	got, err := f.Read()
	require.NoError(t, err)
	require.Equal(t, current, got.RefreshToken)
}

func TestHelperProcess(t *testing.T) {
	path := os.Getenv("OAUTHFILE_HELPER")
	if path == "" {
		t.Skip("run by TestRotationAcrossProcessesNeverLosesTheNewestToken")
	}
	require.NoError(t, tokens(NewSource(context.Background(), config(File{Path: path}, os.Getenv("OAUTHFILE_TOKEN_URL"), "secret")), 10))
}

// tokens asks src for a token n times.
func tokens(src *Source, n int) error {
	for range n {
		if _, err := src.Token(); err != nil {
			return err
		}
	}
	return nil
}

func TestATokenAnotherSourceRefreshedIsUsed(t *testing.T) {
	t.Parallel()
	srv, tokenURL := startRotating(t, 3600)
	f := seedFile(t, filepath.Join(t.TempDir(), "token.json"))
	a := NewSource(context.Background(), config(f, tokenURL, "secret"))
	b := NewSource(context.Background(), config(f, tokenURL, "secret"))
	ta, err := a.Token()
	require.NoError(t, err)
	tb, err := b.Token()
	require.NoError(t, err)
	require.Equal(t, ta.AccessToken, tb.AccessToken)
	_, n := srv.state()
	require.Equal(t, 1, n, "b read a's token from the file instead of refreshing")

	// Once it expires (by b's clock), b refreshes with the file's token.
	b.c.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	tb, err = b.Token()
	require.NoError(t, err)
	require.Equal(t, "access-2", tb.AccessToken)
}

func TestRefusalsNameTheFileOrTheCredentials(t *testing.T) {
	t.Parallel()
	_, tokenURL := startRotating(t, 3600)
	path := filepath.Join(t.TempDir(), "token.json")
	f := File{Path: path}
	require.NoError(t, f.Write(&oauth2.Token{RefreshToken: "spent"}))

	_, err := NewSource(context.Background(), config(f, tokenURL, "secret")).Token()
	require.ErrorIs(t, err, ErrRefused)
	require.ErrorContains(t, err, path)
	require.ErrorContains(t, err, "connect")

	_, err = NewSource(context.Background(), config(f, tokenURL, "wrong")).Token()
	require.ErrorIs(t, err, ErrRefused)
	require.ErrorContains(t, err, "HR_CLIENT_ID and HR_CLIENT_SECRET")
	require.NotContains(t, err.Error(), "wrong")
}

func TestExtraFormValuesGoWithTheRefresh(t *testing.T) {
	t.Parallel()
	srv, tokenURL := startRotating(t, 3600)
	f := seedFile(t, filepath.Join(t.TempDir(), "token.json"))
	c := config(f, tokenURL, "secret")
	c.Extra = url.Values{"scope": {"longlife_refresh_token"}, "redirect_uri": {"http://127.0.0.1:53682/"}}
	_, err := NewSource(context.Background(), c).Token()
	require.NoError(t, err)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	require.Len(t, srv.forms, 1)
	form := srv.forms[0]
	require.Equal(t, "longlife_refresh_token", form.Get("scope"))
	require.Equal(t, "http://127.0.0.1:53682/", form.Get("redirect_uri"))
	require.Equal(t, "refresh_token", form.Get("grant_type"))
}

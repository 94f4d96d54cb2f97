// Package oauthfile keeps an OAuth 2.0 token in a file that several
// processes share: refresh tokens that rotate on every refresh are written
// back at once, atomically and under a lock, so the newest is never lost.
package oauthfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"
)

// File is a token file; its lock file is the same path plus ".lock".
type File struct{ Path string }

// fileToken is the file's JSON.
type fileToken struct {
	AccessToken  string    `json:"access_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry,omitzero"`
	Endpoint     string    `json:"endpoint,omitempty"`
	RedirectURI  string    `json:"redirect_uri,omitempty"`
}

// Extras a file keeps beside the token: the account's host (Deputy's
// token answer names it) and the redirect URI the grant was made with
// (Deputy wants it again with every refresh).
const (
	ExtraEndpoint    = "endpoint"
	ExtraRedirectURI = "redirect_uri"
)

// ErrNoToken is returned by Read for a file that does not exist yet.
var ErrNoToken = errors.New("no token file")

// Read returns the token the file holds, with its extras.
func (f File) Read() (*oauth2.Token, error) {
	data, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("token file %s: %w yet; run parchment-sync connect to create it", f.Path, ErrNoToken)
	}
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	var ft fileToken
	if err := json.Unmarshal(data, &ft); err != nil || ft.RefreshToken == "" {
		return nil, fmt.Errorf("token file %s holds no refresh token", f.Path)
	}
	tok := &oauth2.Token{AccessToken: ft.AccessToken, TokenType: ft.TokenType, RefreshToken: ft.RefreshToken, Expiry: ft.Expiry}
	return tok.WithExtra(map[string]any{ExtraEndpoint: ft.Endpoint, ExtraRedirectURI: ft.RedirectURI}), nil
}

// Write replaces the file with tok in one step (a temporary file in the
// same folder, renamed over it), readable by its owner only: a crash
// leaves the old token or the new one, never half of either.
func (f File) Write(tok *oauth2.Token) error {
	ft := fileToken{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry}
	ft.Endpoint, _ = tok.Extra(ExtraEndpoint).(string)
	ft.RedirectURI, _ = tok.Extra(ExtraRedirectURI).(string)
	data, err := json.MarshalIndent(ft, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.Path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.Path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing token file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("writing token file: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), f.Path)
	}
	if err != nil {
		return fmt.Errorf("writing token file %s: %w", f.Path, err)
	}
	// The rename is durable only once the folder is.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

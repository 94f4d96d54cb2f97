package fleet

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// uiLogin is the basic-auth pair the River UI asks for; nil serves it
// open, which only a loopback address may.
type uiLogin struct{ username, password string }

// uiLoginFor decides how --ui addr is served: River's UI retries and
// cancels jobs, so on any address but loopback it needs a login from
// PARCHMENT_UI_USERNAME and PARCHMENT_UI_PASSWORD. Set on loopback, the
// login is asked for there too. addr is already known to be host:port.
func uiLoginFor(addr string, getenv env) (*uiLogin, error) {
	host, _, _ := net.SplitHostPort(addr)
	user, pass := getenv(EnvUIUsername), getenv(EnvUIPassword)
	switch {
	case user != "" && pass != "":
		return &uiLogin{username: user, password: pass}, nil
	case user != "" || pass != "":
		return nil, fmt.Errorf("--ui: set both %s and %s for the UI's login, or neither", EnvUIUsername, EnvUIPassword)
	case !isLoopback(host):
		return nil, fmt.Errorf("--ui %s is reachable from other machines, and River's UI can retry and cancel jobs: set %s and %s for a login (HTTP basic auth), or serve it on 127.0.0.1", addr, EnvUIUsername, EnvUIPassword)
	}
	return nil, nil
}

// isLoopback reports whether host (from host:port) is this machine only:
// 127.0.0.0/8, ::1 or localhost. An empty host is every interface.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// requireLogin serves next only to requests carrying the login. Both
// sides are hashed first so the constant-time comparison sees equal
// lengths and leaks not even the length of the password.
func requireLogin(next http.Handler, login uiLogin) http.Handler {
	wantUser, wantPass := sha256.Sum256([]byte(login.username)), sha256.Sum256([]byte(login.password))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		gotUser, gotPass := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pass))
		match := subtle.ConstantTimeCompare(gotUser[:], wantUser[:]) & subtle.ConstantTimeCompare(gotPass[:], wantPass[:])
		if !ok || match != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="parchment-sync worker", charset="UTF-8"`)
			http.Error(w, "login required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

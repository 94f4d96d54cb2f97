package ledger

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// errURLForm is every unrecognised URL's error. It never quotes the URL,
// which may hold a password.
var errURLForm = errors.New("ledger: unsupported ledger URL: expected postgres://…, postgresql://…, sqlite:PATH (relative to the working directory, or absolute) or sqlite:///ABSOLUTE/PATH")

// target is a parsed ledger URL: a SQLite file, or else PostgreSQL.
type target struct {
	// sqlitePath is the SQLite file, absolute; empty for PostgreSQL.
	sqlitePath string
}

// parseURL tells the two kinds of ledger apart by scheme. A SQLite path is
// made absolute here, so that every process names the file (and the lock
// files beside it) the same way whatever its working directory.
func parseURL(raw string) (target, error) {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok {
		return target{}, errURLForm
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		if !strings.HasPrefix(rest, "//") {
			return target{}, errURLForm
		}
		return target{}, nil
	case "sqlite":
	default:
		return target{}, errURLForm
	}

	path := rest
	if strings.HasPrefix(rest, "//") {
		u, err := url.Parse(raw)
		if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return target{}, errors.New("ledger: sqlite:// takes an absolute path (sqlite:///var/lib/parchment-sync/ledger.db); use sqlite:PATH for a relative one")
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return target{}, errors.New("ledger: a sqlite: URL takes no parameters")
		}
		path = u.Path
	}
	switch {
	case path == "":
		return target{}, errors.New("ledger: sqlite: needs a file path, as in sqlite:ledger.db")
	case strings.ContainsAny(path, "?#"):
		// SQLite's driver would cut the name at '?' and read the rest as
		// its own settings; refuse rather than open some other file.
		return target{}, errors.New("ledger: a sqlite: URL takes no parameters ('?' or '#' in the path)")
	case strings.HasPrefix(path, "~"):
		// The shell expands ~ only at the start of a word, never after
		// "sqlite:"; a folder named "~" is not what anyone means.
		return target{}, fmt.Errorf("ledger: sqlite: path %s: ~ is not expanded here; give the home folder's path", path)
	case strings.HasSuffix(path, "/"):
		return target{}, fmt.Errorf("ledger: sqlite: path %s names a folder, not a file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return target{}, fmt.Errorf("ledger: sqlite: path %s: %w", path, err)
	}
	return target{sqlitePath: abs}, nil
}

// DefaultURL is the ledger used when none is configured: a SQLite file under
// the XDG state directory, $XDG_STATE_HOME/parchment-sync/ledger.db, or
// ~/.local/state/parchment-sync/ledger.db when XDG_STATE_HOME is unset (or
// relative, which the XDG spec says to ignore). getenv reads the
// environment; tests pass their own.
func DefaultURL(getenv func(string) string) (string, error) {
	if state := getenv("XDG_STATE_HOME"); filepath.IsAbs(state) {
		return "sqlite:" + filepath.Join(state, "parchment-sync", "ledger.db"), nil
	}
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		return "", errors.New("ledger: no default ledger: neither XDG_STATE_HOME nor HOME is set to an absolute path")
	}
	return "sqlite:" + filepath.Join(home, ".local", "state", "parchment-sync", "ledger.db"), nil
}

package ledger

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Exposure is a SQLite ledger's file or folder that other users may read
// or change: the ledger holds staff dates of birth and HPI-Is.
type Exposure struct {
	Problem string // what is wrong, naming the paths and their modes
	Fix     string // the command that fixes it
}

// Exposures lists what of the SQLite ledger at rawURL other users can
// reach: the database, -wal or -shm file readable or writable by group or
// others, or its folder writable by others. A PostgreSQL ledger, or a file
// not created yet, has none. It only stats, so it is safe beside an open
// ledger.
func Exposures(rawURL string) ([]Exposure, error) {
	t, err := parseURL(rawURL)
	if err != nil || t.sqlitePath == "" {
		return nil, err
	}
	path := t.sqlitePath
	if real, err := filepath.EvalSymlinks(path); err == nil {
		// SQLite keeps -wal and -shm beside the file a link points to.
		path = real
	}
	var out []Exposure
	var open, modes []string
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("ledger: sqlite %s: %w", name, err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			open = append(open, shellQuote(name))
			modes = append(modes, fmt.Sprintf("%s is %#o", name, info.Mode().Perm()))
		}
	}
	if info, err := os.Stat(path); err == nil && linkCount(info) > 1 {
		// The run lock follows the file, but SQLite names its -wal and -shm
		// after the name it was given: two runs through two names would
		// keep two logs of one database.
		out = append(out, Exposure{
			Problem: fmt.Sprintf("the ledger %s has %d hard links: SQLite keeps its write-ahead log beside the name it is opened by, so runs through different names could lose each other's changes", path, linkCount(info)),
			Fix:     "remove the other names (find / -samefile " + shellQuote(path) + ") and use one name, or a symbolic link",
		})
	}
	if len(open) > 0 {
		out = append(out, Exposure{
			Problem: "the ledger is open to other users (" + strings.Join(modes, ", ") + "); it holds staff dates of birth and HPI-Is",
			Fix:     "chmod 600 " + strings.Join(open, " "),
		})
	}
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm()&0o002 == 0 {
		// A missing folder is created 0700 by the first run.
		return out, nil
	}
	e := Exposure{Problem: fmt.Sprintf("the ledger's folder %s is writable by others (%#o): they could replace or delete the ledger", dir, info.Mode().Perm()),
		Fix: "chmod o-w " + shellQuote(dir)}
	if info.Mode()&fs.ModeSticky != 0 {
		// A shared folder such as /tmp: taking its write bit would break
		// everyone else's use of it.
		e.Fix = "move the ledger to a folder of its own (mkdir -m 700 DIR) and point --ledger at it"
	}
	return append(out, e), nil
}

// shellQuote quotes a path for a shell command line, for paths with spaces
// or quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:@,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

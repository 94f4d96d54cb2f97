//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package ledger

import (
	"errors"
	"os"
)

// tryFlock is flock_unix.go's, for systems without flock(2): the SQLite
// ledger's run lock needs a lock the kernel drops with a dead process, so
// it refuses rather than run unlocked.
func tryFlock(*os.File) (bool, error) {
	return false, errors.New("the SQLite ledger's run lock needs flock(2), which this system lacks")
}

//go:build !linux

package ledger

import (
	"errors"
	"os"
)

// errNoByteLocks is bytelock_linux.go's refusal elsewhere: the SQLite
// ledger's run lock needs open file description locks (a lock per byte of
// the database file that closing another descriptor doesn't drop), and
// classic fcntl locks would be dropped by SQLite's own unlocking. It refuses
// rather than run unlocked.
var errNoByteLocks = errors.New("the SQLite ledger's run lock needs Linux (open file description locks); use a PostgreSQL ledger on this system")

func tryLockByte(*os.File, int64) (bool, error) { return false, errNoByteLocks }

func unlockByte(*os.File, int64) error { return errNoByteLocks }

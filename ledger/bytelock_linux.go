package ledger

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// tryLockByte takes an exclusive open file description lock on the one
// byte at off of f, without waiting, and reports whether it got it.
//
// Open file description (OFD) locks, not flock(2) nor classic fcntl locks:
// they cover a byte range, so one file carries a lock per organisation; they
// belong to the open of f, so they hold against every other open of the
// file, by another process or by a separate open in this one; and, unlike
// the classic locks SQLite takes on the same file, closing some other
// descriptor of the file or SQLite's whole-file unlock never drops them.
// The kernel drops them when f's last descriptor closes, however the
// process ends.
func tryLockByte(f *os.File, off int64) (bool, error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart, Start: off, Len: 1}
	for {
		err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EACCES):
			return false, nil
		case errors.Is(err, unix.EINTR):
			continue
		}
		return false, err
	}
}

// unlockByte releases tryLockByte's lock on the byte at off of f.
func unlockByte(f *os.File, off int64) error {
	lk := unix.Flock_t{Type: unix.F_UNLCK, Whence: io.SeekStart, Start: off, Len: 1}
	for {
		err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

//go:build unix

package oauthfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// lockPoll is how often a waiting process tries the lock again; a holder
// keeps it for one token request.
const lockPoll = 20 * time.Millisecond

// Locked runs fn holding an exclusive flock on the lock file beside the
// token file. The lock file is never removed: removing it would let two
// processes lock different files of the same name.
func (f File) Locked(ctx context.Context, fn func() error) error {
	lf, err := os.OpenFile(f.Path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("token lock file: %w", err)
	}
	defer lf.Close()
	for {
		err := unix.Flock(int(lf.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("locking %s.lock: %w", f.Path, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(lockPoll):
		}
	}
	defer unix.Flock(int(lf.Fd()), unix.LOCK_UN) //nolint:errcheck // closing unlocks too
	return fn()
}

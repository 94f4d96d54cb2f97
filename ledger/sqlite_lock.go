package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Lock takes the organisation's run lock: flock(2) on a file of its own in
// the lock folder beside the database. It doesn't wait; when another run
// (in this process or another) holds it, it returns an error wrapping
// psync.ErrLocked. The kernel drops the lock with the process, however it
// ends.
func (s *SQLite) Lock(ctx context.Context, organizationID string) (func(context.Context) error, error) {
	if organizationID == "" {
		return nil, errEmptyOrganization
	}
	return s.lockOrganizations(ctx, []string{organizationID})
}

// lockOrganizations takes the run locks of every organisation in ids, all or
// none, for Copy.
func (s *SQLite) lockOrganizations(_ context.Context, ids []string) (func(context.Context) error, error) {
	l := &fileLock{owner: s}
	for _, id := range ids {
		f, err := s.tryLockFile(runLockName(id), id)
		if err != nil {
			l.release()
			return nil, fmt.Errorf("ledger: lock %s: %w", id, err)
		}
		l.files = append(l.files, f)
		l.organizationIDs = append(l.organizationIDs, id)
	}
	s.mu.Lock()
	s.held[l] = struct{}{}
	s.mu.Unlock()
	return l.unlock, nil
}

// runLockName names an organisation's lock file by a hash of its id: ids
// may hold '/' or be too long for a file name, and two ids differing only
// in case would share a file on a case-insensitive file system.
func runLockName(organizationID string) string {
	sum := sha256.Sum256([]byte("parchment-sync run " + organizationID))
	return "run-" + hex.EncodeToString(sum[:16]) + ".lock"
}

// tryLockFile opens (creating) and flocks the lock file name, returning it
// open; psync.ErrLocked when another open of it holds the lock. The file is
// never deleted: a process could lock a file another just unlinked, and
// two runs would each hold "the" lock.
func (s *SQLite) tryLockFile(name, holder string) (*os.File, error) {
	// Someone may have cleared the folder since Open.
	if err := os.MkdirAll(s.locks, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(s.locks, name), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	locked, err := tryFlock(f)
	if err != nil || !locked {
		_ = f.Close()
		if err == nil {
			err = psync.ErrLocked
		}
		return nil, err
	}
	// Say whose lock it is, for a person looking at the folder; the lock
	// doesn't depend on it, so failing to write is no failure.
	if f.Truncate(0) == nil {
		_, _ = fmt.Fprintf(f, "%s\npid %d\n", holder, os.Getpid())
	}
	return f, nil
}

// schemaLockName is the lock file serialising opening and migrating.
const schemaLockName = "schema.lock"

// schemaLockTimeout bounds waiting for another process to finish opening
// the file: it takes milliseconds, so a longer wait means it is stuck.
const schemaLockTimeout = time.Minute

// schemaLockPoll is how often a waiting Open retries the schema lock;
// flock(2) cannot wait with a deadline, so it is polled.
const schemaLockPoll = 10 * time.Millisecond

// lockSchema waits for the schema lock and returns its release.
func (s *SQLite) lockSchema(ctx context.Context) (func(), error) {
	ctx, cancel := context.WithTimeout(ctx, schemaLockTimeout)
	defer cancel()
	for {
		f, err := s.tryLockFile(schemaLockName, "opening or migrating the ledger")
		if err == nil {
			return func() { _ = f.Close() }, nil
		}
		if !errors.Is(err, psync.ErrLocked) {
			return nil, fmt.Errorf("%w: sqlite %s: schema lock: %w", ErrUnreachable, s.path, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("ledger: sqlite %s: waiting for another process to finish migrating: %w", s.path, ctx.Err())
		case <-time.After(schemaLockPoll):
		}
	}
}

// fileLock is one Lock's held files. They are closed, which releases
// them, exactly once, through unlock or abandon.
type fileLock struct {
	owner           *SQLite
	files           []*os.File
	organizationIDs []string
	once            sync.Once
}

// unlock releases the locks. Calls after the first do nothing.
func (l *fileLock) unlock(context.Context) error {
	var err error
	l.once.Do(func() {
		defer l.forget()
		err = l.release()
	})
	return err
}

// release closes the files; closing drops the locks even if it reports an
// error.
func (l *fileLock) release() error {
	var errs []error
	for _, f := range l.files {
		errs = append(errs, f.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ledger: unlock %s: %w", strings.Join(l.organizationIDs, ", "), err)
	}
	return nil
}

// abandon releases the locks at Close.
func (l *fileLock) abandon() {
	l.once.Do(func() {
		defer l.forget()
		l.owner.logger.Warn("ledger: run lock still held at close; dropping it",
			"organization_id", strings.Join(l.organizationIDs, ", "))
		_ = l.release()
	})
}

func (l *fileLock) forget() {
	l.owner.mu.Lock()
	delete(l.owner.held, l)
	l.owner.mu.Unlock()
}

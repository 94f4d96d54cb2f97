package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Lock takes the organisation's run lock: a lock on a byte of the database
// file of its own (sqlite_file.go), so every name of the file shares it. It
// doesn't wait; when another run (in this process or another) holds it, it
// returns an error wrapping psync.ErrLocked. The kernel drops the lock with
// the process, however it ends.
func (s *SQLite) Lock(ctx context.Context, organizationID string) (func(context.Context) error, error) {
	if organizationID == "" {
		return nil, errEmptyOrganization
	}
	if s.readOnly {
		return nil, errReadOnly
	}
	return s.lockOrganizations(ctx, []string{organizationID})
}

// lockOrganizations takes the run locks of every organisation in ids, all or
// none, for Copy.
func (s *SQLite) lockOrganizations(_ context.Context, ids []string) (func(context.Context) error, error) {
	l := &fileLock{owner: s}
	for _, id := range ids {
		off := runLockByte(id)
		if err := openLedgerFiles.tryLock(s.file, off); err != nil {
			_ = l.release()
			return nil, fmt.Errorf("ledger: lock %s: %w", id, err)
		}
		l.bytes = append(l.bytes, off)
		l.organizationIDs = append(l.organizationIDs, id)
	}
	s.mu.Lock()
	s.held[l] = struct{}{}
	s.mu.Unlock()
	return l.unlock, nil
}

// schemaLockTimeout bounds waiting for another process to finish opening
// the file: it takes milliseconds, so a longer wait means it is stuck.
const schemaLockTimeout = time.Minute

// schemaLockPoll is how often a waiting Open retries the schema lock; a
// byte lock cannot wait with a deadline, so it is polled.
const schemaLockPoll = 10 * time.Millisecond

// lockSchema waits for the schema lock, which serialises opening and
// migrating, and returns its release.
func (s *SQLite) lockSchema(ctx context.Context) (func(), error) {
	ctx, cancel := context.WithTimeout(ctx, schemaLockTimeout)
	defer cancel()
	for {
		err := openLedgerFiles.tryLock(s.file, schemaLockByte)
		if err == nil {
			return func() { _ = openLedgerFiles.unlock(s.file, schemaLockByte) }, nil
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

// fileLock is one Lock's held bytes. They are released exactly once,
// through unlock or abandon.
type fileLock struct {
	owner           *SQLite
	bytes           []int64
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

// release unlocks the bytes; one that fails to unlock stays locked until
// the ledger's last handle in this process closes.
func (l *fileLock) release() error {
	var errs []error
	for _, off := range l.bytes {
		errs = append(errs, openLedgerFiles.unlock(l.owner.file, off))
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

package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// lock takes a lock on a byte of the database file per organisation
// (sqlite_file.go), so every name of the file shares it. The kernel drops
// the locks with the process, however it ends.
func (d *sqliteDialect) lock(_ context.Context, ids []string) (heldLocks, error) {
	l := &byteLocks{file: d.file}
	for _, id := range ids {
		off := runLockByte(id)
		if err := openLedgerFiles.tryLock(d.file, off); err != nil {
			_ = l.unlock(context.Background())
			return nil, fmt.Errorf("ledger: lock %s: %w", id, err)
		}
		l.bytes = append(l.bytes, off)
		l.organizationIDs = append(l.organizationIDs, id)
	}
	return l, nil
}

// byteLocks are one lock's held bytes.
type byteLocks struct {
	file            *ledgerFile
	bytes           []int64
	organizationIDs []string
}

// unlock releases the bytes; one that fails to unlock stays locked until
// the ledger's last handle in this process closes.
func (l *byteLocks) unlock(context.Context) error {
	var errs []error
	for _, off := range l.bytes {
		errs = append(errs, openLedgerFiles.unlock(l.file, off))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ledger: unlock %s: %w", strings.Join(l.organizationIDs, ", "), err)
	}
	return nil
}

func (l *byteLocks) drop() { _ = l.unlock(context.Background()) }

// schemaLockTimeout bounds waiting for another process to finish opening
// the file: it takes milliseconds, so a longer wait means it is stuck.
const schemaLockTimeout = time.Minute

// schemaLockPoll is how often a waiting Open retries the schema lock; a
// byte lock cannot wait with a deadline, so it is polled.
const schemaLockPoll = 10 * time.Millisecond

// lockSchema waits for the schema lock, which serialises opening and
// migrating, and returns its release.
func (d *sqliteDialect) lockSchema(ctx context.Context) (func(), error) {
	ctx, cancel := context.WithTimeout(ctx, schemaLockTimeout)
	defer cancel()
	for {
		err := openLedgerFiles.tryLock(d.file, schemaLockByte)
		if err == nil {
			return func() { _ = openLedgerFiles.unlock(d.file, schemaLockByte) }, nil
		}
		if !errors.Is(err, psync.ErrLocked) {
			return nil, fmt.Errorf("%w: sqlite %s: schema lock: %w", ErrUnreachable, d.path, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("ledger: sqlite %s: waiting for another process to finish migrating: %w", d.path, ctx.Err())
		case <-time.After(schemaLockPoll):
		}
	}
}

package ledger

import (
	"context"
	"strings"
	"sync"
)

// Lock takes the organisation's run lock. It doesn't wait: when another run
// (in this process or another) holds it, it returns an error wrapping
// psync.ErrLocked. Should the process die, the lock goes with it:
// PostgreSQL's is a session advisory lock on a connection kept out of the
// pool until unlock; SQLite's a lock on a byte of the database file of the
// organisation's own (sqlite_file.go), which every name of the file
// shares.
func (s *Store) Lock(ctx context.Context, organizationID string) (func(context.Context) error, error) {
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
func (s *Store) lockOrganizations(ctx context.Context, ids []string) (func(context.Context) error, error) {
	held, err := s.dialect.lock(ctx, ids)
	if err != nil {
		return nil, err
	}
	l := &runLock{owner: s, held: held, organizationIDs: ids}
	s.mu.Lock()
	s.held[l] = struct{}{}
	s.mu.Unlock()
	return l.unlock, nil
}

// runLock is one Lock's held locks. They are given back exactly once,
// through unlock or abandon.
type runLock struct {
	owner           *Store
	held            heldLocks
	organizationIDs []string
	once            sync.Once
}

// unlock releases the locks. Calls after the first do nothing.
func (l *runLock) unlock(ctx context.Context) error {
	var err error
	l.once.Do(func() {
		defer l.forget()
		err = l.held.unlock(ctx)
	})
	return err
}

// abandon drops the locks at Close.
func (l *runLock) abandon() {
	l.once.Do(func() {
		defer l.forget()
		l.owner.logger.Warn("ledger: run lock still held at close; dropping it",
			"organization_id", strings.Join(l.organizationIDs, ", "))
		l.held.drop()
	})
}

func (l *runLock) forget() {
	l.owner.mu.Lock()
	delete(l.owner.held, l)
	l.owner.mu.Unlock()
}

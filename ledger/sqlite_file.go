package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"sync"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// A SQLite ledger's locks are byte locks (bytelock_linux.go) on the
// database file itself, so they key on the file, not on the name it was
// reached by: a symbolic link, a hard link or another spelling of the path
// all meet the same locks. The bytes are far past SQLite's own lock bytes
// (around 1 GiB) and past any data; a lock needs no byte to exist.
const (
	schemaLockByte = int64(1) << 62
	runLockBase    = schemaLockByte + 1
)

// runLockByte is an organisation's lock byte, from a hash of its id: 56
// bits make two organisations sharing a byte (they would only wait for
// each other) vanishingly unlikely.
func runLockByte(organizationID string) int64 {
	sum := sha256.Sum256([]byte("parchment-sync run " + organizationID))
	return runLockBase + int64(binary.BigEndian.Uint64(sum[:8])>>8)
}

// openLedgerFiles is this process's one open descriptor per SQLite ledger
// file, shared by every handle on the file whatever name it was opened by.
//
// It is process-wide because the hazard it guards is: SQLite takes classic
// fcntl locks on the database file, and closing any descriptor of a file
// drops all of the process's classic locks on it. So this package opens
// the file once, before SQLite first opens it, and closes that descriptor
// only when the last handle on the file has closed its SQLite connections.
// No other descriptor of the file is ever closed while SQLite may hold it
// (a stat by name opens nothing). Two handles with descriptors of their own
// would break that as soon as one closed; SQLite keeps a process-wide table
// of open files for the same reason.
var openLedgerFiles = &ledgerFiles{}

type ledgerFiles struct {
	mu    sync.Mutex
	files []*ledgerFile // few: one per ledger file open at once
}

// ledgerFile is one database file's shared descriptor and the lock bytes
// this process holds on it. Handles in one process share the descriptor,
// so its byte locks don't exclude them from each other: held does.
type ledgerFile struct {
	// name is the path the file was first opened by here, which every
	// handle gives SQLite: SQLite names the write-ahead log after the path
	// it is given, and handles in one process must share one log.
	name  string
	info  os.FileInfo
	file  *os.File
	extra []*os.File // opened in a race with a rename; closed with file
	refs  int
	held  map[int64]struct{}
}

// acquire returns the shared descriptor of the file at path, opening
// (creating, 0600) it when this process has none. Each acquire is paired
// with one release, after the caller's SQLite connections are closed.
func (r *ledgerFiles) acquire(path string) (*ledgerFile, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if info, err := os.Stat(path); err == nil {
		if lf := r.find(info); lf != nil {
			lf.refs++
			return lf, nil
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	if lf := r.find(info); lf != nil {
		// The name was pointed at an open ledger between the Stat and the
		// open: closing this descriptor now would drop SQLite's locks.
		lf.extra = append(lf.extra, f)
		lf.refs++
		return lf, nil
	}
	if !info.Mode().IsRegular() {
		// Not a file this process has open, so closing drops nothing.
		_ = f.Close()
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	lf := &ledgerFile{name: path, info: info, file: f, refs: 1, held: make(map[int64]struct{})}
	r.files = append(r.files, lf)
	return lf, nil
}

func (r *ledgerFiles) find(info os.FileInfo) *ledgerFile {
	for _, lf := range r.files {
		if os.SameFile(lf.info, info) {
			return lf
		}
	}
	return nil
}

// release gives back one acquire. The last closes the descriptors, which
// drops any byte lock still held.
func (r *ledgerFiles) release(lf *ledgerFile) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	lf.refs--
	if lf.refs > 0 {
		return nil
	}
	for i, other := range r.files {
		if other == lf {
			r.files = append(r.files[:i], r.files[i+1:]...)
			break
		}
	}
	err := lf.file.Close()
	for _, f := range lf.extra {
		_ = f.Close()
	}
	return err
}

// tryLock takes the lock byte off for this process, or reports
// psync.ErrLocked when a handle here or another process holds it.
func (r *ledgerFiles) tryLock(lf *ledgerFile, off int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := lf.held[off]; ok {
		return psync.ErrLocked
	}
	locked, err := tryLockByte(lf.file, off)
	if err != nil {
		return err
	}
	if !locked {
		return psync.ErrLocked
	}
	lf.held[off] = struct{}{}
	return nil
}

// unlock releases tryLock's byte. A failed unlock leaves the byte marked
// held, as the kernel may still hold it, until the descriptor closes.
func (r *ledgerFiles) unlock(lf *ledgerFile, off int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := unlockByte(lf.file, off); err != nil {
		return err
	}
	delete(lf.held, off)
	return nil
}

package ledger

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// lockHolderEnv makes the test binary a process that holds a SQLite
// ledger's run lock until killed, for the cross-process lock test. Its
// value is "PATH ORGANIZATION".
const lockHolderEnv = "PARCHMENT_LEDGER_TEST_HOLD_LOCK"

func TestMain(m *testing.M) {
	if v := os.Getenv(lockHolderEnv); v != "" {
		os.Exit(holdLock(v))
	}
	os.Exit(m.Run())
}

// holdLock takes the lock, says so on stdout, and waits to be killed.
func holdLock(spec string) int {
	var path, organizationID string
	if _, err := fmt.Sscanf(spec, "%s %s", &path, &organizationID); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	store, err := OpenSQLite(context.Background(), path, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := store.Lock(context.Background(), organizationID); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	time.Sleep(time.Hour)
	return 0
}

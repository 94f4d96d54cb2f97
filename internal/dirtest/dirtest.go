// Package dirtest prepares folders for tests.
package dirtest

import (
	"os"
	"os/exec"
	"testing"
)

// ReadOnly makes dir unwritable for this process, root included (root
// ignores modes, so the folder is made immutable instead), and writable
// again when the test ends. It skips the test where neither is possible.
func ReadOnly(t testing.TB, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
		return
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot make a folder read-only for root here: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", dir).Run() })
}

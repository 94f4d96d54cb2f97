package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: the test reads what a terminal would
// show from master; the code under test writes to tty as to stderr.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0), "unlockpt")
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	require.NoError(t, err, "ptsname")
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	require.NoError(t, unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 60}))
	return master, tty
}

// A real terminal: stderr is detected as one, the bars take its width,
// log lines land above them, and after Close only the log line and the
// report written next remain.
func TestProgressOnAPseudoTerminal(t *testing.T) {
	t.Parallel()
	master, tty := openPTY(t)
	require.True(t, isTerminal(tty))

	var shown bytes.Buffer
	var reading sync.WaitGroup
	reading.Go(func() {
		_, err := io.Copy(&shown, master)
		// Linux answers EIO once the terminal's last user closed it.
		if err != nil && !errors.Is(err, syscall.EIO) {
			t.Errorf("read pty: %v", err)
		}
	})

	d := newProgressDisplay(tty, isTerminal(tty))
	runBars(t, d, "token renewed")
	d.Close()
	fmt.Fprintln(tty, "apply organization north (run 7): done") // the report, on the same terminal
	require.NoError(t, tty.Close())
	reading.Wait()

	out := shown.String()
	require.Contains(t, out, "16 / 20", "the bars were drawn")
	final := screen(t, out)
	require.Len(t, final, 2, "%q", final)
	require.Contains(t, final[0], `level=INFO msg="token renewed" organization=north`)
	require.Equal(t, "apply organization north (run 7): done", final[1])

	// The bars fit the terminal's 60 columns (a wrapped row would be
	// erased only in part).
	live := screen(t, out[:bytes.LastIndex(shown.Bytes(), []byte("\x1b["))])
	require.Len(t, live, 3, "%q", live)
	t.Logf("the display before Close:\n%s", strings.Join(live, "\n"))
	for _, l := range live[1:] {
		require.LessOrEqual(t, len([]rune(l)), 60, "%q", l)
	}
}

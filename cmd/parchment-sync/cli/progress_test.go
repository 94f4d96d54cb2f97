package cli

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// screen plays output on a minimal terminal (printable text, CR, LF,
// cursor up, erase below) and returns the lines left on it, trailing
// blanks trimmed.
func screen(t *testing.T, out string) []string {
	t.Helper()
	var lines [][]rune
	row, col := 0, 0
	esc := regexp.MustCompile(`^\x1b\[(\d*)([A-Za-z])`)
	for i := 0; i < len(out); {
		for len(lines) <= row {
			lines = append(lines, nil)
		}
		if m := esc.FindStringSubmatch(out[i:]); m != nil {
			n := 1
			if m[1] != "" {
				n, _ = strconv.Atoi(m[1])
			}
			switch m[2] {
			case "A":
				row = max(row-n, 0)
			case "J":
				lines[row] = lines[row][:min(col, len(lines[row]))]
				lines = lines[:row+1]
			case "K":
				lines[row] = lines[row][:min(col, len(lines[row]))]
			default:
				t.Fatalf("unexpected escape %q", m[0])
			}
			i += len(m[0])
			continue
		}
		r, size := []rune(out[i:])[0], len(string([]rune(out[i:])[0]))
		i += size
		switch r {
		case '\r':
			col = 0
		case '\n':
			row, col = row+1, 0
		case '\x1b':
			t.Fatalf("unexpected escape at %q", out[i-1:min(len(out), i+10)])
		default:
			for len(lines[row]) <= col {
				lines[row] = append(lines[row], ' ')
			}
			lines[row][col] = r
			col++
		}
	}
	var got []string
	for _, l := range lines {
		got = append(got, strings.TrimRight(string(l), " "))
	}
	for len(got) > 0 && got[len(got)-1] == "" {
		got = got[:len(got)-1]
	}
	return got
}

// safeBuffer is a terminal's output as the test sees it.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runBars drives the display as runJobs would: organisations in
// parallel, decisions done concurrently, a log line while bars are up.
func runBars(t *testing.T, d *progressDisplay, logLine string) {
	t.Helper()
	logger, err := newLogger(d.Writer(), "info", "text", true)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i, name := range []string{"north", "south"} {
		bar := d.Bar(name)
		wg.Go(func() {
			bar.Start(10 * (i + 1))
			var workers sync.WaitGroup
			for range 4 {
				workers.Go(func() {
					for range 2 + 2*i {
						bar.Done(psync.ActionCreate)
					}
				})
			}
			workers.Wait()
		})
	}
	wg.Wait()
	// Bars are drawn every 150 ms: let them show, log, let them show again.
	time.Sleep(400 * time.Millisecond)
	logger.Info(logLine, "organization", "north")
	time.Sleep(400 * time.Millisecond)
}

func TestProgressDrawsThenLeavesNothing(t *testing.T) {
	t.Parallel()
	var out safeBuffer
	d := newProgressDisplay(&out, true)
	runBars(t, d, "retrying after 429")

	live := screen(t, out.String())
	require.Len(t, live, 3, "%q", live)
	require.Contains(t, live[0], `msg="retrying after 429" organization=north`)
	require.Regexp(t, `^north +\[=+>?-*\] +8 / 10 `, live[1])
	require.Regexp(t, `^south +\[=+>?-*\] +16 / 20 .*/s`, live[2])
	require.Contains(t, live[1], "ETA")

	d.Close()
	d.Close() // twice is harmless
	require.Equal(t, []string{live[0]}, screen(t, out.String()), "only the log line stays")

	// After Close bars do nothing and log lines go straight out.
	bar := d.Bar("late")
	bar.Start(3)
	bar.Done(psync.ActionUpdate)
	fmt.Fprintln(d.Writer(), "after")
	require.Equal(t, []string{live[0], "after"}, screen(t, out.String()))
}

func TestProgressCompletedBarsStayUntilClose(t *testing.T) {
	t.Parallel()
	var out safeBuffer
	d := newProgressDisplay(&out, true)
	bar := d.Bar("an organisation with a very long name indeed")
	bar.Start(2)
	bar.Done(psync.ActionCreate)
	bar.Done(psync.ActionUnchanged)
	time.Sleep(400 * time.Millisecond)
	live := screen(t, out.String())
	require.Len(t, live, 1)
	require.Regexp(t, `^an organisation with a …  \[=+\] +2 / 2 .*done$`, live[0])
	d.Close()
	require.Empty(t, screen(t, out.String()))
}

// A run that failed before Start, or stopped half way, must not hold up
// Close, nor leave its bar.
func TestProgressCloseDropsUnfinishedBars(t *testing.T) {
	t.Parallel()
	var out safeBuffer
	d := newProgressDisplay(&out, true)
	d.Bar("never-started")
	half := d.Bar("half")
	half.Start(4)
	half.Done(psync.ActionCreate)
	empty := d.Bar("empty")
	empty.Start(0)
	time.Sleep(300 * time.Millisecond)
	require.Len(t, screen(t, out.String()), 1)

	closed := make(chan struct{})
	go func() { d.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on unfinished bars")
	}
	require.Empty(t, screen(t, out.String()))
}

func TestProgressNothingWhenNotATerminal(t *testing.T) {
	t.Parallel()
	var out safeBuffer
	d := newProgressDisplay(&out, false)
	require.Same(t, &out, d.Writer(), "logs go to stderr as they are")
	runBars(t, d, "retrying after 429")
	d.Close()
	require.Regexp(t, `^time=\S+ level=INFO msg="retrying after 429" organization=north\n$`, out.String())
}

func TestScreenEmulator(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"log", "bar"}, screen(t, "bar1\nbar2\n\x1b[2A\x1b[Jlog\nbar\n"))
	require.Equal(t, []string{"ab"}, screen(t, "xyz\r\nq\r\x1b[1A\x1b[Jab\r\n"))
}

package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// progressConsole is the terminal as mpb sees it. It remembers the frame
// on screen, so that a log line can take the bars' place (they are drawn
// again below it) and clear can erase exactly what is there.
type progressConsole struct {
	out io.Writer
	fd  int // -1 when out is no file

	// frame is being composed by mpb, in mpb's goroutine only.
	frame bytes.Buffer

	mu    sync.Mutex
	shown []byte // the frame on screen
	lines int    // how many lines it holds
	done  bool   // cleared for good: log lines go straight out
}

func newProgressConsole(out io.Writer) *progressConsole {
	c := &progressConsole{out: out, fd: -1}
	if f, ok := out.(*os.File); ok {
		c.fd = int(f.Fd())
	}
	return c
}

func (c *progressConsole) Write(p []byte) (int, error)         { return c.frame.Write(p) }
func (c *progressConsole) ReadFrom(r io.Reader) (int64, error) { return c.frame.ReadFrom(r) }
func (c *progressConsole) IsTerminal() bool                    { return true }

// GetTermSize falls back to 80×24: an error here would stop mpb drawing.
func (c *progressConsole) GetTermSize() (width, height int, err error) {
	if c.fd >= 0 {
		if w, h, err := term.GetSize(c.fd); err == nil && w > 0 && h > 0 {
			return w, h, nil
		}
	}
	return 80, 24, nil
}

// Flush replaces the frame on screen with the one composed. The lines are
// counted here rather than taken from mpb, so that erasing matches what
// was written.
func (c *progressConsole) Flush(int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	next := bytes.Clone(c.frame.Bytes())
	c.frame.Reset()
	if c.done {
		return nil
	}
	var b bytes.Buffer
	c.erase(&b)
	b.Write(next)
	c.shown, c.lines = next, bytes.Count(next, []byte("\n"))
	return c.write(b.Bytes())
}

// log prints p (whole lines) above the bars.
func (c *progressConsole) log(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return c.out.Write(p)
	}
	var b bytes.Buffer
	c.erase(&b)
	b.Write(p)
	b.Write(c.shown)
	if err := c.write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// clear erases the bars for good.
func (c *progressConsole) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b bytes.Buffer
	c.erase(&b)
	_ = c.write(b.Bytes()) // nothing to be done about a terminal gone
	c.shown, c.lines, c.done = nil, 0, true
}

// erase moves the cursor up over the frame on screen and clears to the
// end of the screen.
func (c *progressConsole) erase(b *bytes.Buffer) {
	if c.lines > 0 {
		fmt.Fprintf(b, "\x1b[%dA\x1b[J", c.lines)
	}
}

// write sends b in one write, so that nothing interleaves with it.
func (c *progressConsole) write(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	_, err := c.out.Write(b)
	return err
}

// progressLogWriter is the display's Writer while it may be drawing.
type progressLogWriter struct{ c *progressConsole }

func (w progressLogWriter) Write(p []byte) (int, error) { return w.c.log(p) }

package cli

import (
	"io"
	"sync"
	"sync/atomic"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// progressDisplay shows one bar per organisation on stderr while runs go
// on, and nothing at all when stderr is not a terminal: a scheduler's log
// must not fill with redraws. Close erases every bar, so the report that
// follows on stdout starts on a clean screen.
type progressDisplay struct {
	out io.Writer
	// console and bars are nil when out is not a terminal.
	console *progressConsole
	bars    *mpb.Progress

	mu     sync.Mutex
	orgs   []*orgBar
	closed bool
}

// newProgressDisplay draws on w when isTerminal (say isTerminal(stderr));
// otherwise its bars do nothing and its Writer is w itself.
func newProgressDisplay(w io.Writer, isTerminal bool) *progressDisplay {
	d := &progressDisplay{out: w}
	if !isTerminal {
		return d
	}
	d.console = newProgressConsole(w)
	d.bars = mpb.New(mpb.WithConsoleWriter(d.console), mpb.WithWidth(progressBarWidth))
	return d
}

const (
	progressBarWidth = 40
	// progressNameWidth keeps a row within the terminal: a wrapped row
	// would be erased only in part.
	progressNameWidth = 24
)

// Writer is where log lines go while the display is up: each line is
// printed above the bars, which are then drawn again below it.
func (d *progressDisplay) Writer() io.Writer {
	if d.console == nil {
		return d.out
	}
	return progressLogWriter{d.console}
}

// Bar is one organisation's bar, shown from its Start on. Its name is the
// organisation's (the config file's name, or the organisation id).
func (d *progressDisplay) Bar(name string) psync.Progress {
	if d.bars == nil {
		return noBar{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	b := &orgBar{d: d, name: shorten(name, progressNameWidth), priority: len(d.orgs)}
	d.orgs = append(d.orgs, b)
	return b
}

// Close stops the display and erases it. Bars still running (a run that
// failed or never started) are dropped. Safe to call more than once;
// Start and Done after Close do nothing.
func (d *progressDisplay) Close() {
	if d.bars == nil {
		return
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	for _, b := range d.orgs {
		if bar := b.bar.Load(); bar != nil {
			bar.Abort(true)
		}
	}
	d.mu.Unlock()
	d.bars.Wait()
	d.console.clear()
}

// orgBar is psync.Progress for one organisation. Its mpb bar exists from
// Start on: before that the total is unknown, and a run that never starts
// shows nothing.
type orgBar struct {
	d        *progressDisplay
	name     string
	priority int
	bar      atomic.Pointer[mpb.Bar]
}

func (b *orgBar) Start(total int) {
	b.d.mu.Lock()
	defer b.d.mu.Unlock()
	if b.d.closed {
		return
	}
	if old := b.bar.Load(); old != nil {
		old.Abort(true)
	}
	if total <= 0 {
		// Nothing to decide: no bar (mpb would wait for a total forever).
		b.bar.Store(nil)
		return
	}
	b.bar.Store(b.d.bars.New(int64(total), mpb.BarStyle(),
		mpb.BarPriority(b.priority),
		mpb.PrependDecorators(decor.Name(b.name, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(
			decor.CountersNoUnit("%d / %d", decor.WCSyncWidth),
			decor.AverageSpeed(0, "%.1f/s", decor.WCSyncSpace),
			decor.OnComplete(decor.Name(" ETA "), " "),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncWidth), "done"),
		),
	))
}

func (b *orgBar) Done(psync.Action) {
	if bar := b.bar.Load(); bar != nil {
		bar.Increment()
	}
}

// noBar is the progress of a run nobody watches.
type noBar struct{}

func (noBar) Start(int)         {}
func (noBar) Done(psync.Action) {}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

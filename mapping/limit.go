package mapping

import "io"

// Bounds that keep memory flat whatever the input: no real roster cell comes
// near them, while a binary file or a quote that is never closed would
// otherwise make encoding/csv buffer the whole input as one record.
const (
	// MaxCellBytes bounds one value from any source.
	MaxCellBytes   = 64 << 10
	maxRecordBytes = 128 << 10
	maxColumns     = 1024
)

// recordLimit ends the input once more than max bytes have been read since
// the last reset. The CSV reader resets it before each record; its own
// read-ahead buffer (4 KiB) is the only slack. It reports io.EOF rather than
// an error so that encoding/csv still says where the cut-off record starts
// (FieldPos, or ParseError.StartLine for an open quote); tripped tells that
// end apart from the real one.
type recordLimit struct {
	r       io.Reader
	n       int
	max     int
	tripped bool
}

func (l *recordLimit) reset() { l.n = 0 }

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n >= l.max {
		l.tripped = true
		return 0, io.EOF
	}
	if len(p) > l.max-l.n {
		p = p[:l.max-l.n]
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

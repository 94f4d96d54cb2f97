package mapping

import (
	"errors"
	"io"
)

// Bounds that keep memory flat whatever the input: no real roster cell comes
// near them, while a binary file or a quote that is never closed would
// otherwise make encoding/csv buffer the whole input as one record.
const (
	// MaxCellBytes bounds one value from any source.
	MaxCellBytes   = 64 << 10
	maxRecordBytes = 128 << 10
	maxColumns     = 1024
)

var errRecordTooLarge = errors.New("record too large")

// recordLimit fails reads once more than max bytes have been read since the
// last reset. The CSV reader resets it before each record; its own read-ahead
// buffer (4 KiB) is the only slack.
type recordLimit struct {
	r   io.Reader
	n   int
	max int
}

func (l *recordLimit) reset() { l.n = 0 }

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n >= l.max {
		return 0, errRecordTooLarge
	}
	if len(p) > l.max-l.n {
		p = p[:l.max-l.n]
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

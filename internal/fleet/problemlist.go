package fleet

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// ProblemsHeld is how many problems a list holds in memory before it
// writes them to its file: about half a megabyte.
const ProblemsHeld = 4096

// problemList keeps one kind of a roster's problems in the order they were
// found, which is line order, in flat memory: past ProblemsHeld they go to
// a temporary file, unlinked as soon as it is made so it goes when the
// process does. Nothing needs sorting, so it is an append-only log, read
// back as often as a report needs.
type problemList struct {
	n    int
	held []RowProblem
	file *os.File
	w    *bufio.Writer
	enc  *json.Encoder
}

func (l *problemList) add(p RowProblem) error {
	l.n++
	l.held = append(l.held, p)
	if len(l.held) < ProblemsHeld {
		return nil
	}
	return l.spill()
}

func (l *problemList) spill() error {
	if l.file == nil {
		f, err := os.CreateTemp("", "parchment-sync-problems-*")
		if err != nil {
			return spoolErr(err)
		}
		_ = os.Remove(f.Name()) // kept open; gone once closed, even after a kill
		l.file, l.w = f, bufio.NewWriterSize(f, 64<<10)
		l.enc = json.NewEncoder(l.w)
	}
	for _, p := range l.held {
		if err := l.enc.Encode(p); err != nil {
			return spoolErr(err)
		}
	}
	l.held = l.held[:0]
	return nil
}

func spoolErr(err error) error {
	return fmt.Errorf("keeping the problems found in a temporary file (set TMPDIR to a folder with room): %w", err)
}

// reader walks the list from its first problem; each reader is independent.
func (l *problemList) reader() (*problemReader, error) {
	r := &problemReader{held: l.held}
	if l.file != nil {
		if err := l.w.Flush(); err != nil {
			return nil, spoolErr(err)
		}
		size, err := l.file.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, spoolErr(err)
		}
		r.dec = json.NewDecoder(bufio.NewReaderSize(io.NewSectionReader(l.file, 0, size), 64<<10))
	}
	return r, nil
}

// each calls fn with every problem in order.
func (l *problemList) each(fn func(RowProblem) error) error {
	r, err := l.reader()
	if err != nil {
		return err
	}
	for {
		p, ok, err := r.next()
		if err != nil || !ok {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
}

func (l *problemList) close() {
	if l.file != nil {
		_ = l.file.Close()
		l.file = nil
	}
}

// problemReader gives the file's problems, then the held ones.
type problemReader struct {
	dec  *json.Decoder
	held []RowProblem
}

func (r *problemReader) next() (RowProblem, bool, error) {
	if r.dec != nil {
		var p RowProblem
		err := r.dec.Decode(&p)
		if err == nil {
			return p, true, nil
		}
		if err != io.EOF {
			return p, false, spoolErr(err)
		}
		r.dec = nil
	}
	if len(r.held) == 0 {
		return RowProblem{}, false, nil
	}
	p := r.held[0]
	r.held = r.held[1:]
	return p, true, nil
}

// Package hris holds what every HR-system source shares: records read from
// an API, flattened to dotted field names and spooled to a private file
// that the sync reads like a CSV; HTTP calls retried on 429 and 5xx; and
// offset pages fetched a few at a time.
package hris

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// Spool is one run's read of an API source: a file of JSON lines, one
// flattened record each, readable as often as the sync needs. Both of the
// engine's passes so see the same snapshot, and memory stays flat
// whatever the staff count. The file is private (mode 0600): it holds
// personal details. Remove deletes it.
type Spool struct {
	path    string
	file    *os.File
	buf     *bufio.Writer
	enc     *json.Encoder
	columns []string
	seen    map[string]bool
	count   int
	// mayLack names fields no record need carry (see mapping.FieldTable).
	mayLack func(string) bool
}

// NewSpool creates an empty spool in dir (the system's temporary folder
// when empty). mayLack may be nil.
func NewSpool(dir string, mayLack func(string) bool) (*Spool, error) {
	f, err := os.CreateTemp(dir, "parchment-sync-source-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("creating the spool file for the HR system's records: %w", err)
	}
	// CreateTemp makes it 0600 already; say so rather than rely on it.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	if mayLack == nil {
		mayLack = func(string) bool { return false }
	}
	buf := bufio.NewWriterSize(f, 64<<10)
	return &Spool{path: f.Name(), file: f, buf: buf, enc: json.NewEncoder(buf), seen: map[string]bool{}, mayLack: mayLack}, nil
}

// Path is the spool file's name.
func (s *Spool) Path() string { return s.path }

// Len is the number of records written.
func (s *Spool) Len() int { return s.count }

// Write appends one flattened record.
func (s *Spool) Write(rec Record) error {
	for k := range rec {
		if !s.seen[k] {
			s.seen[k] = true
			s.columns = append(s.columns, k)
		}
	}
	s.count++
	return s.enc.Encode(rec)
}

// Finish flushes and closes the file for writing; it is then read.
func (s *Spool) Finish() error {
	if s.file == nil {
		return nil
	}
	err := errors.Join(s.buf.Flush(), s.file.Close())
	s.file = nil
	return err
}

// Remove deletes the spool; it is safe to call more than once.
func (s *Spool) Remove() error {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Open returns a fresh mapping.Table over the records and what closes it.
func (s *Spool) Open() (mapping.Table, func(), error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, err
	}
	t := &spoolTable{dec: json.NewDecoder(bufio.NewReaderSize(f, 64<<10)), columns: s.columns, mayLack: s.mayLack, line: 1}
	return t, func() { f.Close() }, nil
}

// spoolTable reads a spool as rows of cells, one per field any record
// carries; a record without the field has an empty cell. Lines count as
// if the field names were a header: the first record is line 2.
type spoolTable struct {
	dec     *json.Decoder
	columns []string
	mayLack func(string) bool
	cells   []string
	rec     Record
	line    int
}

var _ mapping.FieldTable = (*spoolTable)(nil)

func (t *spoolTable) Columns() []string         { return t.columns }
func (t *spoolTable) MayLack(field string) bool { return t.mayLack(field) }

func (t *spoolTable) Next() ([]string, int, error) {
	clear(t.rec)
	if err := t.dec.Decode(&t.rec); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		return nil, 0, fmt.Errorf("reading the spooled records: %w", err)
	}
	t.line++
	if t.cells == nil {
		t.cells = make([]string, len(t.columns))
	}
	for i, c := range t.columns {
		t.cells[i] = t.rec[c]
	}
	return t.cells, t.line, nil
}

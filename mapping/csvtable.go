package mapping

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// csvTable reads a roster CSV one record at a time. Lines are physical
// lines as encoding/csv counts them: a record's line is where it starts,
// even when a quoted cell runs over several lines.
type csvTable struct {
	file    string
	charset string
	cr      *csv.Reader
	limit   *recordLimit
	columns []string
	// nextLine is the first line the next record can start on; it locates a
	// record that is too large to be read.
	nextLine int
}

func newCSVTable(r io.Reader, file string, m *Mapping) (*csvTable, error) {
	limit := &recordLimit{r: textReader(r, m), max: maxRecordBytes}
	cr := csv.NewReader(limit)
	cr.Comma = m.comma()
	cr.FieldsPerRecord = -1 // ragged rows are judged per row, not per file
	t := &csvTable{file: file, charset: m.charsetName(), cr: cr, limit: limit, nextLine: 1}
	header, line, err := t.read()
	if errors.Is(err, io.EOF) {
		return nil, &SourceError{File: file, Message: "the file is empty; expected a header line and one row per person"}
	}
	if err != nil {
		return nil, err
	}
	if len(header) > maxColumns {
		return nil, t.errorAt(line, "", fmt.Sprintf("the header has %d columns; this does not look like a roster", len(header)))
	}
	for i := range header {
		header[i] = clean(header[i])
	}
	t.columns = header
	// Rows are mapped before the next is read: one record slice serves
	// them all (the header, read before, keeps its own).
	cr.ReuseRecord = true
	return t, nil
}

func (t *csvTable) Columns() []string { return t.columns }

// Next returns the next row; its cells slice is reused by the call after.
func (t *csvTable) Next() ([]string, int, error) { return t.read() }

// read returns the next record that has any content: spreadsheets leave
// rows of bare delimiters behind.
func (t *csvTable) read() ([]string, int, error) {
	for {
		t.limit.reset()
		rec, err := t.cr.Read()
		if err != nil {
			return nil, 0, t.readError(err)
		}
		line, _ := t.cr.FieldPos(0)
		if t.limit.tripped {
			// The record was cut off at the limit and only looks complete.
			return nil, 0, t.tooLarge(line)
		}
		// The record ends where its last cell does: only that cell's line
		// breaks are left to count.
		last, _ := t.cr.FieldPos(max(len(rec)-1, 0))
		t.nextLine = last + 1
		if len(rec) > 0 {
			t.nextLine += strings.Count(rec[len(rec)-1], "\n")
		}
		if err := t.checkCells(rec); err != nil {
			return nil, 0, err
		}
		if !blank(rec) {
			return rec, line, nil
		}
	}
}

func (t *csvTable) readError(err error) error {
	var pe *csv.ParseError
	switch {
	case t.limit.tripped && errors.As(err, &pe):
		return t.tooLarge(pe.StartLine)
	case t.limit.tripped:
		// Only blank lines were read before the limit: no record started.
		return t.tooLarge(t.nextLine)
	case errors.Is(err, io.EOF):
		return io.EOF
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		return t.errorAt(pe.Line, "", "a quote (\") appears inside a cell that does not start with one; put the whole cell in quotes and write the quote twice (\"\")")
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		return t.errorAt(pe.StartLine, "", "a quoted cell in the record starting on this line is never closed, or has text after its closing quote (\"); check the quotes from this line on")
	case errors.As(err, &pe):
		return t.errorAt(pe.StartLine, "", pe.Err.Error())
	}
	return fmt.Errorf("reading %s: %w", t.file, err)
}

// checkCells rejects what cannot be roster text: oversized cells, bytes the
// encoding does not define (shown as U+FFFD) and control characters.
func (t *csvTable) checkCells(rec []string) error {
	for i, c := range rec {
		if len(c) <= MaxCellBytes && isClean(c) {
			continue // printable ASCII: none of the checks below can fail
		}
		line, _ := t.cr.FieldPos(i)
		switch {
		case len(c) > MaxCellBytes:
			return t.errorAt(line, t.columnName(i), fmt.Sprintf("this cell is larger than %d KiB; no roster value is that long", MaxCellBytes>>10))
		case strings.IndexFunc(c, isControl) >= 0:
			return t.errorAt(line, t.columnName(i), "this cell contains control characters; the file does not look like CSV text")
		case strings.ContainsRune(c, utf8.RuneError) || !utf8.ValidString(c):
			return t.errorAt(line, t.columnName(i), t.undecodable())
		}
	}
	return nil
}

// textReader decodes r as UTF-8 text. A UTF-8 file without a byte order
// mark for UTF-16 is read as it is, its byte order mark dropped: checkCells
// finds bytes that are not UTF-8. Anything else goes through the mapping's
// decoder.
func textReader(r io.Reader, m *Mapping) io.Reader {
	if m.charsetName() != charsetUTF8 {
		return transform.NewReader(r, m.textDecoder())
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}), bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return transform.NewReader(br, m.textDecoder())
	}
	return br
}

func (t *csvTable) tooLarge(line int) error {
	return t.errorAt(line, "", fmt.Sprintf("the record starting on this line is larger than %d KiB: a quoted cell may be missing its closing quote (\"), or this is not a roster CSV", maxRecordBytes>>10))
}

func (t *csvTable) undecodable() string {
	if t.charset == charsetUTF8 {
		return "this cell is not valid UTF-8; if Excel saved the file as \"CSV (Comma delimited)\", save it as \"CSV UTF-8\" instead or put encoding: windows-1252 in the mapping file"
	}
	return fmt.Sprintf("this cell has bytes that are not %s text; check the encoding in the mapping file", t.charset)
}

func (t *csvTable) columnName(i int) string {
	if i < len(t.columns) && t.columns[i] != "" {
		return t.columns[i]
	}
	return fmt.Sprintf("column %d", i+1)
}

func (t *csvTable) errorAt(line int, field, msg string) *SourceError {
	return &SourceError{File: t.file, Line: line, Field: field, Message: msg}
}

// isControl reports C0 controls and DEL; tabs and line breaks are white
// space a cell may hold.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

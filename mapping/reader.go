package mapping

import (
	"errors"
	"io"
	"slices"
	"time"
)

// Reader turns a source's rows into validated Rows, one at a time.
type Reader struct {
	name  string
	rows  *mappedRows
	today time.Time
	count int   // rows returned
	err   error // the first failure; the source is not read past it
}

// NewReader maps src's rows with m (nil for canonical headers). name
// labels the source in errors: a file name, never a connection string. A
// column the mapping needs but src lacks is a *SourceError.
func NewReader(src Table, name string, m *Mapping) (*Reader, error) {
	p, err := newPlan(src, m)
	if err != nil {
		return nil, withFile(err, name)
	}
	return &Reader{name: name, rows: &mappedRows{src: src, plan: p}, today: time.Now()}, nil
}

// OpenCSV reads a roster CSV from r. The mapping (nil for canonical headers)
// also gives the file's encoding and delimiter. The header is read at once:
// an empty or undecodable file, or one missing a needed column, is a
// *SourceError.
func OpenCSV(r io.Reader, name string, m *Mapping) (*Reader, error) {
	t, err := newCSVTable(r, name, m)
	if err != nil {
		return nil, err
	}
	return NewReader(t, name, m)
}

// Next returns the next row, normalised and validated, or io.EOF after the
// last. Row problems are in Row.Problems; an error means the source as a
// whole failed (a *SourceError, or the source's own I/O error) and every
// later call returns it again.
func (r *Reader) Next() (Row, error) {
	var row Row
	err := r.next(&row)
	return row, err
}

// next reads the next row into row, overwriting all of it: a caller
// walking a large source reuses one Row.
func (r *Reader) next(row *Row) error {
	if r.err != nil {
		return r.err
	}
	cells, err := r.rows.Read()
	if err != nil {
		if errors.Is(err, io.EOF) && r.count == 0 {
			err = &SourceError{Message: "the roster has no rows, only column names; an empty roster is refused rather than read as everyone leaving"}
		}
		r.err = withFile(err, r.name)
		return r.err
	}
	r.count++
	cur := r.rows.current
	*row = Row{Line: cur.line, Skipped: cur.skipped}
	decodeRecord(&row.Record, cells)
	if !row.Skipped {
		row.Problems = r.check(&row.Record, cur.problems)
	}
	return nil
}

// check normalises rec and gathers every problem of the row in field
// order. A field the mapping already failed on gets no second message.
func (r *Reader) check(rec *Record, mappingProblems []Problem) []Problem {
	problems := slices.Concat(mappingProblems, normalise(rec))
	for _, p := range validate(*rec, r.today) {
		if !slices.ContainsFunc(mappingProblems, func(m Problem) bool { return m.Field == p.Field }) {
			problems = append(problems, p)
		}
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return fieldOrder(a.Field) - fieldOrder(b.Field) })
	for i := range problems {
		problems[i].Line = r.rows.current.line
		problems[i].ExternalUserID = rec.ExternalUserID
	}
	return problems
}

// fieldOrder ranks canonical fields in report order, source columns last.
func fieldOrder(field string) int {
	names := RosterFieldNames()
	if i := slices.Index(names, field); i >= 0 {
		return i
	}
	return len(names)
}

// ReadAll reads every row, then marks duplicates across them. It stops at
// the first source error.
func ReadAll(r *Reader) ([]Row, error) {
	var rows []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	MarkDuplicates(rows)
	return rows, nil
}

func withFile(err error, name string) error {
	var se *SourceError
	if errors.As(err, &se) && se.File == "" {
		se.File = name
	}
	return err
}

// mappedRows is the source seen through the mapping: canonical rows, in
// RosterFieldNames() order, and what the mapping found about the last one.
type mappedRows struct {
	src     Table
	plan    *plan
	current struct {
		line     int
		problems []Problem
		skipped  bool
	}
}

// Read returns the next canonical row; its cells are valid until the next
// call.
func (m *mappedRows) Read() ([]string, error) {
	cells, line, err := m.src.Next()
	if err != nil {
		return nil, err
	}
	out := m.plan.apply(cells)
	m.current.line, m.current.problems, m.current.skipped = line, out.problems, out.skipped
	return out.cells, nil
}

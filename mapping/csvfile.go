package mapping

import (
	"context"
	"errors"
	"io"
	"os"
)

// CSVFile is a roster CSV file read afresh each time it is walked: the
// sync engine reads a roster twice rather than hold it.
type CSVFile struct {
	path string
	m    *Mapping
}

// OpenCSVFile checks that path opens and has the columns m needs (a
// *SourceError otherwise); its rows are read by Each.
func OpenCSVFile(path string, m *Mapping) (*CSVFile, error) {
	f := &CSVFile{path: path, m: m}
	_, done, err := f.open()
	if err != nil {
		return nil, err
	}
	done()
	return f, nil
}

func (f *CSVFile) open() (*Reader, func(), error) {
	file, err := os.Open(f.path)
	if err != nil {
		return nil, nil, err
	}
	r, err := OpenCSV(file, f.path, f.m)
	if err != nil {
		file.Close()
		return nil, nil, err
	}
	return r, func() { file.Close() }, nil
}

// Each calls fn with every row, normalised and validated, in file order.
// Duplicates across rows are not marked: that takes every row (see
// Duplicates). The first source error ends the walk. fn may keep nothing
// it is given: one Row is reused for every row.
func (f *CSVFile) Each(ctx context.Context, fn func(*Row) error) error {
	r, done, err := f.open()
	if err != nil {
		return err
	}
	defer done()
	return r.each(ctx, fn)
}

// each walks the rest of r, reusing one Row.
func (r *Reader) each(ctx context.Context, fn func(*Row) error) error {
	var row Row // one for the walk: fn keeps nothing it is given
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := r.next(&row)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(&row); err != nil {
			return err
		}
	}
}

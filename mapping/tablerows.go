package mapping

import (
	"context"
	"slices"
)

// TableRows is a roster read afresh from a Table each time it is walked,
// as CSVFile is for a file: an API source's spooled records, say.
type TableRows struct {
	name string
	m    *Mapping
	open func() (Table, func(), error)
}

// NewTableRows checks once that the table open gives has the columns m
// needs (a *SourceError otherwise). name labels the source in errors.
// open returns a fresh table and what closes it.
func NewTableRows(name string, m *Mapping, open func() (Table, func(), error)) (*TableRows, error) {
	t := &TableRows{name: name, m: m, open: open}
	_, done, err := t.reader()
	if err != nil {
		return nil, err
	}
	done()
	return t, nil
}

func (t *TableRows) reader() (*Reader, func(), error) {
	tab, done, err := t.open()
	if err != nil {
		return nil, nil, err
	}
	r, err := NewReader(tab, t.name, t.m)
	if err != nil {
		done()
		return nil, nil, err
	}
	return r, done, nil
}

// Each calls fn with every row, normalised and validated, in the table's
// order; like CSVFile.Each, it reuses one Row.
func (t *TableRows) Each(ctx context.Context, fn func(*Row) error) error {
	r, done, err := t.reader()
	if err != nil {
		return err
	}
	defer done()
	return r.each(ctx, fn)
}

// Columns lists every source column m names, in field order, each once:
// what an API source has to ask for. A nil or field-less mapping names
// the canonical headers.
func (m *Mapping) Columns() []string {
	if !m.explicit() {
		return RosterFieldNames()
	}
	var out []string
	add := func(c string) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, f := range RosterFieldNames() {
		r := m.fields[f]
		if r.column != "" {
			add(r.column)
		}
		for _, c := range r.columns {
			add(c)
		}
	}
	for _, s := range m.skips {
		add(s.column)
	}
	return out
}

package mapping

import "fmt"

// header finds the columns a mapping names among a source's. It is the one
// place a name from a mapping file becomes a source column. Names match
// case-insensitively after trimming; a dotted name (ContactObject.Email) is
// a plain name, since a CSV header may hold dots. A source of nested
// records offers its fields as columns named by their dotted paths, and is
// found here the same way.
type header struct {
	columns []string
	at      map[string][]int // key(name) → indexes
	// fields says the columns are an API's fields: names match exactly,
	// and mayLack excuses some that no record carries.
	fields  bool
	mayLack func(string) bool
}

func newHeader(src Table) header {
	columns := src.Columns()
	h := header{columns: columns, at: make(map[string][]int, len(columns)), mayLack: func(string) bool { return false }}
	if ft, ok := src.(FieldTable); ok {
		h.fields, h.mayLack = true, ft.MayLack
	}
	for i, c := range columns {
		h.at[h.key(c)] = append(h.at[h.key(c)], i)
	}
	return h
}

func (h header) key(name string) string {
	if h.fields {
		return name
	}
	return fold(name)
}

// find returns the index of the column name, or -1 when the source lacks
// it. A name the header holds more than once is a *SourceError: which one
// the mapping means cannot be told.
func (h header) find(name string) (int, error) {
	switch at := h.at[h.key(name)]; len(at) {
	case 0:
		return -1, nil
	case 1:
		return at[0], nil
	default:
		return -1, &SourceError{Line: 1, Field: name, Message: fmt.Sprintf("column %q appears %d times in the header; rename or remove the extra ones", name, len(at))}
	}
}

// findAll returns the index of each name (-1 for one the source lacks) and
// whether any is present (or may be lacking, so never missing).
func (h header) findAll(names []string) ([]int, bool, error) {
	cols, any := make([]int, len(names)), false
	for i, name := range names {
		col, err := h.find(name)
		if err != nil {
			return nil, false, err
		}
		cols[i], any = col, any || col >= 0 || h.mayLack(name)
	}
	return cols, any, nil
}

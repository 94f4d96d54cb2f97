package mapping

// Table is a source of roster rows: named columns, then one row at a time.
// A CSV file and a staff-database query both implement it, so both go through
// the same mapping and validation.
type Table interface {
	// Columns returns the column names in source order, as the source spells
	// them.
	Columns() []string
	// Next returns the next row's cells (at most one per column; missing
	// trailing cells count as empty) and the line the row starts on, where
	// the header is line 1. It returns io.EOF after the last row. A
	// *SourceError means the rest of the source cannot be trusted. The
	// cells slice may be reused by the next call (the strings are not).
	Next() (cells []string, line int, err error)
}

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

// FieldTable is a Table of records read from an API rather than a file:
// its columns are the fields its records carry, nested ones named by
// dotted paths (ContactObject.Email). Field names match exactly, as the
// API spells them, not regardless of case as CSV headers do. A mapped
// field no record carries is missing, as a CSV column is, unless the
// source says records may lack it.
type FieldTable interface {
	Table
	// MayLack reports whether no record carrying the field is no mistake:
	// a field only some people have, such as a qualification.
	MayLack(field string) bool
}

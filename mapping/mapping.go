package mapping

import (
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Mapping says where each canonical field (Parchment's, and end_date) comes
// from in a roster whose headers are not the canonical field names, and how
// its file is written.
// A nil *Mapping means canonical headers, UTF-8 and commas; a mapping that
// names no field keeps the canonical headers but may set the encoding, the
// delimiter and skip rules.
type Mapping struct {
	name      string
	fields    map[string]fieldRule // by canonical field name
	skips     []skipRule
	charset   string // charsetUTF8 or charsetWindows1252
	delimiter rune
}

const (
	charsetUTF8        = "utf-8"
	charsetWindows1252 = "windows-1252"
)

// fieldRule is how one field's value is made from a row.
type fieldRule struct {
	column string // the source column; empty when columns or constant is set
	// columns are several source columns: the first non-empty of them
	// (column: [A, B]) or, when join is set, the non-empty ones joined with
	// with.
	columns []string
	join    bool
	with    string
	// separator splits a cell into items, each mapped through values;
	// items values does not list are left out.
	separator string
	prefix    string
	layout    *dateLayout
	// values maps a folded source value to the Parchment value (roles joined
	// with ","); nil when the cell is taken as it is.
	values   map[string]string
	def      *string
	constant *string
}

// skipWhen says which cells of a skip column leave a row out.
type skipWhen int

const (
	skipNotEmpty skipWhen = iota + 1
	skipEmpty
	skipEquals
)

type skipRule struct {
	column string
	when   skipWhen
	equals string // folded; for skipEquals
}

func (s skipRule) matches(cell string) bool {
	switch s.when {
	case skipNotEmpty:
		return cell != ""
	case skipEmpty:
		return cell == ""
	default:
		return fold(cell) == s.equals
	}
}

// textDecoder turns the file's bytes into UTF-8. A byte-order mark wins over
// the configured encoding: it is unambiguous, and Excel writes one for
// "CSV UTF-8" (and for UTF-16 "Unicode text").
func (m *Mapping) textDecoder() transform.Transformer {
	if m != nil && m.charset == charsetWindows1252 {
		return unicode.BOMOverride(charmap.Windows1252.NewDecoder())
	}
	return unicode.BOMOverride(unicode.UTF8.NewDecoder())
}

// comma is the file's delimiter.
func (m *Mapping) comma() rune {
	if m == nil || m.delimiter == 0 {
		return ','
	}
	return m.delimiter
}

// charsetName is the encoding the file is read as, for messages.
func (m *Mapping) charsetName() string {
	if m == nil || m.charset == "" {
		return charsetUTF8
	}
	return m.charset
}

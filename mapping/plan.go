package mapping

import (
	"fmt"
	"slices"
	"strings"
)

// requiredColumns must be present in a canonical file; other canonical
// columns may be left out.
func requiredColumns() []string {
	return []string{FieldExternalUserID, FieldGivenName, FieldFamilyName, FieldEmail}
}

// plan is a mapping resolved against one source's columns.
type plan struct {
	width  int         // number of source columns
	fields []fieldPlan // in RosterFieldNames() order
	skips  []skipPlan
	cells  []string // apply's output, reused row after row
}

type fieldPlan struct {
	field string
	col   int // source column index; -1 when the field has none
	// column is the column as the source spells it; names are those of a
	// list the source has.
	column string
	cols   []int // for rule.columns: each one's index, -1 where the source lacks it
	names  []string
	rule   fieldRule
}

type skipPlan struct {
	col  int
	rule skipRule
}

// newPlan finds every column the mapping names. Missing or ambiguous
// columns are a *SourceError (without File) before any row is read. A list
// of columns is missing only when the source has none of them.
func newPlan(src Table, m *Mapping) (*plan, error) {
	h := newHeader(src)
	columns := h.columns
	p := &plan{width: len(columns)}
	var missing []string
	var missingLists []missingList
	for _, f := range RosterFieldNames() {
		rule, optional := fieldRule{column: f}, !slices.Contains(requiredColumns(), f)
		if m.explicit() {
			rule, optional = m.fields[f], false
		}
		fp := fieldPlan{field: f, col: -1, rule: rule}
		var err error
		switch {
		case rule.column != "":
			if fp.col, err = h.find(rule.column); fp.col >= 0 {
				fp.column = columns[fp.col]
			} else if err == nil && !optional && !h.mayLack(rule.column) {
				missing = append(missing, rule.column)
			}
		case rule.columns != nil:
			var present bool
			if fp.cols, present, err = h.findAll(rule.columns); err == nil && !present {
				missingLists = append(missingLists, missingList{field: f, columns: rule.columns})
			}
			for _, col := range fp.cols {
				if col >= 0 {
					fp.names = append(fp.names, columns[col])
				}
			}
		}
		if err != nil {
			return nil, err
		}
		p.fields = append(p.fields, fp)
	}
	for _, s := range m.skipRules() {
		col, err := h.find(s.column)
		if err != nil {
			return nil, err
		}
		if col < 0 && !h.mayLack(s.column) {
			missing = append(missing, s.column)
		}
		p.skips = append(p.skips, skipPlan{col: col, rule: s})
	}
	if len(missing) > 0 || len(missingLists) > 0 {
		if h.fields {
			return nil, missingFields(slices.Compact(missing), missingLists, m)
		}
		return nil, missingColumns(slices.Compact(missing), missingLists, columns, m)
	}
	return p, nil
}

// where names the field's column(s), for messages.
func (f *fieldPlan) where() string {
	if len(f.names) > 1 {
		return "columns " + quoteList(f.names)
	}
	if len(f.names) == 1 {
		return fmt.Sprintf("column %q", f.names[0])
	}
	return fmt.Sprintf("column %q", f.column)
}

// explicit reports whether the mapping names fields; one that gives only
// the file's encoding, delimiter or skip rules keeps the canonical headers.
func (m *Mapping) explicit() bool { return m != nil && len(m.fields) > 0 }

func (m *Mapping) skipRules() []skipRule {
	if m == nil {
		return nil
	}
	return m.skips
}

// missingList is a field's list of columns of which the header has none.
type missingList struct {
	field   string
	columns []string
}

// missingColumns explains what the header lacks: single columns, and lists
// of which it has none.
func missingColumns(missing []string, lists []missingList, columns []string, m *Mapping) error {
	var lacks []string
	if len(missing) > 0 {
		lacks = append(lacks, "the column(s) "+quoteList(missing))
	}
	for _, l := range lists {
		lacks = append(lacks, fmt.Sprintf("every column listed for %s (%s)", l.field, quoteList(l.columns)))
	}
	msg := "the header lacks " + strings.Join(lacks, " and ")
	if !m.explicit() {
		msg += "; a roster without a mapping file needs the canonical headers (external_user_id, given_name, family_name, email, …)"
	} else {
		msg += " named in the mapping " + m.name
	}
	// One column holding a separator usually means the delimiter is wrong.
	if len(columns) == 1 && strings.ContainsAny(columns[0], ";\t,") {
		msg += "; the header was read as a single column: set delimiter in the mapping file"
	}
	return &SourceError{Line: 1, Message: msg}
}

// missingFields explains which mapped fields no record of an API carries:
// a typo must not quietly leave a field empty for everyone.
func missingFields(missing []string, lists []missingList, m *Mapping) error {
	var lacks []string
	if len(missing) > 0 {
		lacks = append(lacks, "the field(s) "+quoteList(missing))
	}
	for _, l := range lists {
		lacks = append(lacks, fmt.Sprintf("any of the fields listed for %s (%s)", l.field, quoteList(l.columns)))
	}
	msg := "no record read carries " + strings.Join(lacks, " or ")
	if m.explicit() {
		msg += " named in the mapping " + m.name
	}
	return &SourceError{Message: msg + "; field names match exactly, as the API spells them (a dotted path reaches a nested value)"}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// mapped is one source row turned into canonical cells.
type mapped struct {
	cells    []string // in RosterFieldNames() order; valid until the next apply
	problems []Problem
	skipped  bool
}

// apply maps one row. Cells are cleaned first, so skip rules and value maps
// see what a person sees.
func (p *plan) apply(cells []string) mapped {
	var out mapped
	for i := range cells {
		cells[i] = clean(cells[i])
	}
	for _, s := range p.skips {
		if s.rule.matches(cellAt(cells, s.col)) {
			out.skipped = true
		}
	}
	if extra := extraCells(cells, p.width); extra > 0 {
		out.problems = append(out.problems, Problem{
			Field:    fmt.Sprintf("column %d", extra),
			Message:  fmt.Sprintf("this row has %d cells but the header has %d; a value probably contains an unquoted delimiter", len(cells), p.width),
			Severity: SeverityError,
		})
	}
	if p.cells == nil {
		p.cells = make([]string, len(p.fields))
	}
	out.cells = p.cells
	for i := range p.fields {
		v, prob := p.fields[i].value(cells)
		out.cells[i] = v
		if prob != nil {
			out.problems = append(out.problems, *prob)
		}
	}
	return out
}

// extraCells returns the 1-based position of the last non-empty cell beyond
// the header's width, or 0 when there is none.
func extraCells(cells []string, width int) int {
	for i := len(cells) - 1; i >= width; i-- {
		if cells[i] != "" {
			return i + 1
		}
	}
	return 0
}

func cellAt(cells []string, col int) string {
	if col < 0 || col >= len(cells) {
		return ""
	}
	return cells[col]
}

// value computes the field's canonical text from a cleaned row.
func (f *fieldPlan) value(cells []string) (string, *Problem) {
	r := &f.rule
	if r.constant != nil {
		return *r.constant, nil
	}
	var v string
	if f.cols == nil {
		v = cellAt(cells, f.col)
	} else {
		v = f.combine(cells)
	}
	switch {
	case v == "" && r.def != nil:
		v = *r.def
	case v != "" && r.separator != "":
		var prob *Problem
		if v, prob = f.items(v); prob != nil {
			return "", prob
		}
	case v != "" && r.values != nil:
		mapped, ok := f.lookup(v)
		if !ok {
			return "", f.problem(fmt.Sprintf("%s has a value%s that the mapping for %s does not list; add it under values, or give a default", f.where(), echoValue(f.field, v), f.field))
		}
		v = mapped
	}
	if v != "" && r.layout != nil {
		date, ok := r.layout.parse(v)
		if !ok {
			return "", f.problem(fmt.Sprintf("%s in %s does not match the format %s set in the mapping", f.field, f.where(), r.layout.text))
		}
		v = date
	}
	if v != "" && r.prefix != "" {
		v = r.prefix + v
	}
	return v, nil
}

// lookup maps a non-empty cell through the rule's values, falling back to
// the default. A cell listing several roles ("GP; Practice Manager") maps
// role by role when the whole cell is not listed.
func (f *fieldPlan) lookup(v string) (string, bool) {
	if mapped, ok := f.rule.values[fold(v)]; ok {
		return mapped, true
	}
	if parts := splitRoles(v); f.field == FieldAccessRoles && len(parts) > 1 {
		var out []string
		for _, part := range parts {
			mapped, ok := f.lookup(part)
			if !ok {
				return "", false
			}
			out = append(out, mapped)
		}
		return strings.Join(out, ","), true
	}
	if f.rule.def != nil {
		return *f.rule.def, true
	}
	return "", false
}

func (f *fieldPlan) problem(msg string) *Problem {
	return &Problem{Field: f.field, Message: msg, Severity: SeverityError}
}

// echoValue quotes an unmapped value in a message only for fields that hold
// categories rather than personal identifiers.
func echoValue(field, v string) string {
	const maxEcho = 40
	if !slices.Contains([]string{FieldSex, FieldAccessRoles, FieldPrescriberType, FieldTitle}, field) || len(v) > maxEcho {
		return ""
	}
	return fmt.Sprintf(" (%q)", v)
}

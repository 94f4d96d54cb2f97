package mapping

import (
	"fmt"
	"slices"
	"strings"
)

// combine makes one text from a field's several columns: the first
// non-empty cell, or with join the non-empty ones joined, so an empty part
// never doubles the text between them.
func (f *fieldPlan) combine(cells []string) string {
	var out string
	for _, col := range f.cols {
		switch c := cellAt(cells, col); {
		case c == "":
		case !f.rule.join:
			return c
		case out == "":
			out = c
		default:
			out += f.rule.with + c
		}
	}
	return out
}

// items splits a list cell on the rule's separator and maps each item
// through values; items it does not list are left out, since tag lists
// carry unrelated tags. Items are trimmed and repeats collapse. When no
// item is listed the default, if any, applies. Only access_roles holds
// several values: for another field, items giving two different values are
// a problem.
func (f *fieldPlan) items(v string) (string, *Problem) {
	r := &f.rule
	var out []string
	for item := range strings.SplitSeq(v, r.separator) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if r.values != nil {
			mapped, ok := r.values[fold(item)]
			if !ok || mapped == "" {
				continue
			}
			item = mapped
		}
		if !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	switch {
	case len(out) == 0 && r.def != nil:
		return *r.def, nil
	case len(out) > 1 && f.field != FieldAccessRoles:
		return "", f.problem(fmt.Sprintf("%s lists items that give %s different values%s; it holds one: list only one of them under values",
			f.where(), f.field, echoValue(f.field, strings.Join(out, ", "))))
	}
	return strings.Join(out, ","), nil
}

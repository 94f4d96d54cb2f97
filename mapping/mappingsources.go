package mapping

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// withDefault joins the parts of a join when with is not given: names are
// what is joined most.
const withDefault = " "

// columns reads column: C, or column: [A, B] for the first non-empty of
// several; a list of one is the column itself.
func (p *mappingParser) columns(field string, n *yaml.Node) (string, []string, error) {
	if n.Kind != yaml.SequenceNode {
		c, err := p.columnName(field, "column", n)
		return c, nil, err
	}
	cols, err := p.columnList(field, "column", n)
	if err != nil || len(cols) > 1 {
		return "", cols, err
	}
	return cols[0], nil, nil
}

// joined reads join: [A, B]: the columns whose non-empty cells are joined.
func (p *mappingParser) joined(field string, n *yaml.Node) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, field, "join of %s must be a list of at least two columns, such as [FirstName, MiddleName]", field)
	}
	cols, err := p.columnList(field, "join", n)
	if err == nil && len(cols) < 2 {
		return nil, p.errorf(n, field, "join of %s needs at least two columns; for one, write column", field)
	}
	return cols, err
}

func (p *mappingParser) columnList(field, key string, n *yaml.Node) ([]string, error) {
	if len(n.Content) == 0 {
		return nil, p.errorf(n, field, "%s of %s lists no columns", key, field)
	}
	var cols []string
	for _, item := range n.Content {
		c, err := p.columnName(field, key, item)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(cols, func(prev string) bool { return fold(prev) == fold(c) }) {
			return nil, p.errorf(item, field, "%s of %s lists the column %q twice", key, field, c)
		}
		cols = append(cols, c)
	}
	return cols, nil
}

func (p *mappingParser) columnName(field, key string, n *yaml.Node) (string, error) {
	c, err := p.scalar(field, key, n)
	if err == nil && c == "" {
		err = p.errorf(n, field, "%s of %s needs a column name", key, field)
	}
	return c, err
}

// rawText reads text whose spaces count, such as with: " ".
func (p *mappingParser) rawText(field, key string, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.errorf(n, field, "%s of %s must be plain text", key, field)
	}
	return n.Value, nil
}

// separator reads the text between a list cell's items. Cells have their
// white space collapsed before they are split, so the only white space
// that can separate items is one space.
func (p *mappingParser) separator(field string, n *yaml.Node) (string, error) {
	sep, err := p.rawText(field, "separator", n)
	switch {
	case err != nil:
	case sep == "":
		err = p.errorf(n, field, "separator of %s is empty; give the text between items, such as \"|\"", field)
	case strings.TrimSpace(sep) == "" && sep != " ":
		err = p.errorf(n, field, "separator of %s may be one space, but no other white space: cells have their white space collapsed to one space", field)
	}
	return sep, err
}

// combination refuses keys that contradict each other: a value comes from
// exactly one of column, join and value, and a list cell is split only to
// be mapped.
func (p *mappingParser) combination(field string, n *yaml.Node, r fieldRule, given map[string]*yaml.Node) error {
	var sources []string
	for _, key := range []string{"column", "join", "value"} {
		if given[key] != nil {
			sources = append(sources, key)
		}
	}
	switch {
	case len(sources) == 0:
		return p.errorf(n, field, "%s needs a column, a join or a value", field)
	case len(sources) > 1:
		return p.errorf(later(given[sources[0]], given[sources[1]]), field, "%s takes one of column, join and value, not both %s and %s", field, sources[0], sources[1])
	}
	sep := given["separator"]
	switch {
	case sep == nil:
	case r.constant != nil:
		return p.errorf(sep, field, "separator of %s splits a column's cells; it does not apply to value", field)
	case r.layout != nil:
		return p.errorf(later(sep, given["format"]), field, "%s takes format or separator, not both: a date is one item", field)
	case r.values == nil && field != FieldAccessRoles:
		return p.errorf(sep, field, "separator of %s needs values: %s holds one value, so the items that give it must be listed", field, field)
	}
	return nil
}

// later is whichever node comes later in the file, where a reader sees the
// conflict.
func later(a, b *yaml.Node) *yaml.Node {
	if b.Line > a.Line || b.Line == a.Line && b.Column > a.Column {
		return b
	}
	return a
}

package mapping

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxMappingBytes bounds a mapping file; a real one is a few hundred bytes.
const maxMappingBytes = 1 << 20

// LoadMapping reads a mapping file (YAML). Any problem with it is a
// *SourceError naming the file and, where it can, the line.
func LoadMapping(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// One byte over the bound is enough for ParseMapping to refuse it.
	data, err := io.ReadAll(io.LimitReader(f, maxMappingBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading mapping %s: %w", path, err)
	}
	return ParseMapping(data, path)
}

// ParseMapping reads a mapping from YAML; name labels it in errors. Keys:
//
//	<field>: Column Name             the cell as it is
//	<field>: { column: C,            where the value comes from; a list
//	                                 [A, B] takes the first non-empty, or
//	           join: [A, B],         the non-empty cells joined
//	           with: " ",            between them (a space by default), or
//	           value: V,             a constant instead of a column
//	           separator: "|",       splits a cell into items, each mapped
//	                                 through values; unlisted ones are
//	                                 ignored
//	           prefix: P,            prepended to a non-empty value
//	           format: DD/MM/YYYY,   date_of_birth and end_date only: D, DD,
//	                                 M, MM, MMM, MMMM, YYYY, hh, mm, ss, T,
//	                                 ±hh:mm (see dateLayout)
//	           values: { Src: V },   source value → Parchment value, matched
//	                                 ignoring case and surrounding space; a
//	                                 list of roles for access_roles
//	           default: V }          for an empty cell or an unlisted value
//	skip: { column: C, when: not_empty | empty }  or  { column: C, equals: X },
//	      or a list of them: matching rows are left out (Row.Skipped)
//	encoding: utf-8 | windows-1252   files only; a byte-order mark wins
//	delimiter: "," | ";" | tab       files only
//
// <field> is a canonical field name: a Parchment field or end_date (the day
// a person leaves, read but never sent). Any other key is an error, so a
// misspelt field cannot silently map nothing. Without a values entry for an
// unlisted value and no default, the row gets an error naming the field and
// the column. A mapping that names no field keeps the canonical headers.
func ParseMapping(data []byte, name string) (*Mapping, error) {
	if len(data) > maxMappingBytes {
		return nil, &SourceError{File: name, Message: fmt.Sprintf("the mapping file is larger than %d KiB", maxMappingBytes>>10)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &SourceError{File: name, Message: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	p := mappingParser{name: name, m: &Mapping{name: name, fields: map[string]fieldRule{}, charset: charsetUTF8, delimiter: ','}}
	if err := p.document(&doc); err != nil {
		return nil, err
	}
	return p.m, nil
}

type mappingParser struct {
	name string
	m    *Mapping
}

func (p *mappingParser) errorf(n *yaml.Node, key, format string, args ...any) error {
	return &SourceError{File: p.name, Line: n.Line, Field: key, Message: fmt.Sprintf(format, args...)}
}

func (p *mappingParser) document(doc *yaml.Node) error {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &SourceError{File: p.name, Message: "the mapping file is empty"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return p.errorf(root, "", "a mapping file is a list of \"field: column\" lines")
	}
	err := eachPair(p, root, "", func(key string, k, v *yaml.Node) error {
		switch {
		case slices.Contains(RosterFieldNames(), key):
			rule, err := p.field(key, v)
			p.m.fields[key] = rule
			return err
		case key == "skip":
			return p.skip(v)
		case key == "encoding":
			return p.encoding(v)
		case key == "delimiter":
			return p.delimiter(v)
		}
		return p.errorf(k, key, "unknown key %q; expected a Parchment field (%s), %s, or skip, encoding, delimiter",
			key, strings.Join(FieldNames(), ", "), strings.Join(rosterOnlyFields(), ", "))
	})
	if err != nil {
		return err
	}
	for _, f := range requiredColumns() {
		if _, ok := p.m.fields[f]; !ok && p.m.explicit() {
			return p.errorf(root, f, "the mapping does not say where %s comes from; every person needs one", f)
		}
	}
	return nil
}

// eachPair walks a YAML mapping's key/value pairs, refusing anchors and
// aliases (no roster mapping needs them, and they can expand without bound)
// and repeated keys: the YAML parser keeps both, and the later one would
// silently replace the first.
func eachPair(p *mappingParser, n *yaml.Node, within string, f func(key string, k, v *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return p.errorf(k, within, "keys must be plain text")
		}
		if seen[k.Value] {
			return p.errorf(k, cmp.Or(within, k.Value), "%q is given twice; say it once", k.Value)
		}
		seen[k.Value] = true
		if v.Kind == yaml.AliasNode || v.Anchor != "" {
			return p.errorf(v, k.Value, "anchors and aliases (& and *) are not supported")
		}
		if err := f(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// field reads "field: Column" or "field: {column, join, with, separator,
// prefix, format, values, default, value}".
func (p *mappingParser) field(field string, n *yaml.Node) (fieldRule, error) {
	var r fieldRule
	if n.Kind == yaml.ScalarNode {
		r.column = clean(n.Value)
		if r.column == "" {
			return r, p.errorf(n, field, "%s needs a column name", field)
		}
		return r, nil
	}
	if n.Kind != yaml.MappingNode {
		return r, p.errorf(n, field, "%s must be a column name or {column: …}", field)
	}
	given := map[string]*yaml.Node{} // each key's node, for combinations refused below
	err := eachPair(p, n, field, func(key string, k, v *yaml.Node) error {
		given[key] = k
		var err error
		switch key {
		case "column":
			r.column, r.columns, err = p.columns(field, v)
		case "join":
			r.columns, err = p.joined(field, v)
			r.join = true
		case "with":
			r.with, err = p.rawText(field, key, v)
		case "separator":
			r.separator, err = p.separator(field, v)
		case "prefix":
			r.prefix, err = p.scalar(field, key, v)
		case "format":
			r.layout, err = p.format(field, v)
		case "values":
			r.values, err = p.values(field, v)
		case "default":
			r.def, err = p.parchmentValue(field, key, v)
		case "value":
			r.constant, err = p.parchmentValue(field, key, v)
		default:
			err = p.errorf(k, field, "unknown key %q under %s; expected column, join, with, separator, prefix, format, values, default or value", key, field)
		}
		return err
	})
	if err != nil {
		return r, err
	}
	switch {
	case given["with"] != nil && !r.join:
		// Said before a missing source: the likelier slip is join misspelt.
		return r, p.errorf(given["with"], field, "with of %s applies only to join", field)
	case given["with"] == nil && r.join:
		r.with = withDefault
	}
	return r, p.combination(field, n, r, given)
}

func (p *mappingParser) scalar(field, key string, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.errorf(n, field, "%s of %s must be plain text", key, field)
	}
	return clean(n.Value), nil
}

// dateFields are the fields a format may be given for.
func dateFields() []string { return []string{FieldDateOfBirth, FieldEndDate} }

func (p *mappingParser) format(field string, n *yaml.Node) (*dateLayout, error) {
	text, err := p.scalar(field, "format", n)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(dateFields(), field) {
		return nil, p.errorf(n, field, "format applies only to %s", strings.Join(dateFields(), " and "))
	}
	l, err := parseDateLayout(text)
	if err != nil {
		return nil, p.errorf(n, field, "%v", err)
	}
	return &l, nil
}

// values reads a source-value → Parchment-value map; keys match ignoring
// case and surrounding space.
func (p *mappingParser) values(field string, n *yaml.Node) (map[string]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, field, "values of %s must map source values to Parchment values", field)
	}
	out := map[string]string{}
	err := eachPair(p, n, field, func(key string, k, v *yaml.Node) error {
		if _, dup := out[fold(key)]; dup {
			return p.errorf(k, field, "values of %s lists %q twice (case and spaces are ignored)", field, clean(key))
		}
		val, err := p.parchmentValue(field, "a value", v)
		if err == nil {
			out[fold(key)] = *val
		}
		return err
	})
	return out, err
}

// parchmentValue reads a value to send as field: a list (or ";"-separated
// text) for access_roles, text otherwise. Values of coded fields are
// checked now, so a typo fails before any row is read.
func (p *mappingParser) parchmentValue(field, key string, n *yaml.Node) (*string, error) {
	var v string
	switch {
	case n.Kind == yaml.SequenceNode && field == FieldAccessRoles:
		var roles []string
		for _, item := range n.Content {
			s, err := p.scalar(field, key, item)
			if err != nil {
				return nil, err
			}
			roles = append(roles, s)
		}
		v = strings.Join(roles, ",")
	case n.Kind == yaml.ScalarNode:
		v = clean(n.Value)
	default:
		return nil, p.errorf(n, field, "%s of %s must be plain text", key, field)
	}
	v, ok := canonicalCode(field, v)
	if !ok {
		return nil, p.errorf(n, field, "%s of %s is not something Parchment accepts there", key, field)
	}
	return &v, nil
}

// canonicalCode normalises a configured value of a coded field and reports
// whether Parchment accepts it; other fields pass as they are.
func canonicalCode(field, v string) (string, bool) {
	switch field {
	case FieldAccessRoles:
		roles := normaliseRoles(splitRoles(v))
		for _, r := range roles {
			if !slices.Contains(accessRoles(), r) {
				return v, false
			}
		}
		return strings.Join(roles, ","), true
	case FieldSex:
		v = strings.ToUpper(v)
		return v, v == "" || slices.Contains(sexes(), v)
	case FieldPrescriberType:
		v = strings.ToUpper(v)
		return v, v == "" || slices.Contains(prescriberTypes(), v)
	}
	return v, true
}

// skip reads one rule {column, when: not_empty | empty} or {column, equals:
// X} (also written when: {equals: X} or when: "equals: X"), or a list of
// them; a row matching any is left out.
func (p *mappingParser) skip(n *yaml.Node) error {
	rules := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		rules = n.Content
	}
	for _, rn := range rules {
		if rn.Kind != yaml.MappingNode {
			return p.errorf(rn, "skip", "skip must be {column: …, when: not_empty | empty} or {column: …, equals: …}")
		}
		var s skipRule
		err := eachPair(p, rn, "skip", func(key string, k, v *yaml.Node) error {
			if key == "when" && v.Kind == yaml.MappingNode && len(v.Content) == 2 && v.Content[0].Value == "equals" {
				// when: { equals: X } reads as equals: X.
				key, v = "equals", v.Content[1]
			}
			text, err := p.scalar("skip", key, v)
			if rest, ok := strings.CutPrefix(text, "equals:"); ok && key == "when" {
				// when: "equals: X", the form written on one line.
				key, text = "equals", strings.TrimSpace(rest)
			}
			switch {
			case err != nil:
			case key == "column":
				s.column = text
			case key == "equals" && s.when == 0:
				s.when, s.equals = skipEquals, fold(text)
			case key == "when" && s.when == 0 && text == "not_empty":
				s.when = skipNotEmpty
			case key == "when" && s.when == 0 && text == "empty":
				s.when = skipEmpty
			case key == "when" || key == "equals":
				err = p.errorf(v, "skip", "skip takes one of when: not_empty, when: empty or equals: …")
			default:
				err = p.errorf(k, "skip", "unknown key %q under skip; expected column, when or equals", key)
			}
			return err
		})
		if err != nil {
			return err
		}
		if s.column == "" || s.when == 0 {
			return p.errorf(rn, "skip", "skip needs a column and one of when: not_empty, when: empty or equals: …")
		}
		p.m.skips = append(p.m.skips, s)
	}
	return nil
}

func (p *mappingParser) encoding(n *yaml.Node) error {
	text, err := p.scalar("encoding", "encoding", n)
	if err != nil {
		return err
	}
	switch strings.ToLower(text) {
	case "utf-8", "utf8":
		p.m.charset = charsetUTF8
	case "windows-1252", "cp1252":
		p.m.charset = charsetWindows1252
	default:
		return p.errorf(n, "encoding", "encoding must be utf-8 or windows-1252")
	}
	return nil
}

func (p *mappingParser) delimiter(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return p.errorf(n, "delimiter", "delimiter must be \",\", \";\" or tab")
	}
	switch n.Value {
	case ",":
		p.m.delimiter = ','
	case ";":
		p.m.delimiter = ';'
	case "\t", "tab", `\t`:
		p.m.delimiter = '\t'
	default:
		return p.errorf(n, "delimiter", "delimiter must be \",\", \";\" or tab")
	}
	return nil
}

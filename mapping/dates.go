package mapping

import (
	"fmt"
	"strings"
)

// dateLayout is a date format from a mapping file in ISO 8601 notation:
// DD, D, MM, M, MMM, MMMM and YYYY for the date, then optionally hh, mm, ss
// and ±hh:mm for a time and its offset, with any separators (T among them)
// between them. It is configured, never guessed: 03/04/1980 is a valid date
// read day-first and month-first. Only the calendar date is kept, as
// written: a time or an offset is checked and dropped, never used to move
// the date to UTC.
type dateLayout struct {
	text  string
	parts []datePart
}

type partKind uint8

const (
	partLiteral partKind = iota
	partNumber
	partMonthName
	partOffset
)

type datePart struct {
	kind     partKind
	unit     byte // 'Y', 'M', 'D', 'h', 'm', 's' for numbers and month names; 'z' for the offset
	literal  string
	min, max int  // digits accepted, for numbers
	long     bool // MMMM rather than MMM
}

// offsetToken is how a layout writes a UTC offset; input gives +hh:mm,
// -hh:mm or Z.
const offsetToken = "±hh:mm"

const layoutTokens = "DD, D, MM, M, MMM, MMMM, YYYY, hh, mm, ss, T or ±hh:mm"

// parseDateLayout reads a format such as DD/MM/YYYY or YYYY-MM-DDThh:mm:ss±hh:mm.
func parseDateLayout(text string) (dateLayout, error) {
	l := dateLayout{text: text}
	seen := map[byte]bool{}
	for i := 0; i < len(text); {
		rest := text[i:]
		if strings.HasPrefix(rest, offsetToken) {
			if seen['z'] {
				return l, fmt.Errorf("date format %q names the %s twice", text, unitName('z'))
			}
			seen['z'] = true
			l.parts = append(l.parts, datePart{kind: partOffset, unit: 'z'})
			i += len(offsetToken)
			continue
		}
		if strings.HasPrefix(rest, "±") {
			return l, fmt.Errorf("date format %q: an offset is written %s", text, offsetToken)
		}
		if !isASCIILetterOrDigit(rest[0]) {
			l.parts = append(l.parts, datePart{literal: rest[:1]})
			i++
			continue
		}
		run := 1 // letters the token takes in the format
		for run < len(rest) && rest[run] == rest[0] {
			run++
		}
		p, err := layoutToken(text, rest[0], run)
		if err != nil {
			return l, err
		}
		if p.kind != partLiteral {
			if seen[p.unit] {
				return l, fmt.Errorf("date format %q names the %s twice", text, unitName(p.unit))
			}
			seen[p.unit] = true
		}
		l.parts = append(l.parts, p)
		i += run
	}
	if err := checkLayoutUnits(text, seen); err != nil {
		return l, err
	}
	return l, l.settleWidths()
}

// layoutToken reads a run of one letter, such as YYYY or hh.
func layoutToken(text string, c byte, run int) (datePart, error) {
	switch {
	case c == 'Y' && run == 4:
		return datePart{kind: partNumber, unit: 'Y', min: 4, max: 4}, nil
	case c == 'Y' && run == 2:
		return datePart{}, fmt.Errorf("date format %q has a two-digit year (YY), which is refused: a date of birth written 11/03/25 "+
			"could be 1925 or 2025; export the year with four digits and write YYYY", text)
	case (c == 'D' || c == 'M') && run <= 2:
		return datePart{kind: partNumber, unit: c, min: run, max: 2}, nil
	case c == 'M' && run <= 4:
		return datePart{kind: partMonthName, unit: 'M', long: run == 4}, nil
	case (c == 'h' || c == 'm' || c == 's') && run == 2:
		return datePart{kind: partNumber, unit: c, min: 2, max: 2}, nil
	case c == 'T' && run == 1:
		return datePart{literal: "T"}, nil
	case c == 'Z':
		return datePart{}, fmt.Errorf("date format %q: write a UTC offset as %s, which also accepts Z", text, offsetToken)
	}
	return datePart{}, fmt.Errorf("date format %q: %q is not one of %s", text, strings.Repeat(string(c), run), layoutTokens)
}

// checkLayoutUnits requires a whole date, and a time only as far as it
// goes: minutes need an hour, seconds minutes, an offset a time.
func checkLayoutUnits(text string, seen map[byte]bool) error {
	for _, u := range []byte{'D', 'M', 'Y'} {
		if !seen[u] {
			return fmt.Errorf("date format %q has no %s", text, unitName(u))
		}
	}
	for _, dep := range [][2]byte{{'m', 'h'}, {'s', 'm'}, {'z', 'h'}} {
		if seen[dep[0]] && !seen[dep[1]] {
			return fmt.Errorf("date format %q has %s but no %s", text, unitName(dep[0]), unitName(dep[1]))
		}
	}
	return nil
}

// settleWidths lets a two-digit day, month or hour take one digit when no
// number follows it: spreadsheets write 3/04/1980 9:05 for DD/MM/YYYY hh:mm.
// A one-letter D or M needs a separator to end it.
func (l dateLayout) settleWidths() error {
	for i := range l.parts {
		p := &l.parts[i]
		separated := i+1 == len(l.parts) || l.parts[i+1].kind != partNumber
		switch {
		case p.kind != partNumber || p.unit == 'Y' || p.unit == 'm' || p.unit == 's':
		case separated:
			p.min = 1
		case p.min == 1:
			return fmt.Errorf("date format %q: a one-letter D or M must be followed by a separator", l.text)
		}
	}
	return nil
}

// parse converts v to YYYY-MM-DD. It checks the shape only, and that a time
// or offset is one a clock shows; whether the date is real is for
// validation to say.
func (l dateLayout) parse(v string) (string, bool) {
	var ymd [3]int // year, month, day
	for _, p := range l.parts {
		var n int
		var ok bool
		switch p.kind {
		case partLiteral:
			v, ok = strings.CutPrefix(v, p.literal)
		case partNumber:
			n, v, ok = leadingNumber(v, p.min, p.max)
			ok = ok && n <= maxOf(p.unit)
		case partMonthName:
			n, v, ok = leadingMonth(v, p.long)
		case partOffset:
			v, ok = leadingOffset(v)
		}
		if !ok {
			return "", false
		}
		if i := strings.IndexByte("YMD", p.unit); i >= 0 {
			ymd[i] = n
		}
	}
	if v != "" {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", ymd[0], ymd[1], ymd[2]), true
}

// maxOf bounds a time unit; days and months are left to validation, which
// names the field.
func maxOf(unit byte) int {
	switch unit {
	case 'h':
		return 23
	case 'm':
		return 59
	case 's':
		return 60 // a leap second
	}
	return 9999
}

// leadingNumber reads between min and max digits from the start of v.
func leadingNumber(v string, min, max int) (n int, rest string, ok bool) {
	digits := 0
	for digits < max && digits < len(v) && v[digits] >= '0' && v[digits] <= '9' {
		n = n*10 + int(v[digits]-'0')
		digits++
	}
	return n, v[digits:], digits >= min
}

// leadingOffset reads +hh:mm, -hh:mm or Z from the start of v.
func leadingOffset(v string) (string, bool) {
	if rest, ok := strings.CutPrefix(v, "Z"); ok {
		return rest, true
	}
	if v == "" || v[0] != '+' && v[0] != '-' {
		return v, false
	}
	h, rest, ok := leadingNumber(v[1:], 2, 2)
	rest, colon := strings.CutPrefix(rest, ":")
	if !ok || !colon || h > 14 {
		return v, false
	}
	m, rest, ok := leadingNumber(rest, 2, 2)
	return rest, ok && m <= 59
}

func unitName(u byte) string {
	switch u {
	case 'D':
		return "day (D or DD)"
	case 'M':
		return "month (M, MM, MMM or MMMM)"
	case 'h':
		return "hour (hh)"
	case 'm':
		return "minutes (mm)"
	case 's':
		return "seconds (ss)"
	case 'z':
		return "offset (" + offsetToken + ")"
	}
	return "year (YYYY)"
}

func isASCIILetterOrDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

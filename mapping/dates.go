package mapping

import (
	"fmt"
	"strings"
)

// dateLayout is a date format from a mapping file, built from DD, D, MM, M
// and YYYY with any separators between them. It is configured, never
// guessed: 03/04/1980 is a valid date read day-first and month-first.
type dateLayout struct {
	text  string
	parts []datePart
}

type datePart struct {
	unit     byte // 'D', 'M' or 'Y'; 0 for a literal separator
	literal  string
	min, max int // digits accepted
}

// parseDateLayout reads a format such as DD/MM/YYYY.
func parseDateLayout(text string) (dateLayout, error) {
	l := dateLayout{text: text}
	seen := map[byte]bool{}
	for i := 0; i < len(text); {
		var p datePart
		var width int // letters the token takes in the format
		switch rest := text[i:]; {
		case strings.HasPrefix(rest, "YYYY"):
			p, width = datePart{unit: 'Y', min: 4, max: 4}, 4
		case strings.HasPrefix(rest, "DD"), strings.HasPrefix(rest, "MM"):
			p, width = datePart{unit: rest[0], min: 2, max: 2}, 2
		case rest[0] == 'D', rest[0] == 'M':
			p, width = datePart{unit: rest[0], min: 1, max: 2}, 1
		case isASCIILetterOrDigit(rest[0]):
			return l, fmt.Errorf("date format %q: %q is not one of DD, D, MM, M, YYYY", text, rest[:1])
		default:
			l.parts = append(l.parts, datePart{literal: rest[:1]})
			i++
			continue
		}
		if seen[p.unit] {
			return l, fmt.Errorf("date format %q names the %s twice", text, unitName(p.unit))
		}
		seen[p.unit] = true
		l.parts = append(l.parts, p)
		i += width
	}
	for _, u := range []byte{'D', 'M', 'Y'} {
		if !seen[u] {
			return l, fmt.Errorf("date format %q has no %s", text, unitName(u))
		}
	}
	for i := range l.parts {
		separated := i+1 == len(l.parts) || l.parts[i+1].unit == 0
		switch {
		case l.parts[i].unit == 0 || l.parts[i].unit == 'Y':
		case separated:
			// Spreadsheets write 3/04/1980 for DD/MM/YYYY: when a separator
			// follows, a two-digit part also takes one digit unambiguously.
			l.parts[i].min = 1
		case l.parts[i].min == 1:
			return l, fmt.Errorf("date format %q: a one-letter D or M must be followed by a separator", text)
		}
	}
	return l, nil
}

// parse converts v to YYYY-MM-DD. It checks the shape only; whether the
// date is real is for validation to say.
func (l dateLayout) parse(v string) (string, bool) {
	var ymd [3]int // year, month, day
	for _, p := range l.parts {
		if p.unit == 0 {
			if !strings.HasPrefix(v, p.literal) {
				return "", false
			}
			v = v[len(p.literal):]
			continue
		}
		n, digits := 0, 0
		for digits < p.max && digits < len(v) && v[digits] >= '0' && v[digits] <= '9' {
			n = n*10 + int(v[digits]-'0')
			digits++
		}
		if digits < p.min {
			return "", false
		}
		v = v[digits:]
		ymd[strings.IndexByte("YMD", p.unit)] = n
	}
	if v != "" {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", ymd[0], ymd[1], ymd[2]), true
}

func unitName(u byte) string {
	switch u {
	case 'D':
		return "day (D or DD)"
	case 'M':
		return "month (M or MM)"
	}
	return "year (YYYY)"
}

func isASCIILetterOrDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

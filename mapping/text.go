package mapping

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// clean puts a cell in NFC and collapses every run of white space (tabs,
// newlines of a multi-line cell, no-break spaces) to one space, trimmed, so
// that "Zoë" typed two ways and "Mary  Ann" compare equal to what Parchment
// holds.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isClean reports whether clean would return s as it is: printable ASCII
// (already NFC) with single spaces inside only. Most cells are, and they
// cost no copy.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ') {
			return false
		}
	}
	return true
}

// fold is the key two values match on when a comparison ignores case.
func fold(s string) string { return strings.ToLower(clean(s)) }

// stripChars removes every rune of cut from s.
func stripChars(s, cut string) string {
	if !strings.ContainsAny(s, cut) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(cut, r) {
			return -1
		}
		return r
	}, s)
}

package parchment

import "regexp"

// Server-written text (an error's title, detail and validation messages)
// goes into logs, reports and the ledger. Parchment may echo a submitted
// value in it, so anything shaped like an identifier, a phone number or a
// date of birth is masked first.
var (
	longDigits = regexp.MustCompile(`\+?\d[\d ]{4,}\d`)
	isoDate    = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
)

// redact masks digit runs of six or more (HPI-I, phone, prescriber and
// provider numbers) and ISO dates in server-written text.
func redact(s string) string {
	s = isoDate.ReplaceAllString(s, "****-**-**")
	return longDigits.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < 6 {
			return m
		}
		return "[redacted]"
	})
}

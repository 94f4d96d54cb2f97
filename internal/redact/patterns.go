package redact

import "regexp"

// Credentials: a header or field named as one, whatever its value; a
// Bearer token; a URL's password. Values end at whitespace or a quote,
// comma or semicolon, as they do in headers, JSON and connection strings.
var (
	labelled = regexp.MustCompile(`(?i)((?:x-organi[sz]ation-secret|x-partner-secret|authorization|access_?token|password|secret)["']?\s*[:=]\s*["']?)(?:bearer\s+)*[^\s"'<>,;\\]+`)
	bearer   = regexp.MustCompile(`(?i)((?:bearer\s+)+)[^\s"'<>,;\\]+`)
	userinfo = regexp.MustCompile(`(\w+://[^:/\s@]*:)[^@\s/]+@`)
)

func credentials(s string) string {
	s = labelled.ReplaceAllString(s, "${1}"+Mask)
	s = bearer.ReplaceAllString(s, "${1}"+Mask)
	return userinfo.ReplaceAllString(s, "${1}"+Mask+"@")
}

// Personal details a server may echo from a submitted record, in the forms
// Australian rosters write them: dates of birth (14/03/1978, 1978-03-14,
// 14 March 1978, March 14, 1978), phone numbers ((04) 1234-5678,
// +61 412 345 678) and HPI-Is (8003 6149 0002 9560, 8003-6149-0002-9560).
// There is no \b before a pattern: text glued to a value must not shield it.
var (
	month       = `(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?`
	dayMonth    = regexp.MustCompile(`(?i)\d{1,2}(?:st|nd|rd|th)?[\s\-/.]*` + month + `,?[\s\-/.]*\d{2,4}`)
	monthDay    = regexp.MustCompile(`(?i)` + month + `\s*\d{1,2}(?:st|nd|rd|th)?,?\s*\d{2,4}`)
	numericDate = regexp.MustCompile(`\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}`)
	// digitRun is digits with the separators phone numbers and HPI-Is are
	// written with; it is masked when it holds six digits or more.
	digitRun = regexp.MustCompile(`\+?\(?\d[\d\s().\-]*\d`)
)

// minDigits is the shortest digit run taken for an identifier: shorter
// numbers (a status, a count, a field length) stay readable.
const minDigits = 6

// Personal masks dates, phone numbers, HPI-Is and any other run of six or
// more digits.
func Personal(s string) string {
	for _, re := range []*regexp.Regexp{dayMonth, monthDay, numericDate} {
		s = re.ReplaceAllString(s, Mask)
	}
	return digitRun.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < minDigits {
			return m
		}
		return Mask
	})
}

package mapping

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	maxNameChars           = 255
	maxIDChars             = 255
	maxEmailChars          = 254
	maxShortIDLen          = 15 // AHPRA and provider numbers, per the create page
	canonicalDate          = "2006-01-02"
	prescriberTypeNoNumber = "T" // podiatrists need no prescriber number
)

func accessRoles() []string { return []string{"admin", RoleProvider, "receptionist", "rx_reader"} }
func sexes() []string       { return []string{"M", "F", "I", "N"} }
func prescriberTypes() []string {
	return []string{"M", "E", "U", "F", "D", "V", "T", "C"}
}

// Validate checks a normalised record against CONTRACT.md's reading of the
// create page, and the roster-only end_date's form. Each problem carries
// line and the record's external_user_id. today bounds a date of birth.
func Validate(rec Record, line int, today time.Time) []Problem {
	ps := validate(rec, today)
	for i := range ps {
		ps[i].Line = line
		ps[i].ExternalUserID = rec.ExternalUserID
	}
	return ps
}

// checks collects problems for one record; line and id are filled later.
type checks []Problem

func (c *checks) add(sev Severity, field, format string, args ...any) {
	*c = append(*c, Problem{Field: field, Message: fmt.Sprintf(format, args...), Severity: sev})
}

func (c *checks) err(field, format string, args ...any) { c.add(SeverityError, field, format, args...) }

func (c *checks) warn(field, format string, args ...any) {
	c.add(SeverityWarning, field, format, args...)
}

// required reports whether v is present, adding an error when it must be.
func (c *checks) required(field, v string, must bool, why string) bool {
	if v != "" {
		return true
	}
	if must {
		c.err(field, "%s is empty; %s", field, why)
	}
	return false
}

func (c *checks) maxChars(field, v string, limit int) {
	if len(v) <= limit {
		return // no more characters than bytes
	}
	if n := utf8.RuneCountInString(v); n > limit {
		c.err(field, "%s is %d characters long; Parchment allows at most %d", field, n, limit)
	}
}

func validate(rec Record, today time.Time) []Problem {
	var c checks
	provider := rec.IsProvider()
	const forProvider = "it is required for a provider"

	if c.required(FieldExternalUserID, rec.ExternalUserID, true, "every person needs the ID your roster system gives them") {
		c.maxChars(FieldExternalUserID, rec.ExternalUserID, maxIDChars)
	}
	if c.required(FieldGivenName, rec.GivenName, true, "Parchment needs a given name") {
		c.maxChars(FieldGivenName, rec.GivenName, maxNameChars)
	}
	if c.required(FieldFamilyName, rec.FamilyName, true, "Parchment needs a family name") {
		c.maxChars(FieldFamilyName, rec.FamilyName, maxNameChars)
	}
	if c.required(FieldEmail, rec.Email, true, "Parchment needs an email address for every user") {
		checkEmail(&c, rec.Email)
	}
	if c.required(FieldDateOfBirth, rec.DateOfBirth, provider, forProvider) {
		checkDateOfBirth(&c, rec.DateOfBirth, today)
	}
	if c.required(FieldSex, rec.Sex, provider, forProvider) && !slices.Contains(sexes(), rec.Sex) {
		c.err(FieldSex, "sex must be M, F, I (indeterminate) or N (not stated)")
	}
	if rec.Phone != "" && !ValidPhone(rec.Phone) {
		c.err(FieldPhone, "phone is not an Australian number Parchment accepts (04xxxxxxxx, 02/03/07/08 landline, or 61/+61 and 9 digits)")
	}
	for _, r := range rec.AccessRoles {
		if !slices.Contains(accessRoles(), r) {
			c.err(FieldAccessRoles, "access_roles has %q, which is not a Parchment role (use admin, provider, receptionist or rx_reader)", r)
		}
	}
	if slices.Contains(rec.AccessRoles, "rx_reader") && !slices.Contains(rec.AccessRoles, "receptionist") {
		// The roles page: rx_reader "needs to be combined with receptionist";
		// alone, Parchment filters it out.
		c.err(FieldAccessRoles, "access_roles has rx_reader without receptionist: Parchment only keeps rx_reader together with receptionist; add receptionist to the row or remove rx_reader")
	}
	if c.required(FieldHPIINumber, rec.HPIINumber, provider, forProvider) {
		checkHPII(&c, rec.HPIINumber)
	}
	typeOK := c.required(FieldPrescriberType, rec.PrescriberType, provider, forProvider)
	if typeOK && !slices.Contains(prescriberTypes(), rec.PrescriberType) {
		c.err(FieldPrescriberType, "prescriber_type must be one of M, E, U, F, D, V, T, C")
	}
	needNumber := provider && rec.PrescriberType != prescriberTypeNoNumber
	if c.required(FieldPrescriberNumber, rec.PrescriberNumber, needNumber, "it is required for a provider unless prescriber_type is T") {
		checkPrescriberNumber(&c, rec.PrescriberNumber)
	}
	if c.required(FieldQualifications, rec.Qualifications, provider, forProvider) {
		c.maxChars(FieldQualifications, rec.Qualifications, maxNameChars)
	}
	if rec.ProviderNumber != "" {
		checkProviderNumber(&c, rec.ProviderNumber)
	}
	if rec.AHPRANumber != "" {
		checkAHPRA(&c, rec.AHPRANumber)
	}
	if rec.EndDate != "" {
		checkEndDate(&c, rec.EndDate)
	}
	return c
}

func checkEmail(c *checks, email string) {
	if len(email) > maxEmailChars && utf8.RuneCountInString(email) > maxEmailChars {
		c.err(FieldEmail, "email is longer than %d characters", maxEmailChars)
		return
	}
	if isDotAtomAddress(email) {
		return // the common case, which mail.ParseAddress takes as it is
	}
	addr, err := mail.ParseAddress(email)
	// A display name ("Ann <ann@x.au>") or a domain without a dot parses but
	// is not what Parchment wants.
	if err != nil || addr.Address != email || addr.Name != "" || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		c.err(FieldEmail, "email is not a valid email address (expected name@example.com.au)")
	}
}

// isDotAtomAddress reports whether email is local@domain with both parts
// dot-atoms of ASCII letters, digits and the usual symbols, and a dot in
// the domain: an address RFC 5322 reads exactly as written.
func isDotAtomAddress(email string) bool {
	at := strings.IndexByte(email, '@')
	if at < 0 {
		return false
	}
	local, domain := email[:at], email[at+1:]
	return dotAtom(local, "!#$%&'*+/=?^_`{|}~-") && dotAtom(domain, "-") && strings.Contains(domain, ".")
}

// dotAtom reports whether s is atoms of letters, digits and the symbols
// given, joined by single dots.
func dotAtom(s, symbols string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.':
			if s[i+1] == '.' {
				return false
			}
		case strings.IndexByte(symbols, c) >= 0:
		default:
			return false
		}
	}
	return true
}

func checkDateOfBirth(c *checks, dob string, today time.Time) {
	d, ok := checkDate(c, FieldDateOfBirth, dob)
	if ok && d.After(dateOf(today)) {
		c.err(FieldDateOfBirth, "date_of_birth is in the future")
	}
}

// checkEndDate checks the leaving day's form only: a future end date is
// notice given, not an error.
func checkEndDate(c *checks, end string) { checkDate(c, FieldEndDate, end) }

// checkDate reports an error on field unless v is a real date written
// YYYY-MM-DD, and returns the date when it is one.
func checkDate(c *checks, field, v string) (time.Time, bool) {
	if !isCanonicalDateShape(v) {
		c.err(field, "%s must be written YYYY-MM-DD (a spreadsheet may have reformatted it; a mapping file can name another format)", field)
		return time.Time{}, false
	}
	d, ok := parseCanonicalDate(v)
	if !ok {
		c.err(field, "%s is not a real date", field)
	}
	return d, ok
}

// parseCanonicalDate reads a real date written YYYY-MM-DD, as midnight UTC.
func parseCanonicalDate(s string) (time.Time, bool) {
	if !isCanonicalDateShape(s) {
		return time.Time{}, false
	}
	d, err := time.Parse(canonicalDate, s)
	return d, err == nil
}

// dateOf is t's calendar date in t's own location, as midnight UTC, to
// compare with parseCanonicalDate's dates.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// isCanonicalDateShape reports whether s looks like YYYY-MM-DD, whether or
// not it is a real date.
func isCanonicalDateShape(s string) bool {
	return len(s) == len(canonicalDate) && s[4] == '-' && s[7] == '-' &&
		allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:])
}

func checkHPII(c *checks, s string) {
	switch {
	case looksLikeSpreadsheetNumber(s):
		c.err(FieldHPIINumber, "HPI-I was turned into a number by a spreadsheet (it shows an exponent); format the column as Text and enter it again")
	case len(s) != hpiiLength || !allDigits(s):
		c.err(FieldHPIINumber, "HPI-I must be 16 digits (this one has %d characters)", utf8.RuneCountInString(s))
	case strings.HasPrefix(s, hpioPrefix):
		c.err(FieldHPIINumber, "this is an organisation's HPI-O (800362…), not the practitioner's HPI-I (800361…)")
	case !strings.HasPrefix(s, hpiiPrefix):
		c.err(FieldHPIINumber, "HPI-I must start with 800361")
	case !luhn(s):
		c.err(FieldHPIINumber, "HPI-I check digit is wrong; copy it again from the practitioner's HPI-I record (a spreadsheet may have rounded its last digits)")
	}
}

// looksLikeSpreadsheetNumber spots the "8.00361E+15" that a spreadsheet
// writes for a long number it stored as a number.
func looksLikeSpreadsheetNumber(s string) bool {
	return strings.ContainsAny(s, ".") && strings.Contains(strings.ToUpper(s), "E+")
}

// checkPrescriberNumber refuses only what Parchment refuses (more than 10
// characters); a value that is not a PBS prescriber number is a warning.
func checkPrescriberNumber(c *checks, s string) {
	switch {
	case !ValidPrescriberNumber(s):
		c.err(FieldPrescriberNumber, "prescriber_number is %d characters long; Parchment allows at most %d", utf8.RuneCountInString(s), maxPrescriberLen)
	case len(s) != pbsLength || !allDigits(s):
		c.warn(FieldPrescriberNumber, "prescriber_number is not a 7-digit PBS prescriber number; check it")
	case !PBSPrescriberNumberOK(s):
		c.warn(FieldPrescriberNumber, "prescriber_number fails the PBS check digit; check it against the prescriber's PBS details")
	}
}

// checkProviderNumber refuses what the create page refuses (more than 15
// characters). A valid Medicare provider number raises nothing; the
// Medicare check and the update page's rule are warnings.
func checkProviderNumber(c *checks, s string) {
	if n := utf8.RuneCountInString(s); n > maxShortIDLen {
		c.err(FieldProviderNumber, "provider_number is %d characters long; Parchment allows at most %d", n, maxShortIDLen)
		return
	}
	if !MedicareProviderNumberOK(s) {
		c.warn(FieldProviderNumber, "provider_number fails the Medicare check character (or is not 6 digits, a location character and a check character); check it against the Medicare provider number letter")
	}
	if !ValidProviderNumberForUpdate(s) {
		c.warn(FieldProviderNumber, "provider_number is longer than %d characters, so it would fail Parchment's update rule: the user can be created, but later provider updates may be refused", maxUpdateProvLen)
	}
}

func checkAHPRA(c *checks, s string) {
	if n := utf8.RuneCountInString(s); n > maxShortIDLen {
		c.err(FieldAHPRANumber, "ahpra_number is %d characters long; Parchment allows at most %d", n, maxShortIDLen)
		return
	}
	switch {
	case !AHPRANumberShapeOK(s):
		c.warn(FieldAHPRANumber, "ahpra_number is not 3 letters and 10 digits (like MED0001234567); check it on the AHPRA register")
	case !AHPRAProfessionKnown(s):
		c.warn(FieldAHPRANumber, "ahpra_number starts with %q, which is not an AHPRA profession code", s[:3])
	}
}

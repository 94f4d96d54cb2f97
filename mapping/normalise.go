package mapping

import (
	"slices"
	"strings"
)

// Characters people type inside numbers that carry no meaning.
const (
	phoneFormatting = " -.()[]"
	idFormatting    = " -"
)

// CleanPhone normalises a phone given outside a roster (a clinic's number
// in the configuration) as a roster's is, formatting characters stripped,
// and reports whether it is a form Parchment accepts (see ValidPhone).
func CleanPhone(s string) (string, bool) {
	p := stripChars(strings.TrimSpace(s), phoneFormatting)
	return p, ValidPhone(p)
}

// normalise brings a record (cells already cleaned) to the form Parchment
// holds. It returns warnings for the repairs that change a value's meaning
// as written, so someone can check them.
func normalise(rec *Record) []Problem {
	var warnings []Problem
	warn := func(field, msg string) {
		warnings = append(warnings, Problem{Field: field, Message: msg, Severity: SeverityWarning})
	}

	rec.Phone = stripChars(rec.Phone, phoneFormatting)
	// A 9-digit number that starts like an Australian mobile or landline
	// without its 0 is what Excel leaves of a phone stored as a number.
	if len(rec.Phone) == 9 && allDigits(rec.Phone) && strings.IndexByte("23478", rec.Phone[0]) >= 0 {
		rec.Phone = "0" + rec.Phone
		warn(FieldPhone, "phone had lost its leading 0 (Excel drops it from numbers); the 0 was put back: check the number")
	}

	rec.Sex = strings.ToUpper(rec.Sex)
	rec.PrescriberType = strings.ToUpper(rec.PrescriberType)
	rec.HospitalProviderNumber = strings.ToUpper(rec.HospitalProviderNumber)
	rec.HPIINumber = stripChars(rec.HPIINumber, idFormatting)
	rec.AHPRANumber = strings.ToUpper(stripChars(rec.AHPRANumber, idFormatting))
	rec.ProviderNumber = strings.ToUpper(stripChars(rec.ProviderNumber, idFormatting))
	rec.PrescriberNumber = strings.ToUpper(stripChars(rec.PrescriberNumber, idFormatting))
	// PBS prescriber numbers have 7 digits; 6 digits can only be one whose
	// leading 0 Excel dropped.
	if len(rec.PrescriberNumber) == pbsLength-1 && allDigits(rec.PrescriberNumber) {
		rec.PrescriberNumber = "0" + rec.PrescriberNumber
		warn(FieldPrescriberNumber, "prescriber_number had 6 digits; the leading 0 that Excel drops was put back: check the number")
	}

	rec.AccessRoles = normaliseRoles(rec.AccessRoles)
	return warnings
}

// normaliseRoles lower-cases, sorts and de-duplicates roles, dropping empty
// entries left by stray separators.
func normaliseRoles(roles []string) []string {
	if len(roles) == 1 && roles[0] != "" && fold(roles[0]) == roles[0] {
		return roles // one role, as written: most rows
	}
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		if r = fold(r); r != "" {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// splitRoles splits an access_roles cell on ";" or ",".
func splitRoles(s string) []string {
	if s == "" {
		return nil
	}
	if !strings.ContainsAny(s, ";,") {
		return []string{s}
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' })
}

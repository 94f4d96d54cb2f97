package mapping

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// The public algorithms behind Australian health identifiers, as CONTRACT.md
// reads them. Callers pass normalised values (upper case, no spaces).

const (
	hpiiLength = 16
	// hpiiPrefix marks an individual's HPI; an organisation's HPI-O starts
	// 800362 and is a common mix-up.
	hpiiPrefix  = "800361"
	hpioPrefix  = "800362"
	pbsLength   = 7
	ahpraLength = 13
	ahpraDigits = 10
	// maxPrescriberLen bounds a prescriber number on create and update.
	maxPrescriberLen = 10
	// maxUpdateProvLen bounds a provider number on update (letters or
	// digits); create allows 15 characters of any kind.
	maxUpdateProvLen = 10
	// medicareLocations gives each practice location character its value
	// (its index); I, O, S and Z are never used.
	medicareLocations = "0123456789ABCDEFGHJKLMNPQRTUVWXY"
	// medicareChecks maps the weighted remainder 0..10 to the check character.
	medicareChecks = "YXWTLKJHFBA"
)

// ahpraProfessions lists the profession codes that open an AHPRA
// registration number.
func ahpraProfessions() []string {
	return []string{
		"ATS", "CMR", "CHI", "DEN", "MED", "MRP", "NMW", "OCC",
		"OPT", "OST", "PHA", "PHY", "POD", "PSY",
	}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// luhn reports whether a string of digits ends in a valid Luhn check digit.
func luhn(digits string) bool {
	if !allDigits(digits) {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// ValidHPII reports whether s is a well-formed HPI-I: 16 digits, the
// individual prefix 800361 and a Luhn check digit.
func ValidHPII(s string) bool {
	return len(s) == hpiiLength && strings.HasPrefix(s, hpiiPrefix) && luhn(s)
}

// MedicareProviderNumberOK reports whether s has the shape of a Medicare
// provider number (a 5- or 6-digit stem, a practice location character and a
// check character) and its check character is right. Medicare has issued a
// few numbers that fail, so callers treat false as a warning.
func MedicareProviderNumberOK(s string) bool {
	if len(s) == 7 {
		s = "0" + s // a 5-digit stem is read with a leading 0
	}
	if len(s) != 8 || !allDigits(s[:6]) {
		return false
	}
	loc := strings.IndexByte(medicareLocations, s[6])
	if loc < 0 {
		return false
	}
	weights := [6]int{3, 5, 8, 4, 2, 1}
	sum := loc * 6
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return s[7] == medicareChecks[sum%11]
}

// PBSPrescriberNumberOK reports whether s is a 7-digit PBS prescriber number
// whose last digit passes the PBS check. The check is soft: a failure is a
// warning.
func PBSPrescriberNumberOK(s string) bool {
	if len(s) != pbsLength || !allDigits(s) {
		return false
	}
	weights, mod := [6]int{1, 3, 7, 9, 1, 3}, 10
	if s[0] == '0' {
		weights, mod = [6]int{0, 5, 8, 4, 2, 1}, 11
	}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return sum%mod == int(s[6]-'0')
}

// ValidPrescriberNumber reports whether s meets Parchment's rule for a
// prescriber number on create and update alike: 1 to 10 characters. A PBS
// prescriber number is 7 digits, but other shapes are only a warning: see
// PBSPrescriberNumberOK.
func ValidPrescriberNumber(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 1 && n <= maxPrescriberLen
}

// ValidProviderNumberForUpdate reports whether s meets the update page's
// rule for a provider number: 1 to 10 characters (since 2026-03-04; the
// first version's alphanumeric rule was dropped). Every Medicare provider
// number meets it; the create page accepts 1-15 characters, so some
// created values may later fail an update.
func ValidProviderNumberForUpdate(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 1 && n <= maxUpdateProvLen
}

// AHPRANumberShapeOK reports whether s is 3 upper-case letters and 10 digits.
func AHPRANumberShapeOK(s string) bool {
	if len(s) != ahpraLength || !allDigits(s[3:]) {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// AHPRAProfessionKnown reports whether s starts with a known AHPRA
// profession code.
func AHPRAProfessionKnown(s string) bool {
	return len(s) >= 3 && slices.Contains(ahpraProfessions(), s[:3])
}

// ValidPhone reports whether s, already stripped of spaces, dashes, dots
// and brackets, is one of the Australian forms Parchment accepts:
// 04xxxxxxxx, 0[2378]xxxxxxxx, 61 + 9 digits or +61 + 9 digits.
func ValidPhone(s string) bool {
	var national string // the 9 digits after the 0, 61 or +61
	switch {
	case strings.HasPrefix(s, "+61"):
		national = s[3:]
	case strings.HasPrefix(s, "61"):
		national = s[2:]
	case strings.HasPrefix(s, "0"):
		national = s[1:]
	}
	// The international forms need a mobile or area digit too: Parchment
	// refuses +61 1… or 61 9… just as it refuses 01… or 09….
	return len(national) == 9 && allDigits(national) && strings.IndexByte("23478", national[0]) >= 0
}

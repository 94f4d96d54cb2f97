package parchmenttest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	// auPhone is the documented forms: 04xxxxxxxx, 0[2378]xxxxxxxx, and
	// the same after 61 or +61 instead of the 0; digits only.
	auPhone      = regexp.MustCompile(`^(0|61|\+61)[23478][0-9]{8}$`)
	emailAddress = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	digitsOnly   = regexp.MustCompile(`^[0-9]*$`)
)

func sexes() []string           { return []string{"M", "F", "I", "N"} }
func prescriberTypes() []string { return []string{"M", "E", "U", "F", "D", "V", "T", "C"} }
func accessRoles() []string     { return []string{"admin", "provider", "receptionist", "rx_reader"} }

// heldOnlyRoles exist in Parchment but no call may give them:
// rx_queue_manager is "coming soon"; owner, support and member never
// (member is what disabling leaves).
func heldOnlyRoles() []string { return []string{"owner", "support", "member", "rx_queue_manager"} }

// AssignableRoles are the roles call's accepted values, openapi's enum:
// the create page's four and rx_queue_manager, which is accepted but,
// being "coming soon", filtered out. Config.DropRoles takes these.
func AssignableRoles() []string { return append(accessRoles(), "rx_queue_manager") }

// keptRoles is what the server keeps of accepted roles, duplicates
// collapsed and order kept. It filters rx_queue_manager ("coming soon"),
// rx_reader without receptionist (the roles page: it "needs to be
// combined with receptionist", since 2026-03-04) and the roles it is
// configured to drop. The roles page's 400 "access_roles must contain at
// least one valid role after filtering" is the only published trace of
// this filtering; which roles it removes is our reading.
func keptRoles(sent, drop []string) []string {
	kept := make([]string, 0, len(sent))
	for _, r := range distinct(sent) {
		switch {
		case r == "rx_queue_manager", slices.Contains(drop, r):
		case r == "rx_reader" && !slices.Contains(sent, "receptionist"):
		default:
			kept = append(kept, r)
		}
	}
	return kept
}

// memberRole is all a disabled user keeps.
const memberRole = "member"

// podiatrist is the prescriber type without a prescriber number.
const podiatrist = "T"

// checks collects validation problems in the order found.
type checks struct{ problems []FieldError }

func (c *checks) add(field, message string) {
	c.problems = append(c.problems, FieldError{Field: field, Message: message, Code: "VALIDATION_ERROR"})
}

func (c *checks) length(field, v string, lo, hi int) {
	if n := utf8.RuneCountInString(v); n < lo || n > hi {
		if lo == hi {
			c.add(field, fmt.Sprintf("Must be exactly %d characters", lo))
		} else {
			c.add(field, fmt.Sprintf("Must be %d-%d characters", lo, hi))
		}
	}
}

// date wants a real calendar day written YYYY-MM-DD.
func (c *checks) date(field, v string) {
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		c.add(field, "Invalid date")
	}
}

func (c *checks) oneOf(field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		c.add(field, "Must be one of "+strings.Join(allowed, ", "))
	}
}

func (c *checks) hpii(field, v string) {
	if len(v) != 16 || !digitsOnly.MatchString(v) {
		c.add(field, "Must be 16 digits")
	}
}

func (c *checks) phone(field, v string) {
	if !auPhone.MatchString(v) {
		c.add(field, "Must be an Australian phone number, digits only")
	}
}

func (c *checks) email(field, v string) {
	if len(v) > 255 || !emailAddress.MatchString(v) {
		c.add(field, "Invalid email")
	}
}

func (c *checks) roles(field string, roles []string) {
	for _, r := range roles {
		if !slices.Contains(accessRoles(), r) {
			c.add(field, fmt.Sprintf("Invalid access role '%s'; must be one of %s", r, strings.Join(accessRoles(), ", ")))
		}
	}
}

// field checks v when set and reports it missing when needed.
func (c *checks) field(name, v string, needed bool, check func(field, v string)) {
	switch {
	case v != "":
		check(name, v)
	case needed:
		c.add(name, "Required")
	}
}

// optional checks v when the body carried it, even empty.
func (c *checks) optional(name string, v *string, check func(field, v string)) {
	if v != nil {
		check(name, *v)
	}
}

func (c *checks) lengthOf(lo, hi int) func(field, v string) {
	return func(field, v string) { c.length(field, v, lo, hi) }
}

func (c *checks) among(allowed []string) func(field, v string) {
	return func(field, v string) { c.oneOf(field, v, allowed) }
}

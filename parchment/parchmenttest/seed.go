package parchmenttest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Seed is one user a seed file puts in one organisation, as if made by
// hand in Parchment's portal before the sync ran.
type Seed struct {
	OrganizationID string
	User           User
	Line           int // the file line its row starts on
}

// SeedError is a seed file problem, placed as precisely as it can be.
type SeedError struct {
	File   string
	Line   int    // 0: the file as a whole
	Column int    // 1-based field; 0 when only Header or nothing places it
	Header string // the column's name, when known
	Err    error
}

func (e *SeedError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	switch {
	case e.Column > 0 && e.Header != "":
		fmt.Fprintf(&b, ", column %d %q", e.Column, e.Header)
	case e.Column > 0:
		fmt.Fprintf(&b, ", column %d", e.Column)
	case e.Header != "":
		fmt.Fprintf(&b, ", column %q", e.Header)
	}
	return b.String() + ": " + e.Err.Error()
}

func (e *SeedError) Unwrap() error { return e.Err }

// seedColumn is one canonical header of a seed file.
type seedColumn struct {
	name     string
	required bool
	set      func(s *Seed, v string) error
}

// seedColumns are the headers a seed file may use, named as the create
// call names its fields; organization_id says where the row goes and
// disabled (true/false) whether it may sign in. Only required values and
// those with a closed set or a fixed form (email, roles, date, sex,
// prescriber type, disabled) are checked: the rest is stored as written,
// as a portal user's may be.
func seedColumns() []seedColumn {
	text := func(dst func(*User) *string) func(*Seed, string) error {
		return func(s *Seed, v string) error { *dst(&s.User) = v; return nil }
	}
	name := func(dst func(*User) *string) func(*Seed, string) error {
		return func(s *Seed, v string) error {
			if utf8.RuneCountInString(v) > 255 {
				return errors.New("longer than 255 characters")
			}
			*dst(&s.User) = v
			return nil
		}
	}
	among := func(allowed []string, dst func(*User) *string) func(*Seed, string) error {
		return func(s *Seed, v string) error {
			if v != "" && !slices.Contains(allowed, v) {
				return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
			}
			*dst(&s.User) = v
			return nil
		}
	}
	return []seedColumn{
		{"organization_id", true, func(s *Seed, v string) error { s.OrganizationID = v; return nil }},
		{"external_user_id", false, text(func(u *User) *string { return &u.ExternalUserID })},
		{"given_name", true, name(func(u *User) *string { return &u.GivenName })},
		{"family_name", true, name(func(u *User) *string { return &u.FamilyName })},
		{"email", true, func(s *Seed, v string) error {
			if v != "" && !emailAddress.MatchString(v) {
				return fmt.Errorf("%q is not an email address", v)
			}
			s.User.Email = v
			return nil
		}},
		{"access_roles", false, func(s *Seed, v string) error {
			roles, err := parseSeedRoles(v)
			s.User.AccessRoles = roles
			return err
		}},
		{"date_of_birth", false, func(s *Seed, v string) error {
			if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil {
				return fmt.Errorf("%q is not a YYYY-MM-DD date", v)
			}
			s.User.DateOfBirth = v
			return nil
		}},
		// O is accepted: the pages say a user may read back with it.
		{"sex", false, among([]string{"M", "F", "I", "N", "O"}, func(u *User) *string { return &u.Sex })},
		{"phone", false, text(func(u *User) *string { return &u.Phone })},
		{"title", false, text(func(u *User) *string { return &u.Title })},
		{"hpii_number", false, text(func(u *User) *string { return &u.HPIINumber })},
		{"prescriber_type", false, among(prescriberTypes(), func(u *User) *string { return &u.PrescriberType })},
		{"prescriber_number", false, text(func(u *User) *string { return &u.PrescriberNumber })},
		{"qualifications", false, text(func(u *User) *string { return &u.Qualifications })},
		{"provider_number", false, text(func(u *User) *string { return &u.ProviderNumber })},
		{"ahpra_number", false, text(func(u *User) *string { return &u.AHPRANumber })},
		{"hospital_provider_number", false, text(func(u *User) *string { return &u.HospitalProviderNumber })},
		{"disabled", false, func(s *Seed, v string) error {
			switch strings.ToLower(v) {
			case "", "false":
				s.User.Disabled = false
			case "true":
				s.User.Disabled = true
			default:
				return fmt.Errorf("%q is neither true nor false", v)
			}
			return nil
		}},
	}
}

// parseSeedRoles splits roles on ; or , (a spreadsheet quotes commas,
// a semicolon needs no quotes). Portal users may hold any role Parchment
// has, assignable or not.
func parseSeedRoles(v string) ([]string, error) {
	var roles []string
	for _, r := range strings.FieldsFunc(v, func(c rune) bool { return c == ';' || c == ',' }) {
		r = strings.TrimSpace(r)
		switch {
		case r == "":
		case !slices.Contains(accessRoles(), r) && !slices.Contains(heldOnlyRoles(), r):
			return nil, fmt.Errorf("unknown access role %q", r)
		case !slices.Contains(roles, r):
			roles = append(roles, r)
		}
	}
	return roles, nil
}

// LoadUsers reads a seed CSV: a header row of canonical names (see
// seedColumns; organization_id, email, given_name and family_name
// required), then one user a row. name is the file's name for errors,
// which are *SeedError naming its line and column. A disabled row without
// roles holds member, as disabling leaves a user. Two rows of one
// organisation may not share an email (ignoring case) or external_user_id.
func LoadUsers(r io.Reader, name string) ([]Seed, error) {
	seeds, _, err := loadSeeds(r, name)
	return seeds, err
}

// loadSeeds is LoadUsers, also answering each header's 1-based column.
func loadSeeds(r io.Reader, name string) ([]Seed, map[string]int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // counted here, to name the line plainly
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, &SeedError{File: name, Err: errors.New("no header row")}
	}
	if err != nil {
		return nil, nil, csvError(name, err)
	}
	cols, err := seedHeader(name, header)
	if err != nil {
		return nil, nil, err
	}
	positions := map[string]int{}
	for i, c := range cols {
		positions[c.name] = i + 1
	}
	var seeds []Seed
	seen := map[string]int{} // organisation + key → line
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return seeds, positions, nil
		}
		if err != nil {
			return nil, nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(cols) {
			return nil, nil, &SeedError{File: name, Line: line,
				Err: fmt.Errorf("%d fields where the header has %d", len(rec), len(cols))}
		}
		sd := Seed{Line: line}
		for i, c := range cols {
			v := strings.TrimSpace(rec[i])
			fieldLine, _ := cr.FieldPos(i)
			place := &SeedError{File: name, Line: fieldLine, Column: i + 1, Header: c.name}
			if v == "" && c.required {
				place.Err = errors.New("required")
				return nil, nil, place
			}
			if err := c.set(&sd, v); err != nil {
				place.Err = err
				return nil, nil, place
			}
		}
		if sd.User.Disabled && len(sd.User.AccessRoles) == 0 {
			sd.User.AccessRoles = []string{memberRole}
		}
		for _, k := range []struct{ header, value string }{
			{"external_user_id", sd.User.ExternalUserID}, {"email", emailKey(sd.User.Email)},
		} {
			if k.value == "" {
				continue
			}
			key := sd.OrganizationID + "\x00" + k.header + "\x00" + k.value
			if first, dup := seen[key]; dup {
				return nil, nil, &SeedError{File: name, Line: line, Column: positions[k.header], Header: k.header,
					Err: fmt.Errorf("repeats line %d in organisation %s", first, sd.OrganizationID)}
			}
			seen[key] = line
		}
		seeds = append(seeds, sd)
	}
}

// seedHeader maps each header to its column, refusing unknown, repeated
// and missing required names. A UTF-8 byte order mark, as Excel writes,
// is not part of the first name.
func seedHeader(name string, header []string) ([]seedColumn, error) {
	known := seedColumns()
	cols := make([]seedColumn, 0, len(header))
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		place := &SeedError{File: name, Line: 1, Column: i + 1, Header: h}
		j := slices.IndexFunc(known, func(c seedColumn) bool { return c.name == h })
		switch {
		case j < 0:
			place.Err = errors.New("unknown column")
			return nil, place
		case slices.ContainsFunc(cols, func(c seedColumn) bool { return c.name == h }):
			place.Err = errors.New("repeated column")
			return nil, place
		}
		cols = append(cols, known[j])
	}
	for _, c := range known {
		if c.required && !slices.ContainsFunc(cols, func(h seedColumn) bool { return h.name == c.name }) {
			return nil, &SeedError{File: name, Line: 1, Header: c.name, Err: errors.New("required column missing")}
		}
	}
	return cols, nil
}

// csvError places a parse error the csv reader reports. Its column counts
// characters, not fields, so it goes in the message.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &SeedError{File: name, Line: pe.Line, Err: fmt.Errorf("character %d: %w", pe.Column, pe.Err)}
	}
	return &SeedError{File: name, Err: err}
}

// SeedCSV loads a seed file (see LoadUsers) and stores every user in it
// with SeedUser's rules, all or none: a row whose email, partner user id
// or user id is already taken fails the whole file, naming the row. It
// answers how many users it stored.
func (s *Server) SeedCSV(r io.Reader, name string) (int, error) {
	seeds, positions, err := loadSeeds(r, name)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sd := range seeds {
		o := s.orgLocked(sd.OrganizationID)
		switch partnerID, email := o.conflict(sd.User.ExternalUserID, sd.User.Email); {
		case partnerID:
			return 0, &SeedError{File: name, Line: sd.Line, Column: positions["external_user_id"], Header: "external_user_id",
				Err: fmt.Errorf("partner user id %s is taken in organisation %s", sd.User.ExternalUserID, sd.OrganizationID)}
		case email:
			return 0, &SeedError{File: name, Line: sd.Line, Column: positions["email"], Header: "email",
				Err: fmt.Errorf("email %s is taken in organisation %s", sd.User.Email, sd.OrganizationID)}
		}
	}
	for _, sd := range seeds {
		if _, err := s.seedLocked(s.orgLocked(sd.OrganizationID), sd.User); err != nil {
			// Checked above, and rows do not clash with each other.
			return 0, &SeedError{File: name, Line: sd.Line, Err: err}
		}
	}
	return len(seeds), nil
}

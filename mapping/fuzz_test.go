package mapping

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// Seeds live in testdata/fuzz/<target>; the fuzzers check that no input
// panics, that every failure is a SourceError, and that nothing returned
// exceeds the cell bound.

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(minimalHeader+"E1,Ann,Lee,ann@example.com.au\n"), false)
	f.Add([]byte("external_user_id,given_name,family_name,email,end_date\nE1,Ann,Lee,ann@example.com.au,2024-06-30\nE2,Bob,Ng,b@x.au,31/12/2099\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, semicolon bool) {
		var m *Mapping
		if semicolon {
			m = &Mapping{name: "fuzz.yaml", charset: charsetWindows1252, delimiter: ';'}
		}
		checkRead(t, bytes.NewReader(data), m)
	})
}

// fuzzRoster is the table FuzzParseMapping reads with each mapping.
const fuzzRoster = "Payroll ID,First Name,Last Name,Email,DOB,Gender,Role,Termination Date\n" +
	"7,Ann,Lee,a@example.com.au,01/02/1980,Female,GP,\n" +
	"8,Bob,Ng,b@example.com.au,1980-02-01,male,Nurse;GP,2024-01-01\n"

// endDateExample maps fuzzRoster's leavers with an end date, not a skip.
const endDateExample = `external_user_id: { column: "Payroll ID", prefix: "DEPUTY#" }
given_name: First Name
family_name: Last Name
email: Email
date_of_birth: { column: DOB, format: DD/MM/YYYY }
end_date: { column: Termination Date, format: YYYY-MM-DD, default: "" }
`

// listsExample reads fuzzRoster with lists of columns, a join and a
// split cell.
const listsExample = `external_user_id: { join: [Payroll ID, Gender], with: "-" }
given_name: { column: [Nickname, First Name] }
family_name: Last Name
email: Email
access_roles: { column: Role, separator: ";", values: { GP: provider } }
end_date: { column: Termination Date, format: "YYYY-MM-DDThh:mm:ss±hh:mm" }
`

func FuzzParseMapping(f *testing.F) {
	f.Add([]byte(briefExample))
	f.Add([]byte(endDateExample))
	f.Add([]byte(listsExample))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMapping(data, "fuzz.yaml")
		if err != nil {
			fatalUnlessSourceError(t, err)
			return
		}
		checkRead(t, strings.NewReader(fuzzRoster), m)
	})
}

func FuzzValidate(f *testing.F) {
	f.Add("E1", "Ann", "Lee", "ann@example.com.au", "1980-02-29", "f", "0412 345 678", "provider;admin",
		"8003614900029560", "m", "1318605", "MBBS", "2429591L", "MED0001234567", "2024-06-30")
	f.Fuzz(func(t *testing.T, id, given, family, email, dob, sex, phone, roles, hpii, ptype, pnum, quals, prov, ahpra, end string) {
		rec := Record{
			ExternalUserID: clean(id), GivenName: clean(given), FamilyName: clean(family), Email: clean(email),
			DateOfBirth: clean(dob), Sex: clean(sex), Phone: clean(phone), AccessRoles: splitRoles(roles),
			HPIINumber: clean(hpii), PrescriberType: clean(ptype), PrescriberNumber: clean(pnum),
			Qualifications: clean(quals), ProviderNumber: clean(prov), AHPRANumber: clean(ahpra), EndDate: clean(end),
		}
		problems := normalise(&rec)
		problems = append(problems, Validate(rec, 2, testToday())...)
		endOK := !slices.ContainsFunc(problems, func(p Problem) bool { return p.Field == FieldEndDate })
		if left := rec.LeftBy(testToday()); left && !endOK {
			t.Fatalf("LeftBy true for the invalid end date %q", rec.EndDate)
		} else if rec.EndDate != "" && endOK && left != (rec.EndDate <= "2025-06-30") {
			t.Fatalf("LeftBy(2025-06-30) = %v for %q", left, rec.EndDate)
		}
		for _, p := range problems {
			if p.Field == "" || p.Message == "" || (p.Severity != SeverityError && p.Severity != SeverityWarning) {
				t.Fatalf("incomplete problem %+v", p)
			}
			// Problems never repeat an identifier or a date of birth; the
			// messages' own examples do not count.
			msg := strings.NewReplacer("MED0001234567", "", "800361", "", "800362", "").Replace(p.Message)
			for _, secret := range []string{rec.HPIINumber, rec.PrescriberNumber, rec.ProviderNumber, rec.AHPRANumber, rec.DateOfBirth} {
				if len(secret) >= 7 && allDigitsOrDashes(secret) && strings.Contains(msg, secret) {
					t.Fatalf("%s message echoes %q: %s", p.Field, secret, p.Message)
				}
			}
		}
	})
}

func allDigitsOrDashes(s string) bool { return allDigits(strings.ReplaceAll(s, "-", "")) }

// checkRead reads everything and checks the reader's promises.
func checkRead(t *testing.T, in io.Reader, m *Mapping) {
	t.Helper()
	r, err := OpenCSV(in, "fuzz.csv", m)
	if err != nil {
		fatalUnlessSourceError(t, err)
		return
	}
	rows, err := ReadAll(r)
	if err != nil {
		fatalUnlessSourceError(t, err)
		return
	}
	last := 1
	for _, row := range rows {
		if row.Line <= last {
			t.Fatalf("line %d after line %d", row.Line, last)
		}
		last = row.Line
		for _, v := range row.Record.Fields() {
			if len(v) > MaxCellBytes+maxMappingBytes {
				t.Fatalf("value of %d bytes", len(v))
			}
		}
		for _, p := range row.Problems {
			if p.Line != row.Line || p.Field == "" {
				t.Fatalf("problem %+v on line %d", p, row.Line)
			}
		}
	}
}

func fatalUnlessSourceError(t *testing.T, err error) {
	t.Helper()
	var se *SourceError
	if !errors.As(err, &se) || se.Message == "" {
		t.Fatalf("not a SourceError: %v", err)
	}
}

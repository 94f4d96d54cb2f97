// Package rostertest builds valid canonical rosters for tests: people with
// unique ids, emails and HPI-Is, every fourth a provider with identifiers
// that pass the Australian check digits.
package rostertest

import (
	"fmt"
	"strings"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// Header is the canonical roster header line: the Parchment fields, then
// end_date. A line written for the Parchment fields alone still reads under
// it, with no end date.
const Header = "external_user_id,given_name,family_name,email,date_of_birth,sex,phone,access_roles,title,hpii_number,prescriber_type,prescriber_number,qualifications,provider_number,ahpra_number,hospital_provider_number,end_date\n"

// Person is one roster line; fields are exported so tests can edit them.
// EndDate (YYYY-MM-DD) is empty unless a test sets it.
type Person struct {
	ID, Given, Family, Email, Roles, Qualifications, ProviderNumber, HPII, EndDate string
}

// Line renders p as a canonical CSV line.
func (p Person) Line() string {
	if p.Roles != mapping.RoleProvider {
		return fmt.Sprintf("%s,%s,%s,%s,,,0412345678,%s,,,,,,,,,%s\n", p.ID, p.Given, p.Family, p.Email, p.Roles, p.EndDate)
	}
	return fmt.Sprintf("%s,%s,%s,%s,1970-01-02,F,0412345678,provider,Dr,%s,M,1234567,%s,%s,MED0001234567,,%s\n",
		p.ID, p.Given, p.Family, p.Email, p.HPII, p.Qualifications, p.ProviderNumber, p.EndDate)
}

// Staff returns n people, every fourth one a provider.
func Staff(n int) []Person {
	out := make([]Person, n)
	for i := range out {
		out[i] = Person{
			ID: fmt.Sprintf("EMP%04d", i), Given: "Given" + string(rune('A'+i%26)), Family: fmt.Sprintf("Family%d", i),
			Email: fmt.Sprintf("staff%d@clinic.example", i), Roles: "receptionist",
		}
		if i%4 == 0 {
			out[i].Roles, out[i].Qualifications = mapping.RoleProvider, "MBBS"
			out[i].ProviderNumber = ProviderNumber("234567", '1')
			out[i].HPII = HPII(fmt.Sprintf("%09d", 100+i))
		}
	}
	return out
}

// CSV renders people as a canonical roster file.
func CSV(people []Person) string {
	var b strings.Builder
	b.WriteString(Header)
	for _, p := range people {
		b.WriteString(p.Line())
	}
	return b.String()
}

// ProviderNumber completes a Medicare provider number with its check
// character, found by asking the validator rather than restating it.
func ProviderNumber(stem string, location byte) string {
	for _, c := range "YXWTLKJHFBA" {
		if n := stem + string(location) + string(c); mapping.MedicareProviderNumberOK(n) {
			return n
		}
	}
	panic("rostertest: no check character for " + stem)
}

// HPII completes a 9-digit body into an HPI-I (prefix 800361) with its Luhn
// digit.
func HPII(body string) string {
	for d := '0'; d <= '9'; d++ {
		if n := "800361" + body + string(d); mapping.ValidHPII(n) {
			return n
		}
	}
	panic("rostertest: no Luhn digit for " + body)
}

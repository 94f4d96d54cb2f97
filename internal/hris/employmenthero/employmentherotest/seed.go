package employmentherotest

import (
	"fmt"
	"io"
	"strings"

	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
	"github.com/parchment-sync/parchment-sync/mapping"
)

// CustomFields are the names of the custom fields the stand-in keeps
// registration numbers under, matching standin.Registration's values; an
// organisation names its own.
var CustomFields = []string{"AHPRA Number", "Prescriber Number", "Provider Number", "HPI-I", "Qualifications"}

// Employee is one list item, snake_case as the API writes it, and the
// custom field values GET …/employees/{id}/custom_fields lists.
type Employee struct {
	ExternalID   string // the roster's, kept for tests
	Fields       map[string]any
	CustomFields []map[string]any
}

// genders are the values the stand-in writes; "unspecified" is Employment
// Hero's for a gender not given.
var genders = map[string]any{"M": "male", "F": "female", "I": "intersex", "N": "unspecified", "": nil}

// Seed reads a canonical roster CSV into employees. A person with an
// end_date is terminated on that date. The roster's phone becomes a work
// number (company_mobile for a mobile, company_landline otherwise); each
// employee also has a personal email and mobile a sync must not take.
func Seed(r io.Reader, name string) ([]Employee, error) {
	recs, err := standin.Roster(r, name)
	if err != nil {
		return nil, err
	}
	out := make([]Employee, 0, len(recs))
	for i, rec := range recs {
		out = append(out, employee(i+1, rec))
	}
	return out, nil
}

func employee(n int, rec mapping.Record) Employee {
	id := fmt.Sprintf("%08x-5eed-4000-8000-%012x", n, n)
	f := map[string]any{
		"id": id, "code": rec.ExternalUserID, "account_email": rec.Email, "company_email": rec.Email,
		"personal_email": strings.ToLower(rec.GivenName) + fmt.Sprintf(".%d@personal.example", n),
		"first_name":     rec.GivenName, "last_name": rec.FamilyName, "middle_name": nil, "known_as": nil,
		"title": standin.OrNil(rec.Title), "role": "employee", "job_title": standin.OrNil(standin.JobTitle(rec)),
		"gender": genders[rec.Sex], "date_of_birth": standin.OrNil(rec.DateOfBirth),
		"company_mobile": nil, "company_landline": nil, "personal_mobile_number": fmt.Sprintf("04%08d", 10000000+n),
		"home_phone": nil, "start_date": "2022-05-05", "status": "active", "termination_date": nil,
		"teams": []any{map[string]any{"id": 1, "name": "Clinic"}},
	}
	if strings.HasPrefix(rec.Phone, "04") || strings.HasPrefix(rec.Phone, "+614") {
		f["company_mobile"] = rec.Phone
	} else {
		f["company_landline"] = standin.OrNil(rec.Phone)
	}
	e := Employee{ExternalID: rec.ExternalUserID, Fields: f}
	if rec.EndDate != "" {
		e.Terminate(rec.EndDate)
	}
	values := standin.Registration(rec)
	for i, name := range CustomFields {
		e.CustomFields = append(e.CustomFields, map[string]any{
			"id": fmt.Sprintf("cf-%d", i+1), "name": name, "type": "free_text", "description": "", "value": standin.OrNil(values[i]),
		})
	}
	return e
}

// Terminate makes e a former employee, terminated on date (YYYY-MM-DD).
func (e Employee) Terminate(date string) {
	e.Fields["status"] = "terminated"
	e.Fields["termination_date"] = date
}

package deputytest

import (
	"fmt"
	"io"
	"strings"

	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
	"github.com/parchment-sync/parchment-sync/mapping"
)

// CustomFields are the API names of the Employee custom fields the
// stand-in keeps registration numbers under, in DeputyField order (F01…),
// matching standin.Registration's values; a business names its own.
var CustomFields = []string{"AhpraNumber", "PrescriberNumber", "ProviderNumber", "HpiiNumber", "Qualifications"}

// Employee is a Resource API Employee with the objects its joins give.
type Employee struct {
	ExternalID string // the roster's, kept for tests; Deputy has no such field
	Fields     map[string]any
	Contact    map[string]any
	Custom     map[string]any
}

// genders are Deputy's Gender codes as the stand-in assumes them: the
// docs read show only 0, on a record with no gender given.
var genders = map[string]int{"": 0, "N": 0, "M": 1, "F": 2, "I": 3}

// Seed reads a canonical roster CSV into employees, ids from 1. A person
// with an end_date is archived: Active false, TerminationDate set. The
// roster's phone is the contact's number; legacy contacts carry only
// Email1 and Phone1, as some accounts' do, others Email and Mobile too.
func Seed(r io.Reader, name string, legacy bool) ([]Employee, error) {
	recs, err := standin.Roster(r, name)
	if err != nil {
		return nil, err
	}
	out := make([]Employee, 0, len(recs))
	for i, rec := range recs {
		out = append(out, employee(i+1, rec, legacy))
	}
	return out, nil
}

func employee(id int, rec mapping.Record, legacy bool) Employee {
	contactID, customID := 100000+id, 5000+id
	e := Employee{ExternalID: rec.ExternalUserID}
	e.Fields = map[string]any{
		"Id": id, "Company": 1, "FirstName": rec.GivenName, "LastName": rec.FamilyName,
		"DisplayName": rec.GivenName + " " + rec.FamilyName, "OtherName": nil, "Salutation": standin.OrNil(rec.Title),
		"Contact": contactID, "DateOfBirth": deputyDate(rec.DateOfBirth), "Gender": genders[rec.Sex],
		"Active": rec.EndDate == "", "StartDate": "2022-05-05T00:00:00+10:00", "TerminationDate": deputyDate(rec.EndDate),
		"Position": standin.OrNil(standin.JobTitle(rec)), "Role": 1, "CustomFieldData": customID,
		"Created": "2022-05-05T16:42:21+10:00", "Modified": "2026-11-29T11:55:56+10:00",
	}
	e.Contact = map[string]any{"Id": contactID, "Email1": rec.Email, "Phone1": standin.OrNil(rec.Phone), "Phone2": nil, "PrimaryEmail": 1}
	if !legacy {
		e.Contact["Email"], e.Contact["Mobile"] = rec.Email, standin.OrNil(rec.Phone)
	}
	e.Custom = map[string]any{"Id": customID, "System": "Employee"}
	values := standin.Registration(rec)
	for i, api := range CustomFields {
		// A value appears under both its Fxx column and its API name.
		e.Custom[fmt.Sprintf("F%02d", i+1)] = standin.OrNil(values[i])
		e.Custom[api] = standin.OrNil(values[i])
	}
	return e
}

// deputyDate writes a YYYY-MM-DD date as Deputy does, at midnight in
// Sydney.
func deputyDate(d string) any {
	if d == "" {
		return nil
	}
	return strings.TrimSpace(d) + "T00:00:00+10:00"
}

// Archive makes e a former employee, as Deputy keeps one: inactive, with a
// termination date (YYYY-MM-DD).
func (e Employee) Archive(date string) {
	e.Fields["Active"] = false
	e.Fields["TerminationDate"] = deputyDate(date)
}

package deputytest

import (
	"fmt"
	"io"
	"strings"

	"github.com/parchment-sync/parchment-sync/internal/hris/standin"
	"github.com/parchment-sync/parchment-sync/mapping"
)

// Custom fields' API names the stand-in keeps registration numbers under;
// a business names its own, and these are plausible ones.
const (
	FieldAHPRA          = "AhpraNumber"
	FieldPrescriber     = "PrescriberNumber"
	FieldProvider       = "ProviderNumber"
	FieldHPII           = "HpiiNumber"
	FieldQualifications = "Qualifications"
)

// customFields are the Employee custom fields, in DeputyField order.
var customFields = []string{FieldAHPRA, FieldPrescriber, FieldProvider, FieldHPII, FieldQualifications}

// Employee is a Resource API Employee with the objects its joins give.
type Employee struct {
	ExternalID string // the roster's, kept for tests; Deputy has no such field
	Fields     map[string]any
	Contact    map[string]any
	Custom     map[string]any
}

// positions turns a canonical roster's roles into a job title.
var positions = map[string]string{
	"provider": "General Practitioner", "admin": "Practice Manager",
	"receptionist": "Receptionist", "rx_reader": "Practice Nurse",
}

// genders are Deputy's Gender codes as the stand-in uses them (the docs
// read show only 0).
var genders = map[string]int{"": 0, "M": 1, "F": 2, "I": 3, "N": 4}

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
		"DisplayName": rec.GivenName + " " + rec.FamilyName, "OtherName": nil, "Salutation": orNil(rec.Title),
		"Contact": contactID, "DateOfBirth": deputyDate(rec.DateOfBirth), "Gender": genders[rec.Sex],
		"Active": rec.EndDate == "", "StartDate": "2022-05-05T00:00:00+10:00", "TerminationDate": deputyDate(rec.EndDate),
		"Position": orNil(position(rec.AccessRoles)), "Role": 1, "CustomFieldData": customID,
		"Created": "2022-05-05T16:42:21+10:00", "Modified": "2026-11-29T11:55:56+10:00",
	}
	e.Contact = map[string]any{"Id": contactID, "Email1": rec.Email, "Phone1": orNil(rec.Phone), "Phone2": nil, "PrimaryEmail": 1}
	if !legacy {
		e.Contact["Email"], e.Contact["Mobile"] = rec.Email, orNil(rec.Phone)
	}
	e.Custom = map[string]any{"Id": customID, "System": "Employee"}
	values := []string{rec.AHPRANumber, rec.PrescriberNumber, rec.ProviderNumber, rec.HPIINumber, rec.Qualifications}
	for i, api := range customFields {
		// A value appears under both its Fxx column and its API name.
		e.Custom[fmt.Sprintf("F%02d", i+1)] = orNil(values[i])
		e.Custom[api] = orNil(values[i])
	}
	return e
}

func position(roles []string) string {
	for _, r := range []string{"provider", "admin", "rx_reader", "receptionist"} {
		for _, have := range roles {
			if have == r {
				return positions[r]
			}
		}
	}
	return ""
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
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

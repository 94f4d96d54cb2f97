package keypaytest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Qualification is one of an employee's qualifications, as
// GET …/employee/{id}/qualification lists it.
type Qualification struct {
	QualificationID int    `json:"qualificationId"`
	Name            string `json:"name"`
	IssueDate       any    `json:"issueDate"`
	ExpiryDate      any    `json:"expiryDate"`
	ReferenceNumber string `json:"referenceNumber"`
	Documents       []any  `json:"documents"`
}

// Employee is an AuUnstructuredEmployeeModel reduced to what a staff sync
// could want, plus the private fields a sync must not ask for; Fields holds
// them under their camelCase names, nil for JSON null.
type Employee struct {
	ID             int
	Fields         map[string]any
	Qualifications []Qualification
}

// Qualification names the stand-in gives registration numbers under:
// a business names its own qualifications, and these are plausible ones.
const (
	QualificationAHPRA            = "AHPRA Registration"
	QualificationPrescriber       = "PBS Prescriber Number"
	QualificationProvider         = "Medicare Provider Number"
	QualificationHospitalProvider = "Hospital Provider Number"
	QualificationHPII             = "HPI-I"
	// QualificationDegrees holds a person's degrees as its reference
	// text ("MBBS, FRACGP"): one way a business might record them.
	QualificationDegrees = "Degrees"
)

// jobTitles turns a canonical roster's access roles into the job title a
// payroll would hold.
var jobTitles = map[string]string{
	"provider":     "General Practitioner",
	"admin":        "Practice Manager",
	"receptionist": "Receptionist",
	"rx_reader":    "Practice Nurse",
}

// SeedCSV reads a canonical roster CSV (external_user_id, given_name,
// family_name, email, …, end_date) into employees, ids from 1. A person
// with an end_date is Terminated on that date. Phones become work phones;
// every employee also gets a personal mobile a sync must not take.
func SeedCSV(r io.Reader) ([]Employee, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	at := map[string]int{}
	for i, h := range header {
		at[strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))] = i
	}
	for _, need := range []string{"external_user_id", "given_name", "family_name", "email"} {
		if _, ok := at[need]; !ok {
			return nil, fmt.Errorf("the header lacks %s; the seed is a canonical roster CSV", need)
		}
	}
	var out []Employee
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		cell := func(name string) string {
			if i, ok := at[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		id := len(out) + 1
		out = append(out, employeeFromRoster(id, cell))
	}
}

func employeeFromRoster(id int, cell func(string) string) Employee {
	e := Employee{ID: id, Fields: map[string]any{
		"id":               id,
		"externalId":       cell("external_user_id"),
		"title":            cell("title"),
		"firstName":        cell("given_name"),
		"preferredName":    nil,
		"middleName":       nil,
		"surname":          cell("family_name"),
		"emailAddress":     cell("email"),
		"dateOfBirth":      dateTime(cell("date_of_birth")),
		"gender":           gender(cell("sex")),
		"workPhone":        nullable(cell("phone")),
		"mobilePhone":      fmt.Sprintf("0499 %03d %03d", id/1000%1000, id%1000),
		"homePhone":        nil,
		"startDate":        "2020-01-06T00:00:00",
		"endDate":          dateTime(cell("end_date")),
		"status":           "Active",
		"jobTitle":         jobTitle(cell("access_roles"), cell("prescriber_type")),
		"employmentType":   "Full Time",
		"primaryLocation":  "Main Clinic",
		"taxFileNumber":    "123456782",
		"bankAccount1_BSB": "062000",
	}}
	if cell("end_date") != "" {
		e.Fields["status"] = "Terminated"
		e.Fields["terminationReason"] = "Resigned"
	}
	for _, q := range []struct{ name, column string }{
		{QualificationAHPRA, "ahpra_number"},
		{QualificationPrescriber, "prescriber_number"},
		{QualificationProvider, "provider_number"},
		{QualificationHospitalProvider, "hospital_provider_number"},
		{QualificationHPII, "hpii_number"},
		{QualificationDegrees, "qualifications"},
	} {
		if v := cell(q.column); v != "" {
			e.Qualifications = append(e.Qualifications, Qualification{
				QualificationID: len(e.Qualifications) + 1, Name: q.name, ReferenceNumber: v,
				IssueDate: "2019-01-01T00:00:00", ExpiryDate: nil, Documents: []any{},
			})
		}
	}
	return e
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dateTime writes a date as the swagger's date-time; an unreadable one is
// passed on as it is, so a bad seed shows up in the sync's validation.
func dateTime(s string) any {
	if s == "" {
		return nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Format("2006-01-02T15:04:05")
	}
	return s
}

func gender(sex string) any {
	switch strings.ToUpper(sex) {
	case "F":
		return "Female"
	case "M":
		return "Male"
	case "":
		return nil
	}
	return "Unknown"
}

// providerTitles are a provider's job title by prescriber type.
var providerTitles = map[string]string{"M": "General Practitioner", "U": "Nurse Practitioner", "T": "Podiatrist"}

// jobTitle is the title of a roster's first role; a provider's says what
// kind of prescriber they are.
func jobTitle(roles, prescriberType string) any {
	first, _, _ := strings.Cut(strings.NewReplacer(";", ",", "|", ",").Replace(roles), ",")
	first = strings.TrimSpace(strings.ToLower(first))
	if t, ok := providerTitles[strings.ToUpper(prescriberType)]; ok && first == "provider" {
		return t
	}
	if t, ok := jobTitles[first]; ok {
		return t
	}
	return nullable(first)
}

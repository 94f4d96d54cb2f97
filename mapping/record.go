// Package mapping turns source rows (a roster CSV or a staff database query)
// into normalised, validated Parchment user records.
package mapping

import (
	"slices"
	"strings"
	"time"
)

// Canonical field names: Parchment's own, used as CSV headers when no mapping
// file is given, as keys of Record.Fields and in every report.
const (
	FieldExternalUserID         = "external_user_id"
	FieldGivenName              = "given_name"
	FieldFamilyName             = "family_name"
	FieldEmail                  = "email"
	FieldDateOfBirth            = "date_of_birth"
	FieldSex                    = "sex"
	FieldPhone                  = "phone"
	FieldAccessRoles            = "access_roles"
	FieldTitle                  = "title"
	FieldHPIINumber             = "hpii_number"
	FieldPrescriberType         = "prescriber_type"
	FieldPrescriberNumber       = "prescriber_number"
	FieldQualifications         = "qualifications"
	FieldProviderNumber         = "provider_number"
	FieldAHPRANumber            = "ahpra_number"
	FieldHospitalProviderNumber = "hospital_provider_number"
)

// FieldEndDate is the day a person leaves (YYYY-MM-DD). It is a canonical
// roster field, read like any other, but not a Parchment one: it is never
// sent, and it is neither in FieldNames nor in Record.Fields.
const FieldEndDate = "end_date"

// FieldNames lists the Parchment fields in report order: the fields the
// sync engine sends and compares with its ledger.
func FieldNames() []string {
	return []string{
		FieldExternalUserID, FieldGivenName, FieldFamilyName, FieldEmail,
		FieldDateOfBirth, FieldSex, FieldPhone, FieldAccessRoles, FieldTitle,
		FieldHPIINumber, FieldPrescriberType, FieldPrescriberNumber,
		FieldQualifications, FieldProviderNumber, FieldAHPRANumber,
		FieldHospitalProviderNumber,
	}
}

// rosterOnlyFields are the canonical fields a roster may carry that
// Parchment has no field for.
func rosterOnlyFields() []string { return []string{FieldEndDate} }

// RosterFieldNames lists every canonical field a roster may carry, in report
// order: FieldNames, then the roster-only fields (end_date). They are the
// canonical CSV headers, the keys of a mapping file and Record's csv tags.
func RosterFieldNames() []string { return slices.Concat(FieldNames(), rosterOnlyFields()) }

// RoleProvider is the access role that makes a user a prescriber.
const RoleProvider = "provider"

// Record is one person as Parchment should hold them, normalised: dates are
// YYYY-MM-DD, phones digits (with an optional leading +), identifiers upper
// case, access roles lower case, sorted and without repeats. The csv tags are
// the canonical field names: canonical rows are decoded straight into it.
// EndDate is the roster's alone: it is never sent to Parchment.
type Record struct {
	ExternalUserID         string   `csv:"external_user_id"`
	GivenName              string   `csv:"given_name"`
	FamilyName             string   `csv:"family_name"`
	Email                  string   `csv:"email"`
	DateOfBirth            string   `csv:"date_of_birth"`
	Sex                    string   `csv:"sex"`
	Phone                  string   `csv:"phone"`
	AccessRoles            []string `csv:"access_roles"`
	Title                  string   `csv:"title"`
	HPIINumber             string   `csv:"hpii_number"`
	PrescriberType         string   `csv:"prescriber_type"`
	PrescriberNumber       string   `csv:"prescriber_number"`
	Qualifications         string   `csv:"qualifications"`
	ProviderNumber         string   `csv:"provider_number"`
	AHPRANumber            string   `csv:"ahpra_number"`
	HospitalProviderNumber string   `csv:"hospital_provider_number"`
	EndDate                string   `csv:"end_date"`
}

// IsProvider reports whether the record carries the provider role.
func (r Record) IsProvider() bool { return slices.Contains(r.AccessRoles, RoleProvider) }

// LeftBy reports whether the person has left by today: EndDate is set, is a
// real YYYY-MM-DD date, and falls on or before today's calendar date in
// today's location. A future end date (notice given) has not been reached.
func (r Record) LeftBy(today time.Time) bool {
	end, ok := parseCanonicalDate(r.EndDate)
	return ok && !end.After(dateOf(today))
}

// Fields returns every Parchment field (external_user_id excepted) as a
// string, empty ones included; access_roles are joined with ",". The sync
// engine compares these maps with the ledger's last synced values, so
// roster-only fields (end_date) are not among them.
func (r Record) Fields() map[string]string {
	return map[string]string{
		FieldGivenName:              r.GivenName,
		FieldFamilyName:             r.FamilyName,
		FieldEmail:                  r.Email,
		FieldDateOfBirth:            r.DateOfBirth,
		FieldSex:                    r.Sex,
		FieldPhone:                  r.Phone,
		FieldAccessRoles:            strings.Join(r.AccessRoles, ","),
		FieldTitle:                  r.Title,
		FieldHPIINumber:             r.HPIINumber,
		FieldPrescriberType:         r.PrescriberType,
		FieldPrescriberNumber:       r.PrescriberNumber,
		FieldQualifications:         r.Qualifications,
		FieldProviderNumber:         r.ProviderNumber,
		FieldAHPRANumber:            r.AHPRANumber,
		FieldHospitalProviderNumber: r.HospitalProviderNumber,
	}
}

// decodeRecord sets every field of rec from canonical cells, given in
// RosterFieldNames() order (Record's csv tags name the same fields, in the
// same order: TestRecordTagsAreFieldNames). It is the hot path of every
// read; a reflective decoder cost a fifth of an idle run.
func decodeRecord(rec *Record, cells []string) {
	*rec = Record{
		ExternalUserID:         cells[0],
		GivenName:              cells[1],
		FamilyName:             cells[2],
		Email:                  cells[3],
		DateOfBirth:            cells[4],
		Sex:                    cells[5],
		Phone:                  cells[6],
		AccessRoles:            splitRoles(cells[7]),
		Title:                  cells[8],
		HPIINumber:             cells[9],
		PrescriberType:         cells[10],
		PrescriberNumber:       cells[11],
		Qualifications:         cells[12],
		ProviderNumber:         cells[13],
		AHPRANumber:            cells[14],
		HospitalProviderNumber: cells[15],
		EndDate:                cells[16],
	}
}

// Severity separates problems that stop a row from those that only warn.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is one finding about one field of one row.
type Problem struct {
	Line           int // physical line where the record starts; the header is line 1
	ExternalUserID string
	Field          string // canonical field name, or the source column when no field applies
	Message        string // safe to show: never echoes a full identifier or date of birth
	Severity       Severity
}

// Row is one source row after mapping and validation.
type Row struct {
	Line     int
	Record   Record
	Problems []Problem
	// Skipped rows matched the mapping's skip rule; they are neither valid
	// nor invalid.
	Skipped bool
}

// Valid reports whether the row may be sent: not skipped, no error.
func (r Row) Valid() bool {
	if r.Skipped {
		return false
	}
	for _, p := range r.Problems {
		if p.Severity == SeverityError {
			return false
		}
	}
	return true
}

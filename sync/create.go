package sync

import (
	"maps"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// createRequest is the create-user body for a record: every non-empty field.
func createRequest(r mapping.Record) parchment.CreateUserRequest {
	return parchment.CreateUserRequest{
		PartnerUserID:          r.ExternalUserID,
		GivenName:              r.GivenName,
		FamilyName:             r.FamilyName,
		Email:                  r.Email,
		DateOfBirth:            r.DateOfBirth,
		Sex:                    r.Sex,
		Phone:                  r.Phone,
		AccessRoles:            r.AccessRoles,
		Title:                  r.Title,
		HPIINumber:             r.HPIINumber,
		PrescriberType:         r.PrescriberType,
		PrescriberNumber:       r.PrescriberNumber,
		Qualifications:         r.Qualifications,
		ProviderNumber:         r.ProviderNumber,
		AHPRANumber:            r.AHPRANumber,
		HospitalProviderNumber: r.HospitalProviderNumber,
	}
}

// providerOnlyFields are the fields that exist only on the provider record
// (the phone too: the update call keeps only a provider's). When Parchment
// says the provider part of a create did not happen, none is synced.
func providerOnlyFields() []string {
	return []string{
		mapping.FieldDateOfBirth, mapping.FieldSex, mapping.FieldHPIINumber, mapping.FieldTitle, mapping.FieldPhone,
		mapping.FieldPrescriberType, mapping.FieldPrescriberNumber, mapping.FieldQualifications,
		mapping.FieldProviderNumber, mapping.FieldAHPRANumber, mapping.FieldHospitalProviderNumber,
	}
}

// withoutProviderFields is what the ledger may record as synced after a
// create whose provider part did not happen.
func withoutProviderFields(sent map[string]string) map[string]string {
	out := maps.Clone(sent)
	for _, f := range providerOnlyFields() {
		delete(out, f)
	}
	return out
}

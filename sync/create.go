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

// providerOnlyFields are the fields that exist only on the provider record;
// when Parchment says the provider part of a create failed, they are not
// synced and the next run sends them as an update.
func providerOnlyFields() []string {
	return []string{
		mapping.FieldDateOfBirth, mapping.FieldSex, mapping.FieldHPIINumber, mapping.FieldTitle,
		mapping.FieldPrescriberType, mapping.FieldPrescriberNumber, mapping.FieldQualifications,
		mapping.FieldProviderNumber, mapping.FieldAHPRANumber, mapping.FieldHospitalProviderNumber,
	}
}

// syncedAfterCreate is what the ledger may record as synced once a create
// answered with code.
func syncedAfterCreate(sent map[string]string, code string) map[string]string {
	out := maps.Clone(sent)
	if code == parchment.CodeProviderCreationFailed {
		for _, f := range providerOnlyFields() {
			delete(out, f)
		}
	}
	return out
}

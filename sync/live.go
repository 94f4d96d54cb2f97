package sync

import (
	"slices"
	"strings"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// liveFields turns a user as Parchment returned it into ledger fields.
// Fields the read does not carry (a non-provider's phone, or the older
// answer's names) keep their value in fallback: unknowable, and a value
// nothing could be sent for anyway. Names the older answer only gives as
// full_name count as known when full_name agrees with fallback's.
func liveFields(u *parchment.User, fallback map[string]string) map[string]string {
	out := mergeFields(fallback, nil)
	set := func(field, v string) {
		if v != "" {
			out[field] = v
		}
	}
	set(mapping.FieldEmail, u.Email)
	if u.AccessRoles != nil {
		roles := slices.Clone(u.AccessRoles)
		slices.Sort(roles)
		out[mapping.FieldAccessRoles] = strings.Join(slices.Compact(roles), ",")
	}
	switch {
	case u.Details != nil:
		out[mapping.FieldGivenName], out[mapping.FieldFamilyName] = u.Details.GivenName, u.Details.FamilyName
		set(mapping.FieldTitle, u.Details.Title)
		set(mapping.FieldDateOfBirth, u.Details.DateOfBirth)
		set(mapping.FieldSex, u.Details.Sex)
	case u.ProviderDetails != nil:
		out[mapping.FieldGivenName], out[mapping.FieldFamilyName] = u.ProviderDetails.GivenName, u.ProviderDetails.FamilyName
	}
	if u.FullName != "" && u.FullName != strings.TrimSpace(out[mapping.FieldGivenName]+" "+out[mapping.FieldFamilyName]) {
		// The full name says otherwise (edited in the portal, or the older
		// answer's only name): the update sends the roster's names.
		out[mapping.FieldGivenName], out[mapping.FieldFamilyName] = "", ""
	}
	if p := u.ProviderDetails; p != nil {
		for field, v := range map[string]string{
			mapping.FieldDateOfBirth: p.DateOfBirth, mapping.FieldSex: p.Sex, mapping.FieldTitle: p.Title,
			mapping.FieldHPIINumber: p.HPIINumber, mapping.FieldPhone: p.Phone,
			mapping.FieldPrescriberType: p.PrescriberType, mapping.FieldPrescriberNumber: p.PrescriberNumber,
			mapping.FieldQualifications: p.Qualifications, mapping.FieldProviderNumber: p.ProviderNumber,
			mapping.FieldAHPRANumber: p.AHPRANumber, mapping.FieldHospitalProviderNumber: p.HospitalProviderNumber,
		} {
			// A provider's record answers for every field it has: empty is
			// a value, one the roster may fill.
			out[field] = v
		}
	}
	return out
}

// drifted lists the fields whose live value differs from the ledger's.
func drifted(ledger, live map[string]string) []string {
	var out []string
	for _, f := range mapping.FieldNames() {
		if ledger[f] == live[f] || f == mapping.FieldEmail && strings.EqualFold(ledger[f], live[f]) {
			continue
		}
		if f == mapping.FieldExternalUserID {
			continue
		}
		out = append(out, f)
	}
	return out
}

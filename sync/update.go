package sync

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// updatePlan is one partial update: the request and the ledger values that
// become synced once Parchment accepts it.
type updatePlan struct {
	req    parchment.UpdateUserRequest
	synced map[string]string
	// changed lists the roster fields that differ and are sent.
	changed []string
}

// providerDetailFields are the fields update-user carries inside
// provider_details, in the page's order.
func providerDetailFields() []string {
	return []string{
		mapping.FieldGivenName, mapping.FieldFamilyName, mapping.FieldDateOfBirth,
		mapping.FieldSex, mapping.FieldHPIINumber, mapping.FieldPhone, mapping.FieldTitle,
		mapping.FieldPrescriberNumber, mapping.FieldProviderNumber, mapping.FieldPrescriberType,
		mapping.FieldAHPRANumber, mapping.FieldQualifications, mapping.FieldHospitalProviderNumber,
	}
}

// planChanges compiles what a synced person needs into steps: enable when
// the ledger disabled them, the roles call when the roster's roles differ,
// then one partial update. It also returns the fields the steps change,
// the changes a person must make in Parchment, and the problems that stop
// the row.
func planChanges(rec mapping.Record, e *Entry) (steps []step, fields, manual []string, problems []mapping.Problem) {
	if e.Disabled() || memberOnly(e) {
		steps = append(steps, step{kind: stepEnable})
	}
	had := strings.Split(e.Fields[mapping.FieldAccessRoles], ",")
	wasProvider := slices.Contains(had, mapping.RoleProvider)
	isProvider := wasProvider
	if want := strings.Join(rec.AccessRoles, ","); want != e.Fields[mapping.FieldAccessRoles] {
		if len(rec.AccessRoles) == 0 {
			// Parchment needs at least one role: clearing them is a person's call.
			manual = append(manual, mapping.FieldAccessRoles)
		} else {
			steps = append(steps, step{kind: stepRoles, roles: slices.Clone(rec.AccessRoles)})
			fields = append(fields, mapping.FieldAccessRoles)
			isProvider = rec.IsProvider()
		}
	}
	up, moreManual, problems := planUpdate(rec, e.Fields, isProvider, isProvider && !wasProvider)
	manual = append(manual, moreManual...)
	if len(problems) > 0 {
		return nil, nil, manual, problems
	}
	if up != nil {
		steps = append(steps, step{kind: stepUpdate, update: up})
		fields = append(fields, up.changed...)
	}
	return steps, fields, manual, nil
}

// memberOnly reports whether Parchment was seen holding only the member
// role, which is what a disable leaves: the user was likely disabled by
// hand in the portal. Reads do not say, and enabling an enabled user is
// harmless, so an active roster row enables them.
func memberOnly(e *Entry) bool {
	return !e.Disabled() && e.Fields[mapping.FieldAccessRoles] == parchment.RoleMember
}

// planUpdate compares a roster record with the values last synced and
// returns the partial update that carries only what changed, the changes
// that a person must make in Parchment, and the problems that stop the row.
// isProvider is whether the user holds the provider role once any roles
// call has gone; gaining means that call made them one, so the update
// carries every provider field the roster has.
func planUpdate(rec mapping.Record, synced map[string]string, isProvider, gaining bool) (*updatePlan, []string, []mapping.Problem) {
	want := rec.Fields()
	var changed []string
	for _, f := range mapping.FieldNames() {
		if f == mapping.FieldExternalUserID || f == mapping.FieldAccessRoles {
			continue
		}
		if want[f] == synced[f] && !(gaining && want[f] != "" && slices.Contains(providerDetailFields(), f)) {
			continue
		}
		if f == mapping.FieldEmail && strings.EqualFold(want[f], synced[f]) {
			// Parchment matches emails regardless of case: nothing to report.
			continue
		}
		changed = append(changed, f)
	}
	if len(changed) == 0 {
		return nil, nil, nil
	}

	var manual, send []string
	for _, f := range changed {
		switch {
		case f == mapping.FieldEmail:
			// No call changes an email.
			manual = append(manual, f)
		case want[f] == "":
			// The API has no way to clear a value.
			manual = append(manual, f)
		case f == mapping.FieldGivenName || f == mapping.FieldFamilyName:
			send = append(send, f)
		case !isProvider:
			// Everything else lives in provider_details, which only a
			// provider has.
			manual = append(manual, f)
		default:
			send = append(send, f)
		}
	}
	if len(send) == 0 {
		return nil, manual, nil
	}

	up := &updatePlan{synced: map[string]string{}, changed: send}
	if slices.Contains(send, mapping.FieldGivenName) || slices.Contains(send, mapping.FieldFamilyName) {
		up.req.FullName = strings.TrimSpace(rec.GivenName + " " + rec.FamilyName)
		up.synced[mapping.FieldGivenName] = rec.GivenName
		up.synced[mapping.FieldFamilyName] = rec.FamilyName
	}
	if isProvider {
		details := map[string]string{}
		for _, f := range send {
			details[f] = want[f]
		}
		// update-user requires these to travel with prescriber_type.
		if _, ok := details[mapping.FieldPrescriberType]; ok {
			details[mapping.FieldQualifications] = want[mapping.FieldQualifications]
			if rec.PrescriberType != "T" {
				details[mapping.FieldPrescriberNumber] = want[mapping.FieldPrescriberNumber]
			}
		}
		if len(details) > 0 {
			pd := &parchment.ProviderDetails{}
			for _, f := range providerDetailFields() {
				if v, ok := details[f]; ok {
					setProviderDetail(pd, f, v)
					up.synced[f] = v
				}
			}
			up.req.ProviderDetails = pd
		}
	}
	if problems := checkUpdate(rec, up); len(problems) > 0 {
		return nil, manual, problems
	}
	return up, manual, nil
}

// maxUpdatePrescriberNumber is the update page's newer limit.
const maxUpdatePrescriberNumber = 10

// checkUpdate applies the rules of the update page that are stricter than
// the create page's, so a value Parchment would reject is never sent.
func checkUpdate(rec mapping.Record, up *updatePlan) []mapping.Problem {
	pd := up.req.ProviderDetails
	if pd == nil {
		return nil
	}
	var out []mapping.Problem
	add := func(field, msg string) {
		out = append(out, mapping.Problem{
			ExternalUserID: rec.ExternalUserID, Field: field, Message: msg, Severity: mapping.SeverityError,
		})
	}
	if pd.ProviderNumber != "" && !mapping.ValidProviderNumberForUpdate(pd.ProviderNumber) {
		add(mapping.FieldProviderNumber, "Parchment only accepts a changed provider number of at most 10 characters")
	}
	if n := utf8.RuneCountInString(pd.PrescriberNumber); n > maxUpdatePrescriberNumber {
		add(mapping.FieldPrescriberNumber, "Parchment only accepts a changed prescriber number of at most 10 characters")
	}
	if pd.PrescriberType != "" && pd.PrescriberType != "T" && pd.PrescriberNumber == "" {
		add(mapping.FieldPrescriberNumber, "a prescriber number is required when the prescriber type changes")
	}
	if pd.PrescriberType != "" && pd.Qualifications == "" {
		add(mapping.FieldQualifications, "qualifications are required when the prescriber type changes")
	}
	return out
}

func setProviderDetail(pd *parchment.ProviderDetails, field, v string) {
	switch field {
	case mapping.FieldGivenName:
		pd.GivenName = v
	case mapping.FieldFamilyName:
		pd.FamilyName = v
	case mapping.FieldDateOfBirth:
		pd.DateOfBirth = v
	case mapping.FieldSex:
		pd.Sex = v
	case mapping.FieldHPIINumber:
		pd.HPIINumber = v
	case mapping.FieldPhone:
		pd.Phone = v
	case mapping.FieldTitle:
		pd.Title = v
	case mapping.FieldPrescriberNumber:
		pd.PrescriberNumber = v
	case mapping.FieldProviderNumber:
		pd.ProviderNumber = v
	case mapping.FieldPrescriberType:
		pd.PrescriberType = v
	case mapping.FieldAHPRANumber:
		pd.AHPRANumber = v
	case mapping.FieldQualifications:
		pd.Qualifications = v
	case mapping.FieldHospitalProviderNumber:
		pd.HospitalProviderNumber = v
	}
}

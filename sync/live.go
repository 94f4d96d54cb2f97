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
	if d := u.Details; d != nil {
		set(mapping.FieldTitle, d.Title)
		set(mapping.FieldDateOfBirth, d.DateOfBirth)
		set(mapping.FieldSex, sexAsSent(d.Sex, fallback))
	}
	given, family := liveNames(u, fallback)
	out[mapping.FieldGivenName], out[mapping.FieldFamilyName] = given, family
	if u.ProviderDetails == nil && slices.Contains(u.AccessRoles, mapping.RoleProvider) {
		// A provider whose provider record Parchment does not return (a
		// create whose provider part failed, or one it could not
		// retrieve): none of its fields is known to be held, so the
		// roster's are sent.
		for _, f := range providerOnlyFields() {
			delete(out, f)
		}
	}
	if p := u.ProviderDetails; p != nil {
		for field, v := range map[string]string{
			mapping.FieldDateOfBirth: p.DateOfBirth, mapping.FieldSex: sexAsSent(p.Sex, fallback), mapping.FieldTitle: p.Title,
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

// liveNames reads the names. full_name is the one name every user has and
// the only one the update of a non-provider can change. It is the display
// name, a title in front ("Dr Aroha Ngata"), so it is compared without a
// leading title. When it is what the fallback's names make, those are the
// names; otherwise the details' names count when they make the full name;
// otherwise the names are unknown (empty), so the roster's are sent.
func liveNames(u *parchment.User, fallback map[string]string) (given, family string) {
	join := func(g, f string) string { return strings.TrimSpace(g + " " + f) }
	full := untitled(u.FullName, fallback[mapping.FieldTitle], detailsTitle(u.Details), providerTitle(u.ProviderDetails))
	if full != "" && full == join(fallback[mapping.FieldGivenName], fallback[mapping.FieldFamilyName]) {
		return fallback[mapping.FieldGivenName], fallback[mapping.FieldFamilyName]
	}
	for _, d := range []struct{ g, f string }{detailsNames(u.Details), providerNames(u.ProviderDetails)} {
		if d.g != "" && (full == "" || full == join(d.g, d.f)) {
			return d.g, d.f
		}
	}
	return "", ""
}

// commonTitles are titles a display name may start with although no
// title field says so.
var commonTitles = []string{"Dr", "Prof", "Professor", "A/Prof", "Assoc Prof", "Mr", "Mrs", "Ms", "Miss", "Mx", "Sr", "Rev"}

// untitled is a display name without a leading title: one of titles, or
// a common one, with or without a full stop, in any case.
func untitled(full string, titles ...string) string {
	full = strings.TrimSpace(full)
	for _, t := range append(titles, commonTitles...) {
		t = strings.TrimSuffix(strings.TrimSpace(t), ".")
		if t == "" || len(full) <= len(t) || !strings.EqualFold(full[:len(t)], t) {
			continue
		}
		rest := strings.TrimPrefix(full[len(t):], ".")
		if strings.HasPrefix(rest, " ") {
			return strings.TrimSpace(rest)
		}
	}
	return full
}

// sexAsSent reads a sex as the roster would say it: reads show O where N
// (not stated) was sent, so a read O is the roster's N, never a change.
func sexAsSent(read string, fallback map[string]string) string {
	if read == "O" && fallback[mapping.FieldSex] == "N" {
		return "N"
	}
	return read
}

func detailsTitle(d *parchment.UserDetails) string {
	if d == nil {
		return ""
	}
	return d.Title
}

func providerTitle(p *parchment.ProviderDetails) string {
	if p == nil {
		return ""
	}
	return p.Title
}

func detailsNames(d *parchment.UserDetails) struct{ g, f string } {
	if d == nil {
		return struct{ g, f string }{}
	}
	return struct{ g, f string }{d.GivenName, d.FamilyName}
}

func providerNames(p *parchment.ProviderDetails) struct{ g, f string } {
	if p == nil {
		return struct{ g, f string }{}
	}
	return struct{ g, f string }{p.GivenName, p.FamilyName}
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

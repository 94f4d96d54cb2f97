package sync

import (
	"slices"
	"strconv"
	"strings"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// ProviderRoleWarning is Parchment's workflows page on taking the provider
// role away and giving it back, quoted in the report for every such change.
const ProviderRoleWarning = "Adding a provider role, then switching to non-provider role and then switching back to provider role may cause issues due to dependencies on downstream third party services"

// providerWarning is the report's warning on a ProviderChange.
func providerWarning() string { return "Parchment warns: \"" + ProviderRoleWarning + "\"" }

// ProviderChange marks a change that takes the provider role from a person
// who holds it, or gives it back to one who held it.
type ProviderChange string

const (
	// ProviderRemoved: a roles call without provider, or a disable (which
	// leaves only member), for a person the ledger has holding provider.
	ProviderRemoved ProviderChange = "removed"
	// ProviderRestored: provider given back to a person who held it, a
	// returner's roles after the enable included.
	ProviderRestored ProviderChange = "restored"
)

// providerRemovedField is kept among an entry's fields (beside the
// canonical ones, outside the digest) by the step that took the provider
// role away: the id of its run. It is how "held it before" is known once
// the roles no longer say so: a disable records them as member, a mover's
// roles call as the new ones. The ledger's schema does not change for it;
// the fields are a JSON object in both stores.
const providerRemovedField = "provider_removed_in_run"

func rolesOf(e *Entry) []string {
	return strings.Split(e.Fields[mapping.FieldAccessRoles], ",")
}

// holdsProvider reports whether the ledger has the person holding provider.
func holdsProvider(e *Entry) bool { return slices.Contains(rolesOf(e), mapping.RoleProvider) }

// heldProvider reports whether the person held provider at some time, as
// far as the ledger knows: they hold it, a step of ours took it away, or a
// provider's HPI-I was synced for them. The HPI-I answers for entries
// written before providerRemovedField was kept and for a role removed by
// hand in the portal (a refresh reads the roles, not the history); an
// HPI-I is required of a provider and stays recorded after the role goes.
// It may also be one a non-provider's roster row carried: then a first
// grant is flagged as a re-grant, a warning too many rather than too few.
func heldProvider(e *Entry) bool {
	return holdsProvider(e) || e.Fields[providerRemovedField] != "" || e.Fields[mapping.FieldHPIINumber] != ""
}

// providerChangeOf says whether steps take provider from e's person or
// give it back.
func providerChangeOf(e *Entry, steps []step) ProviderChange {
	if e == nil {
		return ""
	}
	for _, s := range steps {
		switch {
		case s.kind == stepDisable && holdsProvider(e):
			return ProviderRemoved
		case s.kind != stepRoles:
		case holdsProvider(e) && !slices.Contains(s.roles, mapping.RoleProvider):
			return ProviderRemoved
		case !holdsProvider(e) && slices.Contains(s.roles, mapping.RoleProvider) && heldProvider(e):
			return ProviderRestored
		}
	}
	return ""
}

// rolesTakenAway lists the roles a roles step removes, for the report:
// every change that takes access away says which.
func rolesTakenAway(e *Entry, steps []step) []string {
	var out []string
	for _, s := range steps {
		if s.kind != stepRoles {
			continue
		}
		for _, r := range rolesOf(e) {
			if r != "" && r != "member" && !slices.Contains(s.roles, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// markProviderRemoved records, in the entry a step leaves, that the step
// took provider away (see providerRemovedField).
func markProviderRemoved(before Entry, after *Entry, runID int64) {
	if holdsProvider(&before) && !holdsProvider(after) {
		after.Fields[providerRemovedField] = strconv.FormatInt(runID, 10)
	}
}

// explainProvider fills the report's account of a change that takes
// provider away or gives it back, and of any other role taken away.
func (d *decision) explainProvider() {
	if d.entry == nil || d.entry.State != StateSynced {
		return
	}
	d.provider = providerChangeOf(d.entry, d.steps)
	if gone := rolesTakenAway(d.entry, d.steps); len(gone) > 0 {
		d.note = joinNotes(d.note, "roles taken away: "+strings.Join(gone, ", "))
	}
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

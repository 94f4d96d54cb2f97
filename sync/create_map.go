package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
)

// adoption is a user Parchment already has that may be this person.
type adoption struct {
	userID   string
	attempts []Attempt
	// answer is the create's answer that said the person exists.
	answer *parchment.Error
	// ours marks a create of ours that may have landed: its intent is kept
	// when the user cannot be read, so the next run resolves it.
	ours   bool
	action Action // ActionAdopt, or ActionCreate for our own recovered create
	note   string
}

// adopt maps a user that existed in Parchment before this ledger knew of
// it. The user is read first: its live values become the ledger's
// last-synced state, so the follow-up sends exactly what differs from the
// roster. A user that proves to be someone else's is a failure for a
// person, never a guess.
func (a creation) adopt(ctx context.Context, ad adoption) {
	rec := a.row.Record
	keep := Commit{Attempts: ad.attempts}
	if !ad.ours {
		// The create was answered "exists": no intent of ours is left.
		keep.Forget = rec.ExternalUserID
	}
	u, err := a.x.api.GetUser(ctx, ad.userID)
	if err != nil {
		a.x.rec.failed(refusal{op: "get", c: a.c, err: err, keep: keep})
		return
	}
	keep.Attempts = append(keep.Attempts, a.x.rec.attempts("get", rec.ExternalUserID, u.Attempts)...)
	// Either way the user is not ours to take: nothing was created.
	keep.Forget = rec.ExternalUserID
	switch {
	case u.ExternalUserID != "" && u.ExternalUserID != rec.ExternalUserID:
		a.x.rec.failed(refusal{op: "create", c: a.c, keep: keep,
			err: linkError{fmt.Sprintf("Parchment answered that this person exists as user %s, which carries another external_user_id", ad.userID), ad.answer}})
		return
	case u.Email != "" && !strings.EqualFold(strings.TrimSpace(u.Email), rec.Email):
		a.x.rec.failed(refusal{op: "create", c: a.c, keep: keep,
			err: linkError{fmt.Sprintf("Parchment user %s carries this external_user_id but another email", ad.userID), ad.answer}})
		return
	}
	if ad.ours && ad.action == ActionAdopt && u.ExternalUserID == rec.ExternalUserID {
		// The user carries our partner id and our create was under way:
		// it is that create, recovered.
		ad.action, ad.note = ActionCreate, "recovered a create whose answer was lost"
	}
	a.c.Note = ad.note
	follow := followUpSend
	if u.ProviderDetails == nil && slices.Contains(u.AccessRoles, mapping.RoleProvider) {
		// The provider part is missing in Parchment: it must be sent.
		follow = followUpRequired
	}
	a.mapTo(ctx, mapped{userID: ad.userID, fields: liveFields(u, rec.Fields()), attempts: keep.Attempts, action: ad.action, follow: follow})
}

// followUp says what mapTo sends after recording a mapping.
type followUp int

const (
	// followUpNone sends nothing: Parchment holds what was recorded.
	followUpNone followUp = iota
	// followUpSend sends whatever the roster holds beyond the values
	// recorded, so a person whose lost create carried older values, or an
	// adopted user, converges in the same run.
	followUpSend
	// followUpRequired is followUpSend for values Parchment must still be
	// given (a create whose provider part did not happen): a follow-up
	// that cannot be sent fails the row.
	followUpRequired
)

// mapped is a Parchment user the create ends with: the values Parchment
// holds for them, the attempts that found them, and how the row counts.
type mapped struct {
	userID   string
	fields   map[string]string
	attempts []Attempt
	action   Action
	follow   followUp
}

// mapTo commits the mapping and counts the row as m.action, after the
// follow-up steps, if any, were accepted.
func (a creation) mapTo(ctx context.Context, m mapped) {
	rec := a.row.Record
	e := Entry{
		ExternalUserID: rec.ExternalUserID, ParchmentUserID: m.userID, State: StateSynced,
		Email: rec.Email, Fields: m.fields, UpdatedAt: time.Now().UTC(),
	}
	if err := a.x.rec.commit(Commit{Entry: &e, Attempts: m.attempts}); err != nil {
		if errors.Is(err, ErrParchmentUserTaken) {
			// Keep the requestIds even though the mapping was refused.
			_ = a.x.rec.commit(Commit{Attempts: m.attempts})
		} else {
			a.x.rec.unrecorded()
		}
		a.x.rec.failed(refusal{op: "create", c: a.c,
			err: fmt.Errorf("Parchment holds this person as user %s, but the ledger could not record it (the next run finds them by look-up): %w", m.userID, err)})
		return
	}
	a.c.ParchmentUserID = m.userID
	a.x.cfg.Logger.Debug("mapped", "action", m.action, "external_user_id", rec.ExternalUserID, "line", a.row.Line,
		"parchment_user_id", m.userID, "request_id", a.c.RequestID, "note", a.c.Note)
	if m.follow != followUpNone {
		steps, fields, manual, problems := planChanges(rec, &e)
		a.c.Manual, a.c.Fields = manual, fields
		if a.c.Provider = providerChangeOf(&e, steps); a.c.Provider != "" {
			// An adopted user's roster row may take provider away too.
			a.c.Warning = providerWarning()
		}
		if len(problems) > 0 && m.follow == followUpRequired {
			a.x.rec.count(actionFailed, a.c, problemFailures(problems, a.row.Line, rec.ExternalUserID)...)
			return
		}
		if len(problems) > 0 {
			a.c.Note += "; follow-up not sent: " + problems[0].Message
		}
		if !a.x.runSteps(ctx, &e, steps, &a.c) {
			return
		}
	}
	a.x.rec.count(m.action, a.c)
}

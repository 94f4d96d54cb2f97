package sync

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// Fingerprints identify what a plan was made from: the source as mapped
// and validated, and the ledger's state for the organisation. They are
// hashes: a plan file carries no value they were computed from.
type Fingerprints struct {
	Source string `json:"source"`
	Ledger string `json:"ledger"`
}

// Expectation is a reviewed plan an apply must match exactly.
type Expectation struct {
	Fingerprints Fingerprints
	// Changes are the plan's, as Plan reported them.
	Changes []Change
}

// ErrStalePlan is wrapped by the error of an apply whose plan no longer
// matches the source or the ledger; nothing was sent.
var ErrStalePlan = errors.New("the plan is stale")

func fingerprints(rows []mapping.Row, entries map[string]Entry) Fingerprints {
	src := sha256.New()
	enc := json.NewEncoder(src)
	for _, r := range rows {
		// Encoding a plain struct of strings cannot fail.
		_ = enc.Encode(struct {
			Line     int
			Skipped  bool
			Record   mapping.Record
			Problems []mapping.Problem
		}{r.Line, r.Skipped, r.Record, r.Problems})
	}
	led := sha256.New()
	enc = json.NewEncoder(led)
	for _, id := range slices.Sorted(maps.Keys(entries)) {
		e := entries[id]
		e.UpdatedAt = e.UpdatedAt.UTC() // when it changed is not what it holds
		_ = enc.Encode(struct {
			ID, ParchmentUserID, Email string
			State                      EntryState
			Fields                     map[string]string
			DisabledRunID              int64
			AbsentRuns                 int
		}{e.ExternalUserID, e.ParchmentUserID, e.Email, e.State, e.Fields, e.DisabledRunID, e.AbsentRuns})
	}
	return Fingerprints{Source: "sha256:" + hex.EncodeToString(src.Sum(nil)), Ledger: "sha256:" + hex.EncodeToString(led.Sum(nil))}
}

// staleness says why an apply does not match its plan, or nil.
func (x Expectation) staleness(got Fingerprints) error {
	switch {
	case got.Source != x.Fingerprints.Source:
		return fmt.Errorf("%w: the source changed since it was planned; run plan again and review it", ErrStalePlan)
	case got.Ledger != x.Fingerprints.Ledger:
		return fmt.Errorf("%w: the ledger changed since it was planned (another run happened); run plan again and review it", ErrStalePlan)
	}
	return nil
}

// sameChanges reports whether the decisions an apply is about to carry
// out are the plan's. Request ids are what an apply adds.
func (x Expectation) sameChanges(planned []Change) error {
	norm := func(cs []Change) string {
		out := make([]Change, len(cs))
		for i, c := range cs {
			c.RequestID = ""
			out[i] = c
		}
		b, _ := json.Marshal(out)
		return string(b)
	}
	if norm(planned) != norm(x.Changes) {
		return fmt.Errorf("%w: Parchment or the settings now give other decisions than the plan; run plan again and review it", ErrStalePlan)
	}
	return nil
}

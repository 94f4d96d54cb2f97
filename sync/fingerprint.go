package sync

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"

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

// sourceFingerprint hashes the rows as mapped and validated, one at a time.
type sourceFingerprint struct {
	h   hash.Hash
	buf []byte // one row's encoding, reused
}

func newSourceFingerprint() *sourceFingerprint { return &sourceFingerprint{h: sha256.New()} }

func (f *sourceFingerprint) add(r *mapping.Row) {
	b := binary.LittleEndian.AppendUint64(f.buf[:0], uint64(r.Line))
	if r.Skipped {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	rec := &r.Record
	for _, v := range [...]string{rec.ExternalUserID, rec.GivenName, rec.FamilyName, rec.Email, rec.DateOfBirth,
		rec.Sex, rec.Phone, rec.Title, rec.HPIINumber, rec.PrescriberType, rec.PrescriberNumber,
		rec.Qualifications, rec.ProviderNumber, rec.AHPRANumber, rec.HospitalProviderNumber, rec.EndDate} {
		b = appendString(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(rec.AccessRoles)))
	for _, role := range rec.AccessRoles {
		b = appendString(b, role)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Problems)))
	for _, p := range r.Problems {
		b = binary.AppendUvarint(b, uint64(p.Line))
		for _, v := range [...]string{p.ExternalUserID, p.Field, p.Message, string(p.Severity)} {
			b = appendString(b, v)
		}
	}
	_, _ = f.h.Write(b)
	f.buf = b
}

// appendString appends s length-prefixed, so strings cannot run together.
func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func (f *sourceFingerprint) sum() string { return "sha256:" + hexSum(f.h) }

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

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
func (x Expectation) sameChanges(r *Report) error {
	var planned []Change
	if err := r.EachChange(func(c Change) error { planned = append(planned, c); return nil }); err != nil {
		return &AbortError{Cause: err}
	}
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

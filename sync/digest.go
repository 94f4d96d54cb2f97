package sync

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// digestVersion prefixes every digest, so a change of what is hashed makes
// old digests differ instead of colliding: their entries are then compared
// field by field, which is slower, never wrong.
const digestVersion = "f1:"

// FieldsDigest is a compact fingerprint of an entry's fields, kept in the
// ledger beside them. A roster row whose record has the same digest holds
// the values last synced, so it is recognised as unchanged without loading
// the entry. Missing fields count as empty, as in the comparison itself.
func FieldsDigest(fields map[string]string) string {
	h := newFNV()
	for _, f := range mapping.FieldNames() {
		if f != mapping.FieldExternalUserID {
			h.value(fields[f])
		}
	}
	return digestVersion + strconv.FormatUint(uint64(h), 16)
}

// recordDigest is FieldsDigest of rec.Fields(), without its prefix and
// without building the map: it runs for every roster row of every run.
func recordDigest(rec *mapping.Record) uint64 {
	h := newFNV()
	for _, f := range mapping.FieldNames() {
		switch f {
		case mapping.FieldExternalUserID:
		case mapping.FieldAccessRoles:
			// As strings.Join(rec.AccessRoles, ","), without building it.
			n := max(len(rec.AccessRoles)-1, 0)
			for _, r := range rec.AccessRoles {
				n += len(r)
			}
			h.length(n)
			for i, r := range rec.AccessRoles {
				if i > 0 {
					h.string(",")
				}
				h.string(r)
			}
		default:
			h.value(recordField(rec, f))
		}
	}
	return uint64(h)
}

// fnv is 64-bit FNV-1a (as hash/fnv's New64a), written out so that hashing
// a string needs no []byte copy and no interface call.
type fnv uint64

func newFNV() fnv { return 14695981039346656037 }

// value hashes v length-prefixed, so values cannot run into each other.
func (h *fnv) value(v string) {
	h.length(len(v))
	h.string(v)
}

func (h *fnv) length(n int) {
	var b [binary.MaxVarintLen64]byte
	x := *h
	for _, c := range binary.AppendUvarint(b[:0], uint64(n)) {
		x = (x ^ fnv(c)) * fnvPrime
	}
	*h = x
}

func (h *fnv) string(s string) {
	x := *h // in a register, not stored back per byte
	for i := 0; i < len(s); i++ {
		x = (x ^ fnv(s[i])) * fnvPrime
	}
	*h = x
}

const fnvPrime = 1099511628211

// recordField is rec.Fields()[f].
func recordField(rec *mapping.Record, f string) string {
	switch f {
	case mapping.FieldGivenName:
		return rec.GivenName
	case mapping.FieldFamilyName:
		return rec.FamilyName
	case mapping.FieldEmail:
		return rec.Email
	case mapping.FieldDateOfBirth:
		return rec.DateOfBirth
	case mapping.FieldSex:
		return rec.Sex
	case mapping.FieldPhone:
		return rec.Phone
	case mapping.FieldAccessRoles:
		return strings.Join(rec.AccessRoles, ",")
	case mapping.FieldTitle:
		return rec.Title
	case mapping.FieldHPIINumber:
		return rec.HPIINumber
	case mapping.FieldPrescriberType:
		return rec.PrescriberType
	case mapping.FieldPrescriberNumber:
		return rec.PrescriberNumber
	case mapping.FieldQualifications:
		return rec.Qualifications
	case mapping.FieldProviderNumber:
		return rec.ProviderNumber
	case mapping.FieldAHPRANumber:
		return rec.AHPRANumber
	case mapping.FieldHospitalProviderNumber:
		return rec.HospitalProviderNumber
	}
	return ""
}

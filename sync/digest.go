package sync

import (
	"encoding/binary"
	"hash/fnv"
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
	return digestVersion + strconv.FormatUint(digestOf(func(f string) string { return fields[f] }), 16)
}

// recordDigest is FieldsDigest of rec.Fields(), without its prefix and
// without building the map.
func recordDigest(rec *mapping.Record) uint64 {
	return digestOf(func(f string) string { return recordField(rec, f) })
}

func digestOf(value func(field string) string) uint64 {
	h := fnv.New64a()
	var n [binary.MaxVarintLen64]byte
	for _, f := range mapping.FieldNames() {
		if f == mapping.FieldExternalUserID {
			continue
		}
		v := value(f)
		// Length-prefixed, so values cannot run into each other.
		_, _ = h.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
		_, _ = h.Write([]byte(v))
	}
	return h.Sum64()
}

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

package sync

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// savedIndexFixture is an index of every kind of entry: synced, disabled,
// absent, pending, one with a digest of another version.
func savedIndexFixture(t *testing.T) *ledgerIndex {
	t.Helper()
	b := newIndexBuilder()
	for i := range 300 {
		id := fmt.Sprintf("E%03d", i)
		e := EntrySummary{ExternalUserID: id, State: StateSynced, Digest: FieldsDigest(map[string]string{"title": id}), AbsentRuns: i % 4}
		switch {
		case i%11 == 0:
			e.State, e.AbsentRuns = StatePending, 0
		case i%7 == 0:
			e.DisabledRunID = 3
		case i == 5:
			e.Digest = "f9:abc"
		}
		require.NoError(t, b.add(e))
	}
	return b.done()
}

func TestSavedIndexReadsBackAsBuilt(t *testing.T) {
	t.Parallel()
	want := savedIndexFixture(t)
	require.NotNil(t, want.find("E010"), "reading marks nothing a saved index keeps")
	want.slots[10].flags |= slotSeen

	got, err := decodeIndex(encodeIndex(want))
	require.NoError(t, err)
	require.Equal(t, want.fingerprint, got.fingerprint)
	require.Equal(t, want.active, got.active)
	require.Equal(t, want.pending, got.pending)
	require.Equal(t, string(want.ids), string(got.ids))
	require.Len(t, got.slots, len(want.slots))
	for i := range want.slots {
		w, g := want.slots[i], got.slots[i]
		w.key, g.key = 0, 0 // the process's own seed
		w.flags &^= slotSeen
		require.Equal(t, w, g, "slot %d", i)
	}
	for i := range want.slots {
		id := want.id(&want.slots[i])
		s := got.find(id)
		require.NotNil(t, s, id)
		require.Equal(t, id, got.id(s))
	}
	require.Nil(t, got.find("E999"))
	require.True(t, got.slots[5].has(slotOddDigest))
}

func TestSavedIndexRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	data := encodeIndex(savedIndexFixture(t))
	for n := range len(data) {
		_, err := decodeIndex(data[:n])
		require.ErrorIs(t, err, errSavedIndex, "cut at %d of %d", n, len(data))
	}
	_, err := decodeIndex(append(data[:len(data):len(data)], 'x'))
	require.ErrorIs(t, err, errSavedIndex, "a byte too many")

	other := appendString(nil, "parchment-sync index 2, digests f2:")
	_, err = decodeIndex(append(other, data[len(appendString(nil, savedIndexFormat)):]...))
	require.ErrorIs(t, err, errOtherFormat, "another build's format")
	require.ErrorContains(t, err, "parchment-sync index 2")

	ix := savedIndexFixture(t)
	header := binary.AppendUvarint(appendString(appendString(nil, savedIndexFormat), ix.fingerprint), uint64(len(ix.slots)))
	first := len(header) + 2 // after the first slot's id length and absent runs
	require.Equal(t, uint8(0), data[first], "the first entry is pending: no flags")
	data[first] = slotSeen
	_, err = decodeIndex(data)
	require.ErrorIs(t, err, errSavedIndex, "a flag a saved slot never has")
}

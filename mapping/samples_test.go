package mapping

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// readSample reads samples/<csv> with samples/<mapping> when one is named.
func readSample(t *testing.T, csvName, mappingName string) []Row {
	t.Helper()
	dir := filepath.Join("..", "samples")
	var m *Mapping
	if mappingName != "" {
		var err error
		m, err = LoadMapping(filepath.Join(dir, mappingName))
		require.NoError(t, err)
	}
	f, err := os.Open(filepath.Join(dir, csvName))
	require.NoError(t, err)
	defer f.Close()
	r, err := OpenCSV(f, csvName, m)
	require.NoError(t, err)
	rows, err := ReadAll(r)
	require.NoError(t, err)
	return rows
}

func byID(rows []Row) map[string]Row {
	out := map[string]Row{}
	for _, r := range rows {
		out[r.Record.ExternalUserID] = r
	}
	return out
}

func TestSampleRostersAreValid(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"roster.csv", "roster-edited.csv"} {
		rows := readSample(t, name, "")
		require.Len(t, rows, 12, name)
		for _, r := range rows {
			require.True(t, r.Valid(), "%s line %d: %v", name, r.Line, r.Problems)
			// Valid Medicare provider numbers raise no warning either.
			require.Empty(t, r.Problems, "%s line %d", name, r.Line)
		}
	}
}

func TestSampleRosterEdits(t *testing.T) {
	t.Parallel()
	before, after := byID(readSample(t, "roster.csv", "")), byID(readSample(t, "roster-edited.csv", ""))
	var changed, added, removed []string
	for id, a := range after {
		b, ok := before[id]
		switch {
		case !ok:
			added = append(added, id)
		default:
			for f, v := range a.Record.Fields() {
				if b.Record.Fields()[f] != v {
					changed = append(changed, id+" "+f)
				}
			}
		}
	}
	for id := range before {
		if _, ok := after[id]; !ok {
			removed = append(removed, id)
		}
	}
	require.ElementsMatch(t, []string{
		"HC-0003 family_name", "HC-0004 qualifications", "HC-0006 provider_number",
		"HC-0009 email", "HC-0010 access_roles",
	}, changed)
	require.Equal(t, []string{"HC-0013"}, added)
	require.Equal(t, []string{"HC-0012"}, removed)
	require.Equal(t, "2026-06-30", after["HC-0011"].Record.EndDate, "a leaver")
}

func TestSampleRosterReturnAndTruncation(t *testing.T) {
	t.Parallel()
	returned := byID(readSample(t, "roster-returned.csv", ""))
	require.Len(t, returned, 12)
	require.Empty(t, returned["HC-0011"].Record.EndDate, "the leaver is back")
	require.Len(t, readSample(t, "roster-truncated.csv", ""), 4, "an export cut short")
}

func TestSampleDeputy(t *testing.T) {
	t.Parallel()
	rows := byID(readSample(t, "deputy.csv", "deputy.yaml"))
	require.Len(t, rows, 9)
	requireLeavers(t, rows, "DEPUTY#1010", "2024-06-30", "DEPUTY#1009", "2099-01-31")
	require.False(t, rows["DEPUTY#1011"].Valid(), "the sample's deliberately wrong HPI-I")
	require.Empty(t, rows["DEPUTY#1001"].Record.Phone, "a personal mobile is not the clinic's number")
	require.Equal(t, "0182634", rows["DEPUTY#1006"].Record.PrescriberNumber, "leading 0 restored")
	require.Equal(t, []string{"provider", "receptionist", "rx_reader"}, rows["DEPUTY#1004"].Record.AccessRoles)
	require.Equal(t, "U", rows["DEPUTY#1004"].Record.PrescriberType)
	for id, r := range rows {
		require.False(t, r.Skipped, id)
		if id != "DEPUTY#1011" {
			require.True(t, r.Valid(), "%s: %v", id, r.Problems)
		}
	}
}

// requireLeavers checks a sample's end dates: gone has left (by the test
// date and by now), leaving has given notice; nobody else has an end date.
func requireLeavers(t *testing.T, rows map[string]Row, gone, goneOn, leaving, leavingOn string) {
	t.Helper()
	require.Equal(t, goneOn, rows[gone].Record.EndDate)
	require.Equal(t, leavingOn, rows[leaving].Record.EndDate)
	for _, today := range []time.Time{testToday(), time.Now()} {
		require.True(t, rows[gone].Record.LeftBy(today), gone)
		require.False(t, rows[leaving].Record.LeftBy(today), leaving)
	}
	for id, r := range rows {
		if id != gone && id != leaving {
			require.Empty(t, r.Record.EndDate, id)
		}
	}
}

func TestSampleEmploymentHero(t *testing.T) {
	t.Parallel()
	rows := byID(readSample(t, "employment-hero.csv", "employment-hero.yaml"))
	require.Len(t, rows, 6)
	require.Equal(t, "Zoë", rows["EH#2001"].Record.GivenName)
	require.Equal(t, "1990-07-30", rows["EH#2001"].Record.DateOfBirth)
	require.Equal(t, "1970-01-01", rows["EH#2003"].Record.DateOfBirth)
	require.Equal(t, "Ó Briain", rows["EH#2003"].Record.FamilyName)
	require.Equal(t, "T", rows["EH#2005"].Record.PrescriberType)
	requireLeavers(t, rows, "EH#2006", "2023-03-15", "EH#2002", "2099-06-30")
	for id, r := range rows {
		require.False(t, r.Skipped, id)
		require.True(t, r.Valid(), "%s: %v", id, r.Problems)
	}
}

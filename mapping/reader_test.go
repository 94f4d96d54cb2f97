package mapping

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/jszwec/csvutil"
	"github.com/stretchr/testify/require"
)

const minimalHeader = "external_user_id,given_name,family_name,email\n"

func readString(t *testing.T, in string, m *Mapping) ([]Row, error) {
	t.Helper()
	r, err := OpenCSV(strings.NewReader(in), "roster.csv", m)
	if err != nil {
		return nil, err
	}
	return ReadAll(r)
}

func requireSourceError(t *testing.T, err error, line int) *SourceError {
	t.Helper()
	var se *SourceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "roster.csv", se.File)
	require.Equal(t, line, se.Line, se.Error())
	return se
}

func TestRecordTagsAreFieldNames(t *testing.T) {
	t.Parallel()
	header, err := csvutil.Header(Record{}, "csv")
	require.NoError(t, err)
	require.Equal(t, RosterFieldNames(), header)
	require.Equal(t, FieldNames(), RosterFieldNames()[:len(FieldNames())], "Parchment fields first")
}

// decodeRecord puts each canonical cell in the field its csv tag names, as
// csvutil decodes by the tags.
func TestDecodeRecordFollowsTags(t *testing.T) {
	t.Parallel()
	names := RosterFieldNames()
	cells := make([]string, len(names))
	for i, name := range names {
		cells[i] = "value-of-" + name
	}
	var got Record
	decodeRecord(&got, cells)

	csvText := strings.Join(names, ",") + "\n" + strings.Join(cells, ",") + "\n"
	dec, err := csvutil.NewDecoder(csv.NewReader(strings.NewReader(csvText)))
	require.NoError(t, err)
	dec.WithUnmarshalers(csvutil.UnmarshalFunc(func(b []byte, roles *[]string) error {
		*roles = []string{string(b)}
		return nil
	}))
	var want Record
	require.NoError(t, dec.Decode(&want))
	require.Equal(t, want, got)

	decodeRecord(&got, append(cells[:7:7], append([]string{"provider; Admin,,"}, cells[8:]...)...))
	require.Equal(t, []string{"provider", " Admin"}, got.AccessRoles, "split on ; and , (normalising trims and sorts)")
}

// end_date is read from a roster but is not a Parchment field: the sync
// engine, which diffs FieldNames and Fields with its ledger, never sees it.
func TestEndDateIsNotAParchmentField(t *testing.T) {
	t.Parallel()
	require.Contains(t, RosterFieldNames(), FieldEndDate)
	require.NotContains(t, FieldNames(), FieldEndDate)
	rec := validProvider()
	rec.EndDate = "2024-06-30"
	require.NotContains(t, rec.Fields(), FieldEndDate)
	for _, v := range rec.Fields() {
		require.NotEqual(t, rec.EndDate, v)
	}
	without := rec
	without.EndDate = ""
	require.Equal(t, without.Fields(), rec.Fields())
}

func TestCanonicalEndDate(t *testing.T) {
	t.Parallel()
	in := "external_user_id,given_name,family_name,email,End_Date \n" +
		"E1,Ann,Lee,a@example.com.au,2024-06-30\n" +
		"E2,Bob,Ng,b@example.com.au,\n" +
		"E3,Cy,Oh,c@example.com.au,2099-01-31\n" +
		"E4,Di,Ma,d@example.com.au,30/06/2024\n" +
		"E5,Ed,Fa,e@example.com.au,2024-02-30\n"
	rows, err := readString(t, in, nil)
	require.NoError(t, err)
	require.Len(t, rows, 5)
	want := []struct {
		end     string
		message string // of the only problem, when there is one
	}{
		{"2024-06-30", ""},
		{"", ""},
		{"2099-01-31", ""}, // notice given: not an error
		{"30/06/2024", "end_date must be written YYYY-MM-DD (a spreadsheet may have reformatted it; a mapping file can name another format)"},
		{"2024-02-30", "end_date is not a real date"},
	}
	for i, w := range want {
		row := rows[i]
		require.Equal(t, w.end, row.Record.EndDate, "line %d", row.Line)
		if w.message == "" {
			require.True(t, row.Valid(), "line %d: %v", row.Line, row.Problems)
			require.Empty(t, row.Problems, "line %d", row.Line)
			continue
		}
		require.False(t, row.Valid(), "line %d", row.Line)
		require.Equal(t, []Problem{{Line: row.Line, ExternalUserID: row.Record.ExternalUserID, Field: FieldEndDate, Message: w.message, Severity: SeverityError}}, row.Problems)
	}
}

// end_date problems come after the Parchment fields' and before those of
// source columns.
func TestEndDateProblemOrder(t *testing.T) {
	t.Parallel()
	in := "external_user_id,given_name,family_name,email,end_date,hospital_provider_number\n" +
		"E1,Ann,Lee,not-an-email,31/12/2024,,extra\n"
	rows, err := readString(t, in, nil)
	require.NoError(t, err)
	var fields []string
	for _, p := range rows[0].Problems {
		fields = append(fields, p.Field)
	}
	require.Equal(t, []string{FieldEmail, FieldEndDate, "column 7"}, fields)
}

func TestReaderStreamsRowByRow(t *testing.T) {
	t.Parallel()
	in := minimalHeader + "E1,Ann,Lee,ann@example.com.au\nE2,Bob,Ng,bob@example.com.au\n"
	r, err := OpenCSV(strings.NewReader(in), "roster.csv", nil)
	require.NoError(t, err)
	row, err := r.Next()
	require.NoError(t, err)
	require.Equal(t, 2, row.Line)
	require.Equal(t, "E1", row.Record.ExternalUserID)
	require.True(t, row.Valid())
	row, err = r.Next()
	require.NoError(t, err)
	require.Equal(t, 3, row.Line)
	_, err = r.Next()
	require.ErrorIs(t, err, io.EOF)
	_, err = r.Next()
	require.ErrorIs(t, err, io.EOF, "EOF repeats")
}

func TestSourceErrorIsSticky(t *testing.T) {
	t.Parallel()
	in := minimalHeader + "E1,Ann,Lee,ann@example.com.au\nE2,\"Bob,Ng,bob@example.com.au\n"
	r, err := OpenCSV(strings.NewReader(in), "roster.csv", nil)
	require.NoError(t, err)
	_, err = r.Next()
	require.NoError(t, err)
	_, err = r.Next()
	requireSourceError(t, err, 3)
	_, again := r.Next()
	require.Equal(t, err, again)
}

func TestBareQuoteIsSourceError(t *testing.T) {
	t.Parallel()
	_, err := readString(t, minimalHeader+"E1,Ann,Lee,ann@example.com.au\nE2,Bo\"b,Ng,bob@example.com.au\n", nil)
	se := requireSourceError(t, err, 3)
	require.Contains(t, se.Message, "quote")
}

func TestOversizedCellIsSourceError(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", MaxCellBytes+1)
	_, err := readString(t, minimalHeader+"E1,"+big+",Lee,ann@example.com.au\n", nil)
	se := requireSourceError(t, err, 2)
	require.Equal(t, "given_name", se.Field)
}

// An oversized record is located on the line where it starts, even when
// blank lines (which encoding/csv skips) come before it.
func TestOversizedRecordLineAfterBlankLines(t *testing.T) {
	t.Parallel()
	rows := minimalHeader + "E1,Ann,Lee,a@example.com.au\n\n\n\n"
	huge := strings.Repeat("y", 2*maxRecordBytes)
	cases := []struct {
		name string
		in   string
		line int
	}{
		{"unquoted", rows + "E2,Bob," + huge + ",b@example.com.au\n", 6},
		{"open quote", rows + "E2,\"" + huge, 6},
		{"only blank lines", rows + strings.Repeat("\n", 2*maxRecordBytes) + "E2,Bob,Ng,b@example.com.au\n", 3},
	}
	for _, c := range cases {
		_, err := readString(t, c.in, nil)
		se := requireSourceError(t, err, c.line)
		require.Contains(t, se.Message, "larger than", c.name)
	}
}

// A 20 MB cell, an unclosed quote before megabytes of data and megabytes of
// delimiters must fail with allocation that does not depend on the input's
// size. Not parallel: it measures the process's allocations.
func TestMemoryStaysBounded(t *testing.T) {
	const inputSize = 20 << 20
	const allocBound = 32 << 20
	huge := strings.Repeat("y", inputSize)
	cases := []struct {
		name string
		in   string
		line int
	}{
		{"huge cell", minimalHeader + "E1,Ann," + huge + ",a@example.com.au\n", 2},
		{"huge header", huge + "\n", 1},
		{"unclosed quote", minimalHeader + "E1,\"Ann,Lee,a@example.com.au\n" + strings.Repeat("E2,Bob,Ng,b@example.com.au\n", inputSize/28), 2},
		{"lines inside quotes", minimalHeader + "E1,\"" + strings.Repeat("\n", inputSize), 2},
		{"delimiters", minimalHeader + strings.Repeat(",", inputSize), 2},
	}
	for _, c := range cases {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := readString(t, c.in, nil)
		runtime.ReadMemStats(&after)
		requireSourceError(t, err, c.line)
		t.Logf("%s: %d KiB", c.name, (after.TotalAlloc-before.TotalAlloc)>>10)
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(allocBound), c.name)
	}
}

func TestBinaryJunkIsSourceError(t *testing.T) {
	t.Parallel()
	junk := bytes.Repeat([]byte{0, 1, 2, 0xff, 0xfe, '\n', ','}, 10000)
	_, err := OpenCSV(bytes.NewReader(junk), "roster.csv", nil)
	var se *SourceError
	require.ErrorAs(t, err, &se)
}

func TestRaggedRows(t *testing.T) {
	t.Parallel()
	rows, err := readString(t, minimalHeader+"E1,Ann,Lee\nE2,Bob,Ng,bob@example.com.au,,\nE3,Cy,Oh,cy@example.com.au,extra\n", nil)
	require.NoError(t, err)
	require.Len(t, rows, 3)
	require.Equal(t, "email", rows[0].Problems[0].Field, "a short row has empty trailing cells")
	require.True(t, rows[1].Valid(), "empty extra cells are harmless")
	require.False(t, rows[2].Valid())
	require.Equal(t, "column 5", rows[2].Problems[0].Field)
}

func TestDuplicateHeaderColumn(t *testing.T) {
	t.Parallel()
	_, err := readString(t, "external_user_id,given_name,family_name,email,Email\nE1,Ann,Lee,a@example.com.au,b@example.com.au\n", nil)
	se := requireSourceError(t, err, 1)
	require.Equal(t, "email", se.Field)
}

func TestUnusedDuplicateColumnsAreIgnored(t *testing.T) {
	t.Parallel()
	rows, err := readString(t, "external_user_id,given_name,family_name,email,,notes,notes\nE1,Ann,Lee,a@example.com.au,,x,y\n", nil)
	require.NoError(t, err)
	require.True(t, rows[0].Valid())
}

func TestDelimiterHint(t *testing.T) {
	t.Parallel()
	_, err := readString(t, "external_user_id;given_name;family_name;email\nE1;Ann;Lee;a@example.com.au\n", nil)
	se := requireSourceError(t, err, 1)
	require.Contains(t, se.Message, "delimiter")
}

func TestProblemsNeverEchoIdentifiers(t *testing.T) {
	t.Parallel()
	secrets := []string{"8003615260181595", "1918-02-30", "13186060", "2462819B", "XYZ0001234567"}
	in := "external_user_id,given_name,family_name,email,access_roles,date_of_birth,sex,hpii_number,prescriber_type,prescriber_number,qualifications,provider_number,ahpra_number\n" +
		"E1,Ann,Lee,a@example.com.au,provider," + secrets[1] + ",F," + secrets[0] + ",M," + secrets[2] + ",MBBS," + secrets[3] + "," + secrets[4] + "\n"
	rows, err := readString(t, in, nil)
	require.NoError(t, err)
	require.NotEmpty(t, rows[0].Problems)
	for _, p := range rows[0].Problems {
		for _, s := range secrets {
			require.NotContains(t, p.Message, s)
		}
		require.Equal(t, 2, p.Line)
		require.Equal(t, "E1", p.ExternalUserID)
		require.NotEmpty(t, p.Field)
	}
}

func TestNonSourceErrorsPassThrough(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	r, err := OpenCSV(io.MultiReader(strings.NewReader(minimalHeader), iotestErrReader{boom}), "roster.csv", nil)
	require.NoError(t, err)
	_, err = r.Next()
	require.ErrorIs(t, err, boom)
	var se *SourceError
	require.False(t, errors.As(err, &se))
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }
